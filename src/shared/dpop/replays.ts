// DPoP proofs seen (RFC 9449 section 11.1): a proof's jti is accepted once per place in every process. Only a
// hash of (place, jti) is kept, until the proof's acceptance window has passed. Proofs that arrive while a
// statement is in flight go together in the next one (one unique insert of many rows, keys in order so that
// concurrent statements cannot deadlock), as the rate-limit counter does: one round trip per batch, not per
// request (docs/benchmarks.md, issue 16).
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';

export interface DpopReplays {
  /** True the first time (place, jti) is seen before `expiresAt`; false for a replay. Rejects on a database outage. */
  first(place: string, jti: string, expiresAt: Date): Promise<boolean>;
}

/** One delete of expired rows per this many proofs (expired rows are also reused by the insert). */
const SWEEP_EVERY = 1000;
const MAX_BATCH = 500;

interface Waiting {
  key: string;
  expiresAt: Date;
  resolve(first: boolean): void;
  reject(error: unknown): void;
}

export function createDpopReplays(db: Queryable): DpopReplays {
  let sinceSweep = 0;
  let queue: Waiting[] = [];
  let busy = false;

  async function flush(): Promise<void> {
    if (busy || queue.length === 0) return;
    busy = true;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(MAX_BATCH);
    // The first of equal keys in a batch is the one inserted; the others are replays of it.
    const firsts = new Map<string, Waiting>();
    const repeats: Waiting[] = [];
    for (const w of batch) {
      if (firsts.has(w.key)) repeats.push(w);
      else firsts.set(w.key, w);
    }
    const keys = [...firsts.keys()].sort();
    try {
      // A row whose window has ended is free again; a live one makes this a replay (no row returned).
      const rows = await db.query<{ jti_hash: string }>(
        `INSERT INTO dpop_replays (jti_hash, expires_at)
         SELECT k, e FROM unnest($1::text[], $2::timestamptz[]) AS b(k, e)
         ON CONFLICT (jti_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE dpop_replays.expires_at < now()
         RETURNING jti_hash`,
        [keys, keys.map((k) => firsts.get(k)!.expiresAt)],
      );
      const inserted = new Set(rows.map((r) => r.jti_hash));
      for (const [key, w] of firsts) w.resolve(inserted.has(key));
      for (const w of repeats) w.resolve(false);
      sinceSweep += batch.length;
      if (sinceSweep >= SWEEP_EVERY) {
        sinceSweep = 0;
        await db.query('DELETE FROM dpop_replays WHERE expires_at < now()').catch(() => {});
      }
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      busy = false;
      void flush();
    }
  }

  return {
    first(place, jti, expiresAt) {
      const key = createHash('sha256').update(`${place}\n${jti}`).digest('base64url');
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ key, expiresAt, resolve, reject });
        void flush();
      });
    },
  };
}
