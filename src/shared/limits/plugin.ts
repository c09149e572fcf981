// The limits plugin every server registers: 413 for declared bodies over the server's size, and the
// request-rate limits (429) counted on the shared counter when the server has a database.
import type { Queryable } from '../../db/database.ts';
import { serverWide } from '../server-wide.ts';
import { bodyLimitPlugin } from './body-limit.ts';
import { rateLimitPlugin, type RateLimitScope, type RequestRateLimits, type RequestReadAlong } from './request-rate.ts';

export type { RateLimitScope, RequestRateLimits, RequestReadAlong };

export interface LimitsOptions {
  /** 413 above this declared body size. */
  maxBodyBytes: number;
  /** Request-rate limits (429); off without a database. */
  db?: Queryable | undefined;
  rateLimits?: RequestRateLimits | undefined;
  /** Called for every request refused with 429. */
  onRefused?: (scope: RateLimitScope) => void;
  /** A row read in the request's counting statement (request-rate.ts). */
  readAlong?: RequestReadAlong | undefined;
}

export const limitsPlugin = serverWide('lightgate-limits', (app, options: LimitsOptions, done) => {
  void app.register(bodyLimitPlugin, { maxBytes: options.maxBodyBytes });
  if (options.db && options.rateLimits) void app.register(rateLimitPlugin, { db: options.db, limits: options.rateLimits, ...(options.onRefused ? { onRefused: options.onRefused } : {}), ...(options.readAlong ? { readAlong: options.readAlong } : {}) });
  done();
});
