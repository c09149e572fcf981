// Hydra's /oauth2/register on the public port (RFC 7591, RFC 7592; issue 16), only when DCR_ENABLED.
// Who: anyone may register (the client then waits in the portal's review queue); reading, updating and
// deleting need the registration access token (Authorization: Bearer). Every call counts against a
// per-address limit (the one client-address resolver: fastify's request.ip with TRUST_PROXY).
// Errors: 400 invalid_client_metadata / invalid_redirect_uri, 401 invalid_token, 429, 503; never a 500.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/config.ts';
import { isConnectionError, type Database } from '../../db/database.ts';
import { addressKey } from '../../shared/limits/client-address.ts';
import { createLimit, type Limit } from '../../shared/limits/limit.ts';
import { createDynamicRegistration, type DynamicRegistration, type RegistrationError } from '../app/dynamic-registration.ts';

type WithId = FastifyRequest<{ Params: { id: string } }>;

export const REGISTRATION_PATH = '/oauth2/register';

function sendError(reply: FastifyReply, e: RegistrationError) {
  reply.header('cache-control', 'no-store');
  if (e.kind === 'invalid_token') {
    reply.header('www-authenticate', 'Bearer error="invalid_token", error_description="The registration access token is invalid"');
    return reply.code(401).send({ error: 'invalid_token', error_description: 'The registration access token is invalid' });
  }
  if (e.kind === 'unavailable') return reply.code(503).send({ error: 'temporarily_unavailable', error_description: 'The service is unavailable' });
  return reply.code(400).send({ error: e.kind, error_description: e.description });
}

const bearer = (request: FastifyRequest): string | undefined => /^Bearer\s+([\x21-\x7e]{1,512})$/i.exec(request.headers.authorization ?? '')?.[1];

export function registerRegistrationRoutes(app: FastifyInstance, { registration, limit }: { registration: DynamicRegistration; limit: Limit }): void {
  app.register(async (scope) => {
    // The public server leaves bodies to oidc-provider; these routes read JSON themselves.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, body === '' ? undefined : JSON.parse(body as string));
      } catch {
        done(null, Symbol.for('invalid-json'));
      }
    });
    scope.addHook('onRequest', async (request, reply) => {
      const hit = await limit.hit(addressKey(request.ip)).catch(() => ({ allowed: true, retryAfter: 0 }));
      if (!hit.allowed) {
        reply.header('retry-after', String(hit.retryAfter));
        return reply.code(429).send({ error: 'too_many_requests', error_description: 'Too many registration requests from this address' });
      }
    });
    scope.setErrorHandler((error, _request, reply) => {
      if (isConnectionError(error)) return sendError(reply, { kind: 'unavailable' });
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status < 500) return reply.code(status === 415 ? 400 : status).send({ error: 'invalid_client_metadata', error_description: 'The request body must be JSON client metadata' });
      return sendError(reply, { kind: 'unavailable' });
    });
    const json = (request: FastifyRequest) => (request.body === Symbol.for('invalid-json') ? null : request.body);
    const answer = async (reply: FastifyReply, status: number, work: Promise<{ ok: true; value: unknown } | { ok: false; error: RegistrationError }>) => {
      const done = await work;
      if (!done.ok) return sendError(reply, done.error);
      reply.header('cache-control', 'no-store');
      return done.value === undefined ? reply.code(204).send() : reply.code(status).send(done.value);
    };

    scope.post(REGISTRATION_PATH, (request, reply) => answer(reply, 201, registration.register(json(request))));
    scope.get(`${REGISTRATION_PATH}/:id`, (request, reply) => answer(reply, 200, registration.read((request as WithId).params.id, bearer(request))));
    scope.put(`${REGISTRATION_PATH}/:id`, (request, reply) => answer(reply, 200, registration.update((request as WithId).params.id, bearer(request), json(request))));
    scope.delete(`${REGISTRATION_PATH}/:id`, (request, reply) => answer(reply, 204, registration.remove((request as WithId).params.id, bearer(request))));
  });
}

/** The routes as configured: nothing unless DCR_ENABLED (Hydra's default: off). */
export function useDynamicRegistration(app: FastifyInstance, { config, db, clients }: { config: Config; db: Database; clients: Parameters<typeof createDynamicRegistration>[0]['clients'] }): void {
  if (!config.dcr.enabled) return;
  const registration = createDynamicRegistration({ db, clients, issuer: config.urls.issuer });
  registerRegistrationRoutes(app, { registration, limit: createLimit(db, { prefix: 'dcr-address', limit: config.dcr.addressLimit, windowSeconds: config.dcr.windowSeconds }) });
}
