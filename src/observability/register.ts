// Registers the observability and limit plugins on one server: the one line each server adds.
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../db/database.ts';
import { bodyLimitPlugin } from './body-limit.ts';
import { gracefulClosePlugin } from './graceful-close.ts';
import { httpMetricsPlugin } from './http-metrics.ts';
import { rateLimitPlugin, type RequestRateLimits } from './rate-limit.ts';
import { requestIdPlugin } from './request-id.ts';
import { singleValueQueryPlugin } from './single-value-query.ts';

export interface ObservabilityOptions {
  service: 'public' | 'admin' | 'api' | 'ui' | 'portal';
  /** 413 above this declared body size. */
  maxBodyBytes: number;
  /** Request-rate limits (429); off without a database. */
  db?: Queryable | undefined;
  rateLimits?: RequestRateLimits | undefined;
  /** Paths of a catch-all route worth their own metrics label. */
  knownPaths?: readonly string[];
  /** Serve GET /metrics here (the admin port). */
  exposeMetrics?: boolean;
  /** Repeated query parameters keep their first value (Hydra's admin API). */
  singleValueQuery?: boolean;
}

export function registerObservability(app: FastifyInstance, options: ObservabilityOptions): void {
  void app.register(requestIdPlugin);
  void app.register(gracefulClosePlugin);
  void app.register(httpMetricsPlugin, { service: options.service, knownPaths: options.knownPaths ?? [], exposeMetrics: options.exposeMetrics ?? false });
  void app.register(bodyLimitPlugin, { maxBytes: options.maxBodyBytes });
  if (options.singleValueQuery) void app.register(singleValueQueryPlugin);
  if (options.db && options.rateLimits) void app.register(rateLimitPlugin, { db: options.db, service: options.service, limits: options.rateLimits });
}
