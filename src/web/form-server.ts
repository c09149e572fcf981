// The Fastify server of an HTML app (the login & consent app, the portal): the plugins every server runs,
// then signed cookies and url-encoded forms, both held to the app's body limit.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Queryable } from '../db/database.ts';
import { fastifyTrustProxy } from '../shared/limits/client-address.ts';
import type { Logger } from '../shared/logger.ts';
import { registerServerPlugins } from './server-plugins.ts';

export interface FormServerOptions {
  service: 'ui' | 'portal';
  config: Pick<Config, 'trustProxy' | 'rateLimits' | 'secrets'>;
  maxBodyBytes: number;
  logger?: Logger | undefined;
  /** For the request-rate limits shared across processes (off without it). */
  db?: Queryable | undefined;
}

export function createFormServer(options: FormServerOptions): FastifyInstance {
  const { service, config, maxBodyBytes } = options;
  const trustProxy = fastifyTrustProxy(config.trustProxy);
  const app = (options.logger ? Fastify({ loggerInstance: options.logger.child({ service }), trustProxy }) : Fastify({ logger: false, trustProxy })) as unknown as FastifyInstance;
  registerServerPlugins(app, { service, maxBodyBytes, db: options.db, rateLimits: config.rateLimits });
  void app.register(cookie, { secret: [...config.secrets.cookie] });
  void app.register(formbody, { bodyLimit: maxBodyBytes });
  return app;
}
