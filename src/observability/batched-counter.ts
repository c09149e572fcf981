// Fixed-window hit counters in the rate_limits table, batched: hits that arrive while a write is in
// flight go together in the next statement (one row per key, keys in order). Each hit still learns
// the window's count including itself, so limits stay exact across processes, but a busy process
// sends one statement per round instead of one per request.
import type { Queryable } from '../db/database.ts';

export interface Count {
  /** This hit's position in the key's current window (1 = first). */
  hits: number;
  /** Seconds until the window ends. */
  retryAfter: number;
}

interface Pending {
  n: number;
  waiters: ((count: Count | undefined) => void)[];
}

export interface BatchedCounter {
  /** Counts one hit per key; undefined when the database could not count it. */
  hit(keys: readonly string[]): Promise<(Count | undefined)[]>;
}

export function createBatchedCounter(db: Queryable, windowSeconds: number): BatchedCounter {
  let pending = new Map<string, Pending>();
  let flushing = false;

  const write = async (batch: Map<string, Pending>) => {
    const keys = [...batch.keys()].sort();
    let rows: { key: string; hits: number; retry: number }[] | undefined;
    try {
      rows = await db.query<{ key: string; hits: number; retry: number }>(
        `INSERT INTO rate_limits (key, window_start, hits) SELECT k, now(), n FROM unnest($1::text[], $2::int[]) AS t(k, n)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start + make_interval(secs => $3) <= now() THEN EXCLUDED.hits ELSE rate_limits.hits + EXCLUDED.hits END,
           window_start = CASE WHEN rate_limits.window_start + make_interval(secs => $3) <= now() THEN now() ELSE rate_limits.window_start END
         RETURNING key, hits, ceil(extract(epoch FROM (window_start + make_interval(secs => $3) - now())))::int AS retry`,
        [keys, keys.map((k) => batch.get(k)!.n), windowSeconds],
      );
    } catch {
      rows = undefined;
    }
    const byKey = new Map(rows?.map((r) => [r.key, r]));
    for (const [key, { n, waiters }] of batch) {
      const row = byKey.get(key);
      // The batch's hits are the last n of the window, in arrival order.
      waiters.forEach((resolve, i) => resolve(row ? { hits: row.hits - n + 1 + i, retryAfter: Math.max(1, row.retry) } : undefined));
    }
  };

  const flush = async () => {
    flushing = true;
    try {
      while (pending.size) {
        const batch = pending;
        pending = new Map();
        await write(batch);
      }
    } finally {
      flushing = false;
    }
  };

  return {
    hit(keys) {
      const results = keys.map(
        (key) =>
          new Promise<Count | undefined>((resolve) => {
            let p = pending.get(key);
            if (!p) pending.set(key, (p = { n: 0, waiters: [] }));
            p.n++;
            p.waiters.push(resolve);
          }),
      );
      if (!flushing) void flush();
      return Promise.all(results);
    },
  };
}
