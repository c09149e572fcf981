// Fixed-window counters in the rate_limits table, so that limits hold across processes.
import type { Queryable } from '../db/database.ts';

export interface RateLimiter {
  /** Counts one hit; `retryAfter` > 0 (seconds) when the key is over its limit after this hit. */
  hit(key: string): Promise<{ allowed: boolean; retryAfter: number }>;
  /** Seconds until the key may be used again; 0 when it is under its limit. Counts nothing. */
  retryAfter(key: string): Promise<number>;
  reset(key: string): Promise<void>;
}

export function createRateLimiter(db: Queryable, { prefix, limit, windowSeconds }: { prefix: string; limit: number; windowSeconds: number }): RateLimiter {
  const full = (key: string) => `${prefix}:${key}`;
  return {
    async hit(key) {
      const [row] = await db.query<{ hits: number; retry: number }>(
        `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, now(), 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start + make_interval(secs => $2) <= now() THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start + make_interval(secs => $2) <= now() THEN now() ELSE rate_limits.window_start END
         RETURNING hits, ceil(extract(epoch FROM (window_start + make_interval(secs => $2) - now())))::int AS retry`,
        [full(key), windowSeconds],
      );
      const allowed = row!.hits <= limit;
      return { allowed, retryAfter: allowed ? 0 : Math.max(1, row!.retry) };
    },
    async retryAfter(key) {
      const [row] = await db.query<{ hits: number; retry: number }>(
        `SELECT hits, ceil(extract(epoch FROM (window_start + make_interval(secs => $2) - now())))::int AS retry
           FROM rate_limits WHERE key = $1`,
        [full(key), windowSeconds],
      );
      if (!row || row.retry <= 0 || row.hits < limit) return 0;
      return row.retry;
    },
    async reset(key) {
      await db.query('DELETE FROM rate_limits WHERE key = $1', [full(key)]);
    },
  };
}
