// Composition root: builds the services named in config.services from their adapters and starts them.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import { preparePrivateDir } from '../config/data-dir.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/open-database.ts';
import { buildAdminServer } from '../auth/http/admin-server.ts';
import { buildPublicServer } from '../auth/http/public-server.ts';
import { useDynamicRegistration } from '../auth/http/registration-routes.ts';
import { loadTheme } from '../web/theme.ts';
import { createAuthServer, type AuthServer } from '../auth/oidc/auth-server.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import type { LightgatePort } from '../hydra-port/port.ts';
import { createHttpHydraAdmin } from '../hydra-port/http-adapter.ts';
import { createIdentityService, type IdentityService } from '../identity/identity-service.ts';
import { walletAdminRoutes } from '../wallet/http/admin-routes.ts';
import { createAccountForUser, createGrantBudgets, seedDemoUser, type GrantBudgets } from '../wallet/wallet-service.ts';
import { buildApiServer } from '../api/server.ts';
import { buildLoginUiServer } from '../login-ui/server.ts';
import { buildPortalServer } from '../portal/server.ts';
import { watchDatabasePool } from '../observability/metrics.ts';
import { buildMetricsServer } from './metrics-server.ts';
import { consentChecker, createWebhooksService, type WebhooksService } from '../webhooks/webhooks-service.ts';

export interface Stack {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly auth: AuthServer | undefined;
  /** The in-process adapter of the port, when this process runs the auth service. */
  readonly admin: LightgatePort | undefined;
  /** The one port the other services use: HTTP when HYDRA_ADMIN_URL is set, else in-process. */
  readonly hydra: LightgatePort | undefined;
  readonly identity: IdentityService | undefined;
  /** Grant budgets (issue 15): the wallet's face the auth server records consents with and the portal edits. */
  readonly budgets: GrantBudgets;
  /** Callback endpoints and their delivery worker (issue 14): in processes running api or portal. */
  readonly webhooks: WebhooksService | undefined;
  /** Base URLs of the servers actually listening, by name. */
  readonly listening: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

export async function startStack(config: Config, options: { db?: Database; logger?: Logger } = {}): Promise<Stack> {
  const logger = options.logger ?? createLogger(config.logLevel);
  if (config.secrets.generated) {
    logger.warn('!!! DEVELOPMENT MODE: secrets were generated and stored in the data directory. Set SECRETS_SYSTEM and SECRETS_COOKIE (and NODE_ENV=production) before real use. !!!');
  }
  // The data directory (PGlite, generated secrets, the outbox) must be private: refused when others can write to it.
  if (!config.databaseUrl || config.secrets.generated || config.env !== 'production') preparePrivateDir(config.dataDir);
  const db = options.db ?? (await openDatabase(config));
  const unwatchPool = watchDatabasePool(db);
  const servers: FastifyInstance[] = [];
  const listening: Record<string, string> = {};
  let auth: AuthServer | undefined;
  let hydra: LightgatePort | undefined;
  let identity: IdentityService | undefined;
  let webhooks: WebhooksService | undefined;
  // One face over the wallet's grant_budgets table; the ledger charges the same rows inside each send.
  const budgets = createGrantBudgets(db);
  try {
    if (config.services.includes('auth')) {
      auth = await createAuthServer({ config, db, logger, budgets });
      const publicApp = buildPublicServer({ auth, db, logger, rateLimits: config.rateLimits, trustProxy: config.trustProxy, hsts: config.hsts, web: { theme: loadTheme(config.brand), secureCookies: config.cookiesSecure } });
      // RFC 7591/7592 at Hydra's /oauth2/register when DCR_ENABLED (issue 16): clients land pending, in the portal's review queue.
      useDynamicRegistration(publicApp, { config, db, clients: auth.hydra });
      // Operator routes of the wallet (funding) live on the loopback admin port too.
      const adminApp = buildAdminServer({ hydra: auth.hydra, db, logger, plugins: [async (app) => walletAdminRoutes(app, { db })], trustProxy: config.trustProxy, hsts: config.hsts, credentials: config.adminApi });
      servers.push(publicApp, adminApp);
      listening.public = await listen(publicApp, config.listen.public.host, config.listen.public.port);
      listening.admin = await listen(adminApp, config.listen.admin.host, config.listen.admin.port);
    }
    if (!config.services.includes('auth')) {
      // No admin API here: the admin port still serves /metrics and health (skipped if another process holds it).
      const metricsApp = buildMetricsServer({ db, logger, credentials: config.adminApi });
      try {
        listening.admin = await listen(metricsApp, config.listen.admin.host, config.listen.admin.port);
        servers.push(metricsApp);
      } catch (error) {
        logger.warn({ err: error, port: config.listen.admin.port }, 'admin port unavailable: no /metrics in this process');
        await metricsApp.close();
      }
    }
    // The one place an adapter is picked; UI, API and portal all get this port. A real Hydra's admin API when
    // HYDRA_ADMIN_URL is set (no Lightgate extension: its calls answer EXTENSION_UNAVAILABLE), in-process
    // when this process runs auth, else Lightgate's admin URL over HTTP. Over HTTP the admin credential
    // goes along (HYDRA_ADMIN_TOKEN, else this deployment's own; issue 11 #5).
    const adminHeaders = config.adminApi.outgoingAuthorization ? { authorization: config.adminApi.outgoingAuthorization } : undefined;
    hydra = config.urls.hydraAdmin
      ? createHttpHydraAdmin(config.urls.hydraAdmin, { headers: adminHeaders, lightgateExtension: false })
      : (auth?.hydra ?? createHttpHydraAdmin(config.urls.admin, { headers: adminHeaders }));
    if (config.services.includes('api') || config.services.includes('ui') || config.services.includes('portal')) {
      identity = createIdentityService({ db, config, logger, onUserCreated: createAccountForUser });
      if (!identity.phoneEnabled && (config.services.includes('api') || config.services.includes('ui'))) {
        logger.warn('phone sign-in is off: no SMS sender is configured (set SMS_WEBHOOK_URL); /auth/phone/* answer phone_unavailable and the login page offers email only');
      }
    }
    if (config.services.includes('api') || config.services.includes('portal')) {
      // Every process running the API also delivers (WEBHOOK_CONCURRENCY=0 turns its worker off). An app's
      // endpoint gets events only while the app still holds `read` on the account (its consent not revoked).
      webhooks = createWebhooksService({
        db,
        secrets: config.secrets.system,
        settings: config.webhooks,
        runWorker: config.services.includes('api'),
        logger,
        appAuthorized: consentChecker(hydra),
      });
    }
    if (config.services.includes('api')) {
      const apiApp = await buildApiServer({ config, db, hydra, identity: identity!, logger, webhooks });
      servers.push(apiApp);
      listening.api = await listen(apiApp, config.listen.api.host, config.listen.api.port);
    }
    if (config.services.includes('ui')) {
      // The consent page's "≈ $" next to a budget in sats: the configured price, as the wallet's fixed provider has it.
      const uiApp = buildLoginUiServer({ config, hydra, identity: identity!, logger, db, price: async () => config.priceBtcUsdCents });
      servers.push(uiApp);
      listening.ui = await listen(uiApp, config.listen.ui.host, config.listen.ui.port);
    }
    if (config.services.includes('portal')) {
      const portalApp = buildPortalServer({ config, db, admin: hydra, identity: identity!, logger, webhooks, budgets });
      servers.push(portalApp);
      listening.portal = await listen(portalApp, config.listen.portal.host, config.listen.portal.port);
    }
  } catch (error) {
    await Promise.allSettled(servers.map((s) => s.close()));
    await webhooks?.close();
    await auth?.close();
    unwatchPool();
    if (!options.db) await db.close();
    throw error;
  }
  // Housekeeping every process can do safely (idempotent deletes of expired codes and sessions).
  const purge = identity ? setInterval(() => void identity!.purgeExpired().catch(() => undefined), 10 * 60_000).unref() : undefined;
  if (config.env === 'development' && config.services.includes('api')) {
    const demo = await seedDemoUser(db);
    logger.info({ email: demo.email, username: demo.username }, `demo user ready: sign in as ${demo.email}; codes are written to ${config.dataDir}/outbox.jsonl`);
  }
  logger.info({ listening }, 'lightgate started');
  return {
    config,
    db,
    logger,
    auth,
    admin: auth?.hydra,
    hydra,
    identity,
    webhooks,
    budgets,
    listening,
    async close() {
      clearInterval(purge);
      await Promise.allSettled(servers.map((s) => s.close()));
      await webhooks?.close();
      await auth?.close();
      unwatchPool();
      if (!options.db) await db.close();
    },
  };
}
