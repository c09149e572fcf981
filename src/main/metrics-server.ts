// The admin port of a process that does not run the auth service (LIGHTGATE_SERVICES=api, ui, portal):
// GET /metrics and the health checks, so every process of a scaled deployment can be scraped.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import type { Logger } from '../shared/logger.ts';
import { registerServerPlugins } from '../web/server-plugins.ts';
import { registerHealthRoutes } from '../shared/health-routes.ts';
import { VERSION } from '../shared/version.ts';
import type { AdminApiCredentials } from '../config/admin-credentials.ts';
import { registerAdminAuth } from '../auth/http/admin-auth.ts';

export function buildMetricsServer({ db, logger, credentials }: { db: Database; logger?: Logger; credentials?: Pick<AdminApiCredentials, 'token' | 'basic'> }): FastifyInstance {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger | undefined, bodyLimit: 1024 });
  registerServerPlugins(app, { service: 'admin', maxBodyBytes: 1024, exposeMetrics: true });
  // The admin port's credential covers /metrics here too (health probes stay open; issue 11 #5).
  registerAdminAuth(app, credentials);
  registerHealthRoutes(app, db, VERSION);
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'Not Found', error_description: 'Unable to locate the requested resource' }));
  return app;
}
