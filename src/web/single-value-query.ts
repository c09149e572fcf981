// Fastify plugin: a repeated query parameter keeps its first value, as Go's url.Values.Get does in
// Ory Hydra, so handlers written for one string never receive an array (found by the fuzz tests).
import { serverWide } from '../shared/server-wide.ts';

export const singleValueQueryPlugin = serverWide('lightgate-single-value-query', (app, _options: Record<never, never>, done) => {
  app.addHook('preValidation', (request, _reply, next) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (query && typeof query === 'object' && Object.values(query).some(Array.isArray)) {
      request.query = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    }
    next();
  });
  done();
});
