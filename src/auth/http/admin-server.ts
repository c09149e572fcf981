// Port 4445: Ory Hydra's admin API (and Lightgate's extension) over the port. Thin: parse, call, map the error value.
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import jsonPatch from 'fast-json-patch';
import type { Database } from '../../db/database.ts';
import type { LightgatePort } from '../../hydra-port/port.ts';
import type { HydraError, OAuth2Client } from '../../hydra-port/types.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Result } from '../../shared/result.ts';
import { VERSION } from '../../shared/version.ts';
import { registerHealthRoutes } from '../../shared/health-routes.ts';
import { acceptConsentSchema, acceptDeviceSchema, acceptLoginSchema, parseBody, rejectSchema } from './admin-schemas.ts';
import { registerAdminAuth } from './admin-auth.ts';
import type { AdminApiCredentials } from '../../config/admin-credentials.ts';
import { registerServerPlugins } from '../../web/server-plugins.ts';
import type { TrustProxy } from '../../config/config.ts';
import { fastifyTrustProxy } from '../../shared/limits/client-address.ts';
import { addHsts } from '../../web/security-headers.ts';

export interface AdminServerDeps {
  hydra: LightgatePort;
  db: Database;
  logger?: Logger;
  /** Extra admin routes of other modules (wallet funding, metrics), registered as encapsulated plugins. */
  plugins?: FastifyPluginAsync[];
  /** Who may set X-Forwarded-For (request logs show the client's address). */
  trustProxy?: TrustProxy;
  /** Strict-Transport-Security (config.hsts). */
  hsts?: boolean;
  /** ADMIN_API_TOKEN / ADMIN_API_BASIC: when set, every request but the health probes needs one (issue 11 #5). */
  credentials?: Pick<AdminApiCredentials, 'token' | 'basic'>;
}

type Q = Record<string, string | undefined>;

/** Hydra's admin error body is {error, error_description}; a 410 is only {redirect_to} (Hydra's oAuth2RedirectTo). */
function sendError(reply: FastifyReply, e: HydraError) {
  if (e.status === 410 && e.redirect_to) return reply.code(410).send({ redirect_to: e.redirect_to });
  return reply.code(e.status).send({ error: e.error, error_description: e.error_description });
}

async function send<T>(reply: FastifyReply, result: Promise<Result<T, HydraError>>, status = 200) {
  const r = await result;
  if (!r.ok) return sendError(reply, r.error);
  if (r.value === undefined) return reply.code(204).send();
  return reply.code(status).send(r.value);
}

const MAX_PAGE_SIZE = 500;

export function buildAdminServer({ hydra, db, logger, plugins = [], trustProxy = { kind: 'off' }, hsts = false, credentials }: AdminServerDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger | undefined, bodyLimit: 256 * 1024, trustProxy: fastifyTrustProxy(trustProxy) });
  // Internal port: no request-rate limit (the login app's calls for every user come from one address).
  registerServerPlugins(app, { service: 'admin', maxBodyBytes: 256 * 1024, exposeMetrics: true, singleValueQuery: true });
  addHsts(app, hsts);
  registerAdminAuth(app, credentials);
  app.register(formbody);

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'admin request failed');
      return sendError(reply, { status, error: 'server_error', error_description: 'The server encountered an internal error' });
    }
    return sendError(reply, { status, error: status === 413 ? 'request_too_large' : 'invalid_request', error_description: error.message });
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, { status: 404, error: 'Not Found', error_description: 'Unable to locate the requested resource' }));

  registerHealthRoutes(app, db, VERSION);

  // Clients
  app.get<{ Querystring: Q }>('/admin/clients', async (request, reply) => {
    const size = Math.min(MAX_PAGE_SIZE, Math.max(1, Number(request.query.page_size) || 250));
    const offset = Math.max(0, Number(Buffer.from(request.query.page_token ?? '', 'base64url').toString()) || 0);
    const page = await hydra.listClientsPage({ owner: request.query.owner || undefined, client_name: request.query.client_name || undefined, limit: size + 1, offset });
    if (!page.ok) return sendError(reply, page.error);
    const more = page.value.length > size;
    if (more) {
      const next = new URLSearchParams({ ...(request.query as Record<string, string>), page_size: String(size), page_token: Buffer.from(String(offset + size)).toString('base64url') });
      reply.header('Link', `</admin/clients?${next}>; rel="next"`);
    }
    return page.value.slice(0, size);
  });
  app.post('/admin/clients', (request, reply) => send(reply, hydra.createClient(request.body as object), 201));
  app.get<{ Params: { id: string } }>('/admin/clients/:id', (request, reply) => send(reply, hydra.getClient(request.params.id)));
  app.put<{ Params: { id: string } }>('/admin/clients/:id', (request, reply) => send(reply, hydra.replaceClient(request.params.id, request.body as object)));
  app.patch<{ Params: { id: string } }>('/admin/clients/:id', async (request, reply) => {
    const current = await hydra.getClient(request.params.id);
    if (!current.ok) return sendError(reply, current.error);
    const operations = request.body;
    const problem = Array.isArray(operations) ? jsonPatch.validate(operations as jsonPatch.Operation[], current.value) : undefined;
    if (!Array.isArray(operations) || problem) {
      return sendError(reply, { status: 400, error: 'invalid_request', error_description: `The body must be a valid JSON Patch (RFC 6902)${problem ? `: ${problem.message.split('\n')[0]}` : ''}` });
    }
    let patched: Record<string, unknown>;
    try {
      patched = jsonPatch.applyPatch(structuredClone(current.value) as unknown as Record<string, unknown>, operations as jsonPatch.Operation[], false, false).newDocument as Record<string, unknown>;
    } catch (error) {
      return sendError(reply, { status: 400, error: 'invalid_request', error_description: `The JSON Patch cannot be applied: ${(error as Error).message.split('\n')[0]}` });
    }
    const { created_at: _c, updated_at: _u, ...rest } = patched;
    return send(reply, hydra.replaceClient(request.params.id, rest as Partial<OAuth2Client>));
  });
  app.delete<{ Params: { id: string } }>('/admin/clients/:id', (request, reply) => send(reply, hydra.deleteClient(request.params.id)));
  app.post<{ Params: { id: string } }>('/admin/clients/:id/secrets/rotate', (request, reply) => send(reply, hydra.rotateClientSecret(request.params.id)));
  app.delete<{ Params: { id: string } }>('/admin/clients/:id/secrets/rotate', (request, reply) => send(reply, hydra.deleteRotatedClientSecrets(request.params.id)));
  // Lightgate extension: the approval state (pending, active, suspended).
  app.put<{ Params: { id: string }; Body: { status?: string } }>('/admin/clients/:id/status', async (request, reply) => {
    const status = request.body?.status;
    if (status !== 'pending' && status !== 'active' && status !== 'suspended') {
      return sendError(reply, { status: 400, error: 'invalid_request', error_description: 'Field status must be one of pending, active, suspended' });
    }
    return send(reply, hydra.setClientStatus(request.params.id, status));
  });

  // Login, consent and logout requests
  app.get<{ Querystring: Q }>('/admin/oauth2/auth/requests/login', (r, reply) => send(reply, hydra.getLoginRequest(r.query.login_challenge ?? '')));
  // Accept and reject bodies are strict (Hydra answers 400 for an unknown field).
  const withBody =
    <B,>(schema: z.ZodType<B>, call: (challenge: string, body: B) => Promise<Result<unknown, HydraError>>, param: string) =>
    (request: FastifyRequest<{ Querystring: Q }>, reply: FastifyReply) => {
      const body = parseBody(schema, request.body);
      if (!body.ok) return sendError(reply, { status: 400, error: 'invalid_request', error_description: body.description });
      return send(reply, call(request.query[param] ?? '', body.value));
    };
  app.put('/admin/oauth2/auth/requests/login/accept', withBody(acceptLoginSchema, hydra.acceptLoginRequest, 'login_challenge'));
  app.put('/admin/oauth2/auth/requests/login/reject', withBody(rejectSchema, hydra.rejectLoginRequest, 'login_challenge'));
  app.get<{ Querystring: Q }>('/admin/oauth2/auth/requests/consent', (r, reply) => send(reply, hydra.getConsentRequest(r.query.consent_challenge ?? '')));
  app.put('/admin/oauth2/auth/requests/consent/accept', withBody(acceptConsentSchema, hydra.acceptConsentRequest, 'consent_challenge'));
  app.put('/admin/oauth2/auth/requests/consent/reject', withBody(rejectSchema, hydra.rejectConsentRequest, 'consent_challenge'));
  app.get<{ Querystring: Q }>('/admin/oauth2/auth/requests/logout', (r, reply) => send(reply, hydra.getLogoutRequest(r.query.logout_challenge ?? '')));
  app.put<{ Querystring: Q }>('/admin/oauth2/auth/requests/logout/accept', (r, reply) => send(reply, hydra.acceptLogoutRequest(r.query.logout_challenge ?? '')));
  app.put<{ Querystring: Q }>('/admin/oauth2/auth/requests/logout/reject', (r, reply) => send(reply, hydra.rejectLogoutRequest(r.query.logout_challenge ?? '')));
  // Device authorization grant (RFC 8628, issue 16): the user code typed on the login app's device page.
  app.put('/admin/oauth2/auth/requests/device/accept', withBody(acceptDeviceSchema, hydra.acceptUserCodeRequest, 'device_challenge'));

  // Sessions
  app.get<{ Querystring: Q }>('/admin/oauth2/auth/sessions/consent', (r, reply) => send(reply, hydra.listConsentSessions(r.query.subject ?? '')));
  app.delete<{ Querystring: Q }>('/admin/oauth2/auth/sessions/consent', (r, reply) => {
    const all = r.query.all === 'true';
    if (!r.query.client && !all) {
      return sendError(reply, { status: 400, error: 'invalid_request', error_description: 'Query parameter client or all=true is required' });
    }
    return send(reply, hydra.revokeConsentSessions(r.query.subject ?? '', all ? undefined : r.query.client));
  });
  app.delete<{ Querystring: Q }>('/admin/oauth2/auth/sessions/login', (r, reply) => send(reply, hydra.revokeLoginSessions(r.query.subject ?? '')));

  // Tokens
  app.post<{ Body: Q }>('/admin/oauth2/introspect', async (request, reply) => {
    const token = request.body?.token;
    if (!token) return sendError(reply, { status: 400, error: 'invalid_request', error_description: 'The request is missing the token parameter' });
    return send(reply, hydra.introspect(token, request.body?.scope));
  });
  app.delete<{ Querystring: Q }>('/admin/oauth2/tokens', (r, reply) => send(reply, hydra.revokeClientTokens(r.query.client_id ?? '')));

  for (const plugin of plugins) app.register(plugin);
  return app;
}
