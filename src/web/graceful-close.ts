// Fastify plugin: once the server is closing, a connection whose response is done is closed at once
// instead of idling in keep-alive until its timeout, so SIGTERM drains and exits in well under 10 s.
import { serverWide } from '../shared/server-wide.ts';

export const gracefulClosePlugin = serverWide('lightgate-graceful-close', (app, _options: Record<never, never>, done) => {
  let closing = false;
  app.addHook('preClose', (next) => {
    closing = true;
    next();
  });
  // On the raw response, so hijacked routes (oidc-provider) are covered too.
  app.addHook('onRequest', (_request, reply, next) => {
    if (closing) reply.raw.setHeader('connection', 'close');
    reply.raw.once('finish', () => {
      if (closing) setImmediate(() => app.server.closeIdleConnections());
    });
    next();
  });
  done();
});
