// The login & consent app (port 3000). It holds only the challenge and reaches the authorization
// server through the HydraAdmin port, so it works unchanged against Lightgate or a real Ory Hydra.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import type { HydraAdmin } from '../hydra-port/port.ts';
import type { IdentityService } from '../identity/identity-service.ts';
import type { Logger } from '../shared/logger.ts';
import { registerWebKit } from '../web/assets.ts';
import { loadTheme } from '../web/theme.ts';
import { createCsrf } from '../web/csrf.ts';
import { addSecurityHeaders } from '../web/security-headers.ts';
import { t } from './messages.ts';
import { renderErrorPage } from './pages/error-page.ts';
import { renderHomePage } from './pages/logout-pages.ts';
import { registerConsentRoutes } from './routes/consent.ts';
import { registerDeviceRoutes } from './routes/device.ts';
import { createLimit } from '../shared/limits/limit.ts';
import { registerLoginRoutes } from './routes/login.ts';
import { registerPasskeyLoginRoutes } from './routes/passkey-login.ts';
import { registerPasskeyScript } from '../web/passkey-script.ts';
import { registerLogoutRoutes } from './routes/logout.ts';
import { sendHtml, type UiContext } from './routes/support.ts';
import { createFlowCookies } from './state.ts';
import type { Queryable } from '../db/database.ts';
import type { BtcPrice } from './budget.ts';
import { createFormServer } from '../web/form-server.ts';

export interface LoginUiDeps {
  config: Config;
  hydra: HydraAdmin;
  identity: IdentityService;
  logger?: Logger;
  /** For the request-rate limits shared across processes (off without it). */
  db?: Queryable;
  /** US cents per bitcoin, to show a budget in sats also in dollars (issue 15); the app has no wallet access. */
  price?: BtcPrice;
}

export function buildLoginUiServer(deps: LoginUiDeps): FastifyInstance {
  const { config } = deps;
  const app = createFormServer({ service: 'ui', config, maxBodyBytes: 16 * 1024, logger: deps.logger, db: deps.db });
  // Forms here end at the authorization server on their way back to the app (form-action).
  // script-src 'self': the kit's script (countdowns, copy buttons); every page also works without it.
  addSecurityHeaders(app, { scriptSelf: true, hsts: config.hsts, formTargets: [config.urls.issuer] });
  registerWebKit(app, { theme: loadTheme(config.brand), secureCookies: config.cookiesSecure });
  registerPasskeyScript(app);

  const ctx: UiContext = {
    config,
    hydra: deps.hydra,
    identity: deps.identity,
    csrf: createCsrf({ secrets: config.secrets.cookie, secure: config.cookiesSecure, cookieName: 'lg_ui_csrf' }),
    cookies: createFlowCookies({ secure: config.cookiesSecure, maxAgeSeconds: config.ttl.interaction }),
    ...(deps.price ? { price: deps.price } : {}),
  };
  registerLoginRoutes(app, ctx);
  registerPasskeyLoginRoutes(app, ctx);
  registerConsentRoutes(app, ctx);
  registerLogoutRoutes(app, ctx);
  // RFC 8628 (issue 16): user codes tried per requester address.
  const deviceLimit = deps.db && createLimit(deps.db, { prefix: 'device-code-address', limit: config.device.addressLimit, windowSeconds: config.device.windowSeconds });
  registerDeviceRoutes(app, ctx, deviceLimit);
  app.get('/', async (_request, reply) => sendHtml(reply, renderHomePage()));
  app.get('/health/alive', async () => ({ status: 'ok' }));

  app.setNotFoundHandler((_request, reply) =>
    sendHtml(reply, renderErrorPage({ status: 404, title: t('flow.notFoundTitle'), message: t('flow.notFound') }), 404),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status < 500) {
      return sendHtml(reply, renderErrorPage({ status, title: t('flow.badRequestTitle'), message: t('flow.badRequest') }), status);
    }
    request.log.error({ err: error }, 'login ui request failed');
    return sendHtml(reply, renderErrorPage({ status: 500, title: t('flow.serverTitle'), message: t('flow.server') }), 500);
  });
  return app;
}
