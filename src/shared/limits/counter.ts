// The one counter every limit uses: fixed-window hit counts in the rate_limits table, so limits hold
// across processes. Hits that arrive while a write is in flight go together in the next statement (one
// row per key, keys in order, so concurrent statements cannot deadlock). Each hit still learns the
// window's count including itself, so limits stay exact, but a busy process sends one statement per
// round instead of one per request (what made request-rate limits cheap: docs/benchmarks.md).
import type { Queryable } from '../../db/database.ts';

export interface Count {
  /** This hit's position in the key's current window (1 = first). */
  hits: number;
  /** Seconds until the window ends (at least 1). */
  retryAfter: number;
}

export interface Counter {
  /**
   * Counts one hit on `key` in a window of `windowSeconds`, opened at the first hit after the last one
   * ended. Time is the database's clock, or `at` for callers with their own (identity's use cases).
   * Rejects when the database cannot count it.
   */
  hit(key: string, windowSeconds: number, at?: Date): Promise<Count>;
  /** The key's open window without counting a hit; undefined when none is open. */
  peek(key: string, windowSeconds: number, at?: Date): Promise<Count | undefined>;
  /** Deletes the key's counter. */
  forget(key: string): Promise<void>;
  /** Deletes every counter whose key starts with `prefix`. */
  forgetPrefix(prefix: string): Promise<void>;
}

interface Pending {
  n: number;
  waiters: { resolve: (count: Count) => void; reject: (error: unknown) => void }[];
}

/** Hits with the same window and clock, which one statement can count. */
interface Batch {
  windowSeconds: number;
  at: Date | undefined;
  keys: Map<string, Pending>;
}

// `$4` is the caller's clock, or null for the database's.
const COUNT = `INSERT INTO rate_limits (key, window_start, hits) SELECT k, coalesce($4::timestamptz, now()), n FROM unnest($1::text[], $2::int[]) AS t(k, n)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limits.window_start + make_interval(secs => $3) <= coalesce($4::timestamptz, now()) THEN EXCLUDED.hits ELSE rate_limits.hits + EXCLUDED.hits END,
    window_start = CASE WHEN rate_limits.window_start + make_interval(secs => $3) <= coalesce($4::timestamptz, now()) THEN coalesce($4::timestamptz, now()) ELSE rate_limits.window_start END
  RETURNING key, hits, ceil(extract(epoch FROM (window_start + make_interval(secs => $3) - coalesce($4::timestamptz, now()))))::int AS retry`;

export function createCounter(db: Queryable): Counter {
  let pending = new Map<string, Batch>();
  let scheduled = false;

  const write = async ({ windowSeconds, at, keys: batch }: Batch) => {
    const keys = [...batch.keys()].sort();
    let rows: { key: string; hits: number; retry: number }[];
    try {
      // Named (issue 18): every request of a limited server sends it; parsed and planned once per connection.
      rows = await db.query<{ key: string; hits: number; retry: number }>(COUNT, [keys, keys.map((k) => batch.get(k)!.n), windowSeconds, at?.toISOString() ?? null], { name: 'lightgate_rate_limit_count' });
    } catch (error) {
      for (const { waiters } of batch.values()) for (const w of waiters) w.reject(error);
      return;
    }
    const byKey = new Map(rows.map((r) => [r.key, r]));
    for (const [key, { n, waiters }] of batch) {
      const row = byKey.get(key)!;
      // The batch's hits are the last n of the window, in arrival order.
      waiters.forEach((w, i) => w.resolve({ hits: row.hits - n + 1 + i, retryAfter: Math.max(1, row.retry) }));
    }
  };

  const flush = async () => {
    try {
      while (pending.size) {
        const batches = [...pending.values()];
        pending = new Map();
        // Batches of other windows or clocks go at the same time; each sorts its keys, so row locks are
        // always taken in one order.
        await Promise.all(batches.map(write));
      }
    } finally {
      scheduled = false;
    }
  };

  return {
    hit(key, windowSeconds, at) {
      const group = `${windowSeconds}|${at?.getTime() ?? 'db'}`;
      let batch = pending.get(group);
      if (!batch) pending.set(group, (batch = { windowSeconds, at, keys: new Map() }));
      const p = batch.keys.get(key) ?? { n: 0, waiters: [] };
      batch.keys.set(key, p);
      p.n++;
      const count = new Promise<Count>((resolve, reject) => p.waiters.push({ resolve, reject }));
      // Hits made in the same turn (a request's address and client) share the first statement.
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(() => void flush());
      }
      return count;
    },
    async peek(key, windowSeconds, at) {
      const [row] = await db.query<{ hits: number; retry: number }>(
        `SELECT hits, ceil(extract(epoch FROM (window_start + make_interval(secs => $2) - coalesce($3::timestamptz, now()))))::int AS retry
           FROM rate_limits WHERE key = $1`,
        [key, windowSeconds, at?.toISOString() ?? null],
      );
      return row && row.retry > 0 ? { hits: row.hits, retryAfter: row.retry } : undefined;
    },
    async forget(key) {
      await db.query('DELETE FROM rate_limits WHERE key = $1', [key]);
    },
    async forgetPrefix(prefix) {
      await db.query("DELETE FROM rate_limits WHERE key LIKE $1 ESCAPE '\\'", [`${prefix.replace(/[\\%_]/g, '\\$&')}%`]);
    },
  };
}
