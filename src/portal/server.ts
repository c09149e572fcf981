// The developer portal (port 3001): sign-in with Lightgate, OAuth2 app applications and credentials,
// API keys, connected apps, and the admins' review queue and audit log. Server-rendered with src/web.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import type { LightgatePort } from '../hydra-port/port.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../shared/logger.ts';
import { registerWebKit, serveAssets } from '../web/assets.ts';
import { loadTheme } from '../web/theme.ts';
import { createCsrf } from '../web/csrf.ts';
import { addSecurityHeaders } from '../web/security-headers.ts';
import type { PortalContext } from './app/context.ts';
import type { GrantBudgets } from '../shared/wallet-spend/grant-budgets.ts';
import { registerAppBudgetRoutes } from './routes/app-budgets.ts';
import { ensurePortalClient, type PortalClient } from './app/ensure-portal-client.ts';
import { signInBody } from './pages/admin-pages.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerRegistrationReviewRoutes } from './routes/registrations.ts';
import { registerAppRoutes } from './routes/apps.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { createFlash, messagePage, page, viewerOf, type PortalIdentity, type RouteContext } from './routes/support.ts';
import { registerWalletAccessRoutes } from './routes/wallet-access.ts';
import { registerSecurityRoutes } from './routes/security.ts';
import { registerConfirmRoutes } from './routes/confirm.ts';
import { registerCallbackRoutes } from './routes/callbacks.ts';
import type { WebhooksService } from '../webhooks/webhooks-service.ts';
import { registerAccountRoutes } from './routes/account.ts';
import { registerPasskeyRoutes } from './routes/passkeys.ts';
import { registerPasskeyScript } from '../web/passkey-script.ts';
import { createOidcLogin, type OidcLogin } from './services/oidc-login.ts';
import { createPortalSecretBox } from './services/secret-box.ts';
import { registerHealthRoutes } from '../shared/health-routes.ts';
import { VERSION } from '../shared/version.ts';
import type { Result } from '../shared/result.ts';
import type { PortalError } from './app/context.ts';
import { tq } from './portal-admin-messages.ts';
import { tr } from './portal-route-messages.ts';
import { createFormServer } from '../web/form-server.ts';


export interface PortalServerDeps {
  config: Config;
  db: Database;
  /** The auth server through the whole port, Lightgate's extension included (one adapter, picked in main/stack.ts). */
  admin: LightgatePort;
  /** Users, and two-step verification (TOTP) on the Security page. */
  identity: PortalIdentity;
  logger?: Logger;
  /** Sign-in client (default: openid-client against config.urls.issuer). */
  login?: OidcLogin;
  /** Callback endpoints (issue 14): /callbacks is served when given (the composition root shares the API's). */
  webhooks?: WebhooksService | undefined;
  /** The connected apps' spending budgets (issue 15): the wallet's GrantBudgets face (main/stack.ts). */
  budgets?: GrantBudgets | undefined;
  /** US cents per bitcoin, for "≈ $" next to sats (default: the configured PRICE_BTC_USD_CENTS). */
  price?: (() => Promise<number>) | undefined;
}

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), 'assets');

function registerPortalAssets(app: FastifyInstance): void {
  serveAssets(app, ASSETS, { 'portal.css': 'text/css; charset=utf-8', 'portal.js': 'text/javascript; charset=utf-8' });
}

export function buildPortalServer(deps: PortalServerDeps): FastifyInstance {
  const { config } = deps;
  const app = createFormServer({ service: 'portal', config, maxBodyBytes: 32 * 1024, logger: deps.logger, db: deps.db });
  // Sign-out passes through the authorization server and the logout page of the login app (form-action).
  addSecurityHeaders(app, { scriptSelf: true, hsts: config.hsts, formTargets: [config.urls.issuer, config.urls.logout, config.urls.postLogoutRedirect] });
  // Every page speaks the person's language (issue 17): the switch's cookie, else Accept-Language.
  registerWebKit(app, { theme: loadTheme(config.brand), secureCookies: config.cookiesSecure });
  registerPortalAssets(app);
  registerPasskeyScript(app);

  const ctx: PortalContext = { config, db: deps.db, admin: deps.admin, box: createPortalSecretBox(config.secrets.system) };
  if (deps.budgets) ctx.budgets = { grants: deps.budgets, priceCents: deps.price ?? (async () => config.priceBtcUsdCents) };
  // Registered once per process; a failure (auth server not up yet) is retried at the next sign-in.
  let registered: Promise<Result<PortalClient, PortalError>> | undefined;
  const portalClient = () => {
    registered ??= ensurePortalClient(ctx).then((r) => {
      if (!r.ok) registered = undefined;
      return r;
    });
    return registered;
  };
  app.addHook('onReady', async () => {
    const r = await portalClient();
    if (!r.ok) app.log.warn({ error: r.error }, 'portal client not registered yet; will retry at sign-in');
  });

  const rc: RouteContext = {
    ctx,
    identity: deps.identity,
    csrf: createCsrf({ secrets: config.secrets.cookie, secure: config.cookiesSecure, cookieName: 'lg_portal_csrf' }),
    login: deps.login ?? createOidcLogin(config.urls.issuer),
    portalClient,
  };
  const flash = createFlash(config.cookiesSecure);

  registerAuthRoutes(app, rc);
  registerAppRoutes(app, rc, flash);
  registerWalletAccessRoutes(app, rc, flash);
  registerSecurityRoutes(app, rc, flash);
  registerAdminRoutes(app, rc, flash);
  registerRegistrationReviewRoutes(app, rc, flash);
  registerConfirmRoutes(app, rc);
  if (deps.webhooks) registerCallbackRoutes(app, rc, flash, deps.webhooks);
  registerAccountRoutes(app, rc, flash);
  registerAppBudgetRoutes(app, rc, flash);
  registerPasskeyRoutes(app, rc, flash);

  app.get('/', async (request, reply) => {
    if (await viewerOf(rc, request)) return reply.redirect('/apps', 302);
    return page(reply, { title: tq('signin.title'), body: signInBody({}) });
  });
  registerHealthRoutes(app, deps.db, VERSION);

  app.setNotFoundHandler((_request, reply) => messagePage(reply, 404, tr('err.pageNotFound'), tr('err.nothingHere'), { back: { href: '/', label: tr('err.toPortal') } }));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status < 500) return messagePage(reply, status, tr('err.badRequestTitle'), tr('err.badRequest'), { back: { href: '/', label: tr('err.toPortal') } });
    request.log.error({ err: error }, 'portal request failed');
    return messagePage(reply, 500, tr('err.serverTitle'), tr('err.server'));
  });
  return app;
}
