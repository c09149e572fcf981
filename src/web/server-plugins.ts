// Registers the plugins every server runs, in order: request id, graceful close, metrics, limits
// (413 and 429, src/shared/limits/), and Hydra's single-value query parameters where asked. The one
// line each server adds.
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../db/database.ts';
import { httpMetricsPlugin } from '../observability/http-metrics.ts';
import { recordRateLimited } from '../observability/metrics.ts';
import { requestIdPlugin } from '../observability/request-id.ts';
import { limitsPlugin, type RequestRateLimits, type RequestReadAlong } from '../shared/limits/plugin.ts';
import { gracefulClosePlugin } from './graceful-close.ts';
import { singleValueQueryPlugin } from './single-value-query.ts';

export interface ServerPluginOptions {
  service: 'public' | 'admin' | 'api' | 'ui' | 'portal';
  /** 413 above this declared body size. */
  maxBodyBytes: number;
  /** Request-rate limits (429); off without a database. */
  db?: Queryable | undefined;
  rateLimits?: RequestRateLimits | undefined;
  /** A row read in each request's rate-limit count (the public auth server's client at /oauth2/auth). */
  readAlong?: RequestReadAlong;
  /** Paths of a catch-all route worth their own metrics label. */
  knownPaths?: readonly string[];
  /** Serve GET /metrics here (the admin port). */
  exposeMetrics?: boolean;
  /** Repeated query parameters keep their first value (Hydra's admin API). */
  singleValueQuery?: boolean;
}

export function registerServerPlugins(app: FastifyInstance, options: ServerPluginOptions): void {
  const { service } = options;
  void app.register(requestIdPlugin);
  void app.register(gracefulClosePlugin);
  void app.register(httpMetricsPlugin, { service, knownPaths: options.knownPaths ?? [], exposeMetrics: options.exposeMetrics ?? false });
  void app.register(limitsPlugin, { maxBodyBytes: options.maxBodyBytes, db: options.db, rateLimits: options.rateLimits, readAlong: options.readAlong, onRefused: (scope) => recordRateLimited(service, scope) });
  if (options.singleValueQuery) void app.register(singleValueQueryPlugin);
}
