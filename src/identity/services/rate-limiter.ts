// Fixed-window counters in the shared rate_limits table, so limits hold across horizontally scaled processes.
import type { Queryable } from '../../db/database.ts';

export interface RateLimitVerdict {
  allowed: boolean;
  /** Seconds until the window resets (0 when allowed). */
  retryAfter: number;
}

export interface RateLimiter {
  /** Counts one hit on key and says whether it is within limit hits per window. */
  hit(key: string, limit: number, windowSeconds: number, now: Date): Promise<RateLimitVerdict>;
  /** Whether key was hit within its last windowSeconds (counts nothing). */
  seen(key: string, windowSeconds: number, now: Date): Promise<boolean>;
  /** Deletes the counter of key, or with `prefix` every counter whose key starts with it. */
  forget(key: string, options?: { prefix?: boolean }): Promise<void>;
}

export function createRateLimiter(db: Queryable): RateLimiter {
  return {
    async hit(key, limit, windowSeconds, now) {
      const windowOpenedBefore = new Date(now.getTime() - windowSeconds * 1000);
      // One atomic upsert: a stale window restarts at now, a live one counts up.
      const [row] = await db.query<{ hits: number; window_start: Date }>(
        `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2::timestamptz, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= $3::timestamptz THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= $3::timestamptz THEN $2::timestamptz ELSE rate_limits.window_start END
         RETURNING hits, window_start`,
        [key, now.toISOString(), windowOpenedBefore.toISOString()],
      );
      const hits = row?.hits ?? 1;
      if (hits <= limit) return { allowed: true, retryAfter: 0 };
      const resetAt = new Date(row!.window_start).getTime() + windowSeconds * 1000;
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((resetAt - now.getTime()) / 1000)) };
    },
    async seen(key, windowSeconds, now) {
      const since = new Date(now.getTime() - windowSeconds * 1000);
      const rows = await db.query('SELECT 1 FROM rate_limits WHERE key = $1 AND window_start > $2::timestamptz', [key, since.toISOString()]);
      return rows.length > 0;
    },
    async forget(key, options) {
      if (!options?.prefix) {
        await db.query('DELETE FROM rate_limits WHERE key = $1', [key]);
        return;
      }
      await db.query("DELETE FROM rate_limits WHERE key LIKE $1 ESCAPE '\\'", [`${key.replace(/[\\%_]/g, '\\$&')}%`]);
    },
  };
}
