// The API server (port 4002): POST /graphql (Blink's wallet API), Blink's /auth/* endpoints from the
// identity module, and health checks. Credentials are checked on every GraphQL request before anything runs.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { DatabaseUnavailableError } from '../db/database.ts';
import type { HydraAdmin } from '../hydra-port/port.ts';
import { authRoutes } from '../identity/http/auth-routes.ts';
import { lnurlpRoutes } from '../wallet/http/lnurlp-routes.ts';
import type { IdentityService } from '../identity/identity-service.ts';
import type { Logger } from '../shared/logger.ts';
import type { WalletDeps } from '../wallet/wallet-service.ts';
import { buildApiServices } from './api-services.ts';
import { registerHealthRoutes } from '../shared/health-routes.ts';
import { VERSION } from '../shared/version.ts';
import { createCredentialChecker } from './credentials.ts';
import { apiDpop, dpopChallenge } from './dpop.ts';
import type { ApiContext } from './graphql/context.ts';
import { buildWalletSchema, runGraphQL } from './graphql/executor.ts';
import { CREDENTIAL_CACHE_SECONDS } from './subscriptions/connections.ts';
import { attachSubscriptionServer } from './subscriptions/ws-server.ts';
import { negotiateLocale } from '../web/locale.ts';
import { registerServerPlugins } from '../web/server-plugins.ts';
import { fastifyTrustProxy } from '../shared/limits/client-address.ts';
import { addHsts } from '../web/security-headers.ts';
import type { WebhooksService } from '../webhooks/webhooks-service.ts';

export interface ApiServerDeps {
  config: Config;
  db: Database;
  hydra: HydraAdmin;
  identity: IdentityService;
  logger?: Logger;
  /** Overrides of the wallet's ports (price provider, Lightning backend); defaults from config. */
  wallet?: Partial<WalletDeps>;
  /** Bench only: skip credential checks and act as this principal. Refused when NODE_ENV=production. */
  unsafeFixedPrincipal?: ApiContext['principal'];
  /** The process's webhooks face (issue 14; the composition root shares it with the portal); else one without a worker. */
  webhooks?: WebhooksService;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,100}$/;

export async function buildApiServer(deps: ApiServerDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  if (deps.unsafeFixedPrincipal && config.env === 'production') throw new Error('unsafeFixedPrincipal is for benchmarks only');
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger | undefined, bodyLimit: 100 * 1024, trustProxy: fastifyTrustProxy(config.trustProxy) });
  registerServerPlugins(app, { service: 'api', maxBodyBytes: 100 * 1024, db, rateLimits: config.rateLimits });
  addHsts(app, config.hsts);
  const services = buildApiServices({ config, db, identity: deps.identity, logger: deps.logger, wallet: deps.wallet, webhooks: deps.webhooks });
  const schema = buildWalletSchema();
  const dpop = apiDpop(config, db);
  const credentials = await createCredentialChecker({ db, hydra: deps.hydra, identity: deps.identity, cacheTtlSeconds: Math.min(config.cacheTtlSeconds, CREDENTIAL_CACHE_SECONDS), dpop });
  app.addHook('onClose', async () => credentials.close());
  app.addHook('onClose', async () => services.events.close());
  // GraphQL subscriptions over WebSocket on the same port and path (issue 13).
  if (!deps.unsafeFixedPrincipal) attachSubscriptionServer(app, { config, db, schema, services, credentials, logger: deps.logger });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof DatabaseUnavailableError) return reply.code(503).send({ errors: [{ message: 'The service is briefly unavailable', extensions: { code: 'UNAVAILABLE' } }] });
    const status = error.statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] });
    request.log.error({ err: error }, 'api request failed');
    return reply.code(500).send({ errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL_ERROR' } }] });
  });

  registerHealthRoutes(app, db, VERSION);

  app.post('/graphql', async (request, reply) => {
    let principal = deps.unsafeFixedPrincipal;
    if (!principal) {
      const checked = await credentials.check(request.headers, request.method);
      if (!checked.ok) {
        const unavailable = checked.error.error === 'temporarily_unavailable';
        if (!unavailable) reply.header('www-authenticate', checked.error.scheme === 'DPoP' ? dpopChallenge(checked.error) : `Bearer error="${checked.error.error}"`);
        if (checked.error.error === 'use_dpop_nonce' && dpop) reply.header('dpop-nonce', dpop.nonces.current());
        return reply.code(unavailable ? 503 : 401).send({
          error: checked.error.error,
          error_description: checked.error.description,
          errors: [{ message: checked.error.description, extensions: { code: unavailable ? 'UNAVAILABLE' : 'UNAUTHENTICATED' } }],
        });
      }
      principal = checked.value;
    }
    const idempotencyHeader = request.headers['idempotency-key'];
    if (idempotencyHeader !== undefined && (typeof idempotencyHeader !== 'string' || !IDEMPOTENCY_KEY.test(idempotencyHeader))) {
      return reply.code(400).send({ errors: [{ message: 'Idempotency-Key must be 1 to 100 visible ASCII characters', extensions: { code: 'BAD_REQUEST' } }] });
    }
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const language = request.headers['accept-language'];
    const context: ApiContext = { principal, services, idempotencyKey: idempotencyHeader, locale: negotiateLocale(typeof language === 'string' ? language : undefined), memo: {} };
    const result = await runGraphQL(schema, body, context);
    return reply.code(result.status).send(result.body);
  });

  await app.register(authRoutes, { identity: deps.identity });
  // Lightning addresses of this instance's users (issue 13): LNURL-pay at /.well-known/lnurlp/<username>.
  await app.register(lnurlpRoutes, { wallet: services.wallet, db, perWindow: config.lnurlpRateLimit, windowSeconds: config.rateLimits.windowSeconds, admit: services.admitRecipientInvoice });
  return app;
}
