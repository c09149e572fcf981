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
  /** The row read along with this hit (ReadAlong; null: none), when the hit asked for one. */
  along?: unknown;
}

/**
 * A row a request needs anyway, read in the counting statement instead of a round trip of its own (issue 18:
 * the authorization request's client). `select` yields (id text, row json) for the ids in `$ids`.
 */
export interface ReadAlong {
  name: string;
  select: string;
}

export interface Counter {
  /**
   * Counts one hit on `key` in a window of `windowSeconds`, opened at the first hit after the last one
   * ended. Time is the database's clock, or `at` for callers with their own (identity's use cases).
   * Rejects when the database cannot count it.
   */
  hit(key: string, windowSeconds: number, at?: Date, readId?: string): Promise<Count>;
  /** The key's open window without counting a hit; undefined when none is open. */
  peek(key: string, windowSeconds: number, at?: Date): Promise<Count | undefined>;
  /** Deletes the key's counter. */
  forget(key: string): Promise<void>;
  /** Deletes every counter whose key starts with `prefix`. */
  forgetPrefix(prefix: string): Promise<void>;
}

interface Pending {
  n: number;
  waiters: { resolve: (count: Count) => void; reject: (error: unknown) => void; readId?: string | undefined }[];
}

/** Hits with the same window and clock, which one statement can count. */
interface Batch {
  windowSeconds: number;
  at: Date | undefined;
  keys: Map<string, Pending>;
  /** Ids to read along (ReadAlong). */
  reads: Set<string>;
}

// `$4` is the caller's clock, or null for the database's.
const COUNT = `INSERT INTO rate_limits (key, window_start, hits) SELECT k, coalesce($4::timestamptz, now()), n FROM unnest($1::text[], $2::int[]) AS t(k, n)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limits.window_start + make_interval(secs => $3) <= coalesce($4::timestamptz, now()) THEN EXCLUDED.hits ELSE rate_limits.hits + EXCLUDED.hits END,
    window_start = CASE WHEN rate_limits.window_start + make_interval(secs => $3) <= coalesce($4::timestamptz, now()) THEN coalesce($4::timestamptz, now()) ELSE rate_limits.window_start END
  RETURNING key, hits, ceil(extract(epoch FROM (window_start + make_interval(secs => $3) - coalesce($4::timestamptz, now()))))::int AS retry`;

type Row = { key: string; hits: number; retry: number; along?: unknown };

export function createCounter(db: Queryable, along?: ReadAlong): Counter {
  // The same count, its rows tagged 'c', and the rows read along tagged 'r' (one statement, one snapshot).
  const countAndRead = along && `WITH counted AS (${COUNT})
    SELECT 'c' AS kind, key, hits, retry, NULL::json AS along FROM counted
    UNION ALL SELECT 'r', r.id, NULL, NULL, r.row FROM (${along.select.replaceAll('$ids', '$5::text[]')}) AS r(id, row)`;
  let pending = new Map<string, Batch>();
  let scheduled = false;

  const write = async ({ windowSeconds, at, keys: batch, reads }: Batch) => {
    const keys = [...batch.keys()].sort();
    const params = [keys, keys.map((k) => batch.get(k)!.n), windowSeconds, at?.toISOString() ?? null];
    let rows: (Row & { kind?: string })[];
    try {
      // Named (issue 18): every request of a limited server sends it; parsed and planned once per connection.
      const count = () => db.query<Row>(COUNT, params, { name: 'lightgate_rate_limit_count' });
      // A read that fails (whatever its id) must not leave the batch uncounted: the count alone then, reads unanswered.
      rows = reads.size && countAndRead ? await db.query<Row & { kind: string }>(countAndRead, [...params, [...reads]], { name: along.name }).catch(count) : await count();
    } catch (error) {
      for (const { waiters } of batch.values()) for (const w of waiters) w.reject(error);
      return;
    }
    const byKey = new Map<string, Row>(), read = new Map<string, unknown>();
    const readDone = rows.some((r) => r.kind !== undefined);
    for (const r of rows) if (r.kind === 'r') read.set(r.key, r.along); else byKey.set(r.key, r);
    for (const [key, { n, waiters }] of batch) {
      const row = byKey.get(key)!;
      // The batch's hits are the last n of the window, in arrival order.
      waiters.forEach((w, i) => w.resolve({ hits: row.hits - n + 1 + i, retryAfter: Math.max(1, row.retry), ...(w.readId === undefined || !readDone ? {} : { along: read.get(w.readId) ?? null }) }));
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
    hit(key, windowSeconds, at, readId) {
      const group = `${windowSeconds}|${at?.getTime() ?? 'db'}`;
      let batch = pending.get(group);
      if (!batch) pending.set(group, (batch = { windowSeconds, at, keys: new Map(), reads: new Set() }));
      const p = batch.keys.get(key) ?? { n: 0, waiters: [] };
      batch.keys.set(key, p);
      p.n++;
      if (readId !== undefined && along) batch.reads.add(readId);
      const count = new Promise<Count>((resolve, reject) => p.waiters.push({ resolve, reject, readId: along ? readId : undefined }));
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
