// Port 4444: oidc-provider at Hydra's public paths, plus health, RFC 8414 metadata and logout resumption.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AuthServer } from '../oidc/auth-server.ts';
import { registerHealthRoutes } from '../../shared/health-routes.ts';
import { VERSION } from '../../shared/version.ts';
import { registerServerPlugins } from '../../web/server-plugins.ts';
import type { RequestRateLimits } from '../../shared/limits/plugin.ts';
import { HYDRA_ROUTES } from '../oidc/routes.ts';
import { addHsts } from '../../web/security-headers.ts';
import type { TrustProxy } from '../../config/config.ts';
import { fastifyTrustProxy } from '../../shared/limits/client-address.ts';
import { registerWebKit } from '../../web/assets.ts';
import { DEFAULT_THEME } from '../../web/theme.ts';
import type { WebKitOptions } from '../../web/web-context.ts';

export function buildPublicServer({
  auth,
  db,
  logger,
  rateLimits,
  trustProxy = { kind: 'off' },
  hsts = false,
  web = { theme: DEFAULT_THEME, secureCookies: false },
}: {
  auth: AuthServer;
  db: Database;
  logger?: Logger;
  rateLimits?: RequestRateLimits;
  trustProxy?: TrustProxy;
  hsts?: boolean;
  /** The web kit (issue 17): the server's own pages in the operator's brand and the request's language. */
  web?: WebKitOptions;
}): FastifyInstance {
  // The same rule as oidc-provider's ctx.ip (auth/oidc/request-origin.ts): one resolver for both.
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger | undefined, bodyLimit: 64 * 1024, trustProxy: fastifyTrustProxy(trustProxy) });
  registerServerPlugins(app, { service: 'public', maxBodyBytes: 64 * 1024, db, rateLimits, readAlong: auth.readAlong, knownPaths: [...Object.values(HYDRA_ROUTES), '/.well-known/openid-configuration'] });
  // Bodies are read by oidc-provider itself: leave the stream as it came (a token request's body may be read
  // ahead for its rate-limit count and put back, body-peek.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  // oidc-provider's responses get theirs in page-headers.ts; these cover the routes served here.
  addHsts(app, hsts);
  registerHealthRoutes(app, db, VERSION);
  // Its error, device and logout pages use the kit: language and theme per request, /lang, /assets/*.
  registerWebKit(app, web);

  const delegate = (url?: string) => async (request: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    reply.hijack();
    if (url) request.raw.url = url;
    auth.handle(request.raw, reply.raw);
  };

  // RFC 8414 metadata: the same document as OpenID discovery.
  app.get('/.well-known/oauth-authorization-server', delegate('/.well-known/openid-configuration'));

  app.all('/*', delegate());
  return app;
}
