// Fastify plugin: once the server is closing, a connection whose response is done is closed at once
// instead of idling in keep-alive until its timeout, so SIGTERM drains and exits in well under 10 s.
import { serverWide } from '../shared/server-wide.ts';

export const gracefulClosePlugin = serverWide('lightgate-graceful-close', (app, _options: Record<never, never>, done) => {
  let closing = false;
  app.addHook('preClose', (next) => {
    closing = true;
    // Node gives a connection keepAliveTimeout (+ its buffer) to idle when its response ends: 1 ms from now on,
    // so a response in flight closes its connection as it finishes. Read by Node at each response's end, so
    // nothing is added per request (a 'finish' listener on every response before; issue 18).
    app.server.keepAliveTimeout = 1;
    app.server.keepAliveTimeoutBuffer = 0;
    next();
  });
  // On the raw response, so hijacked routes (oidc-provider) are covered too.
  app.addHook('onRequest', (_request, reply, next) => {
    if (closing) reply.raw.setHeader('connection', 'close');
    next();
  });
  done();
});
