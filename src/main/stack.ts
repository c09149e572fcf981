// Composition root: builds the services named in config.services from their adapters and starts them.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/open-database.ts';
import { buildAdminServer } from '../auth/http/admin-server.ts';
import { buildPublicServer } from '../auth/http/public-server.ts';
import { createAuthServer, type AuthServer, type LightgateAdmin } from '../auth/oidc/auth-server.ts';
import { createLogger, type Logger } from '../shared/logger.ts';

export interface Stack {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  readonly auth: AuthServer | undefined;
  /** The HydraAdmin port the other services use (in-process, or HTTP when HYDRA_ADMIN_URL is set). */
  readonly hydra: LightgateAdmin | undefined;
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
  const db = options.db ?? (await openDatabase(config));
  const servers: FastifyInstance[] = [];
  const listening: Record<string, string> = {};
  let auth: AuthServer | undefined;
  try {
    if (config.services.includes('auth')) {
      auth = await createAuthServer({ config, db, logger });
      const publicApp = buildPublicServer({ auth, db, logger });
      const adminApp = buildAdminServer({ hydra: auth.hydra, db, logger });
      servers.push(publicApp, adminApp);
      listening.public = await listen(publicApp, config.listen.public.host, config.listen.public.port);
      listening.admin = await listen(adminApp, config.listen.admin.host, config.listen.admin.port);
    }
  } catch (error) {
    await Promise.allSettled(servers.map((s) => s.close()));
    await auth?.close();
    if (!options.db) await db.close();
    throw error;
  }
  logger.info({ listening }, 'lightgate started');
  return {
    config,
    db,
    logger,
    auth,
    hydra: auth?.hydra,
    listening,
    async close() {
      await Promise.allSettled(servers.map((s) => s.close()));
      await auth?.close();
      if (!options.db) await db.close();
    },
  };
}
