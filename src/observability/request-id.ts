// Fastify plugin: gives every request the flow's id (x-request-id), echoes it on the response and
// keeps it in AsyncLocalStorage so logs and outgoing calls made while serving carry it.
import type { FastifyRequest } from 'fastify';
import { serverWide } from '../shared/server-wide.ts';
import { acceptRequestId, REQUEST_ID_HEADER, requestContext, type RequestContext } from '../shared/request-context.ts';

const STORE = Symbol('lightgate.requestContext');
type WithStore = FastifyRequest & { [STORE]?: RequestContext };

export const requestIdPlugin = serverWide('lightgate-request-id', (app, _options: Record<never, never>, done) => {
  app.addHook('onRequest', (request, reply, next) => {
    const store: RequestContext = { requestId: acceptRequestId(request.headers[REQUEST_ID_HEADER]) };
    (request as WithStore)[STORE] = store;
    // On the raw response: hijacked routes (oidc-provider) write their own headers.
    reply.raw.setHeader(REQUEST_ID_HEADER, store.requestId);
    requestContext.run(store, next);
  });
  // Body parsing resumes from stream callbacks, outside the context: enter it again before the handler.
  app.addHook('preValidation', (request, _reply, next) => {
    const store = (request as WithStore)[STORE];
    if (store) requestContext.run(store, next);
    else next();
  });
  done();
});

/** The id of a request this plugin has seen (for error bodies and tests). */
export function requestIdOf(request: FastifyRequest): string | undefined {
  return (request as WithStore)[STORE]?.requestId;
}
