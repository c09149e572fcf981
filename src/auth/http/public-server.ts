// Port 4444: oidc-provider at Hydra's public paths, plus health, RFC 8414 metadata and logout resumption.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AuthServer } from '../oidc/auth-server.ts';
import { registerHealthRoutes } from './health.ts';
import { VERSION } from '../../shared/version.ts';

export function buildPublicServer({ auth, db, logger }: { auth: AuthServer; db: Database; logger?: Logger }): FastifyInstance {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger | undefined, bodyLimit: 64 * 1024, trustProxy: true });
  // Bodies are read by oidc-provider itself: leave the stream untouched.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  registerHealthRoutes(app, db, VERSION);

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
