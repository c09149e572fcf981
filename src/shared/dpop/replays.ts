// DPoP proofs seen (RFC 9449 section 11.1): a proof's jti is accepted once per place in every process. Only a
// hash of (place, jti) is kept, until the proof's acceptance window has passed. Proofs group-commit: those
// that arrive while a statement is in flight go together in the next statement (one unique insert of many
// rows, keys in order so that concurrent statements cannot deadlock), and each proof awaits its own row. A
// proof announced by expect() (its signature being checked) is waited for, at most `intervalMs`, so that
// concurrent requests share a statement; a proof nobody else is announced beside goes at once. The statement is a named (prepared) one: planning it cost
// PostgreSQL more than inserting a row. Expired rows are swept beside the proofs, never in their way
// (docs/benchmarks.md, issue 16).
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';

export interface DpopReplays {
  /** True the first time (place, jti) is seen before `expiresAt`; false for a replay. Rejects on a database outage. */
  first(place: string, jti: string, expiresAt: Date): Promise<boolean>;
  /** Announces a proof being checked: its ticket's first() joins the others' statement; cancel() when it will
   *  not come (refused earlier). cancel() after first() does nothing. */
  expect(): DpopReplayTicket;
}

export interface DpopReplayTicket {
  first(place: string, jti: string, expiresAt: Date): Promise<boolean>;
  cancel(): void;
}

export interface DpopReplaysOptions {
  /** How long a waiting proof may be held for announced ones (expect()) to join its statement. */
  intervalMs?: number;
  /** One delete of expired rows per this many proofs (expired rows are also reused by the insert). */
  sweepEvery?: number;
}

const MAX_BATCH = 500;
const INSERT = `INSERT INTO dpop_replays (jti_hash, expires_at)
  SELECT k, $2::timestamptz FROM unnest($1::text[]) AS b(k)
  ON CONFLICT (jti_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE dpop_replays.expires_at < now()
  RETURNING jti_hash`;

interface Waiting {
  key: string;
  at: number;
  expiresAt: Date;
  resolve(first: boolean): void;
  reject(error: unknown): void;
}

export function createDpopReplays(db: Queryable, options: DpopReplaysOptions = {}): DpopReplays {
  const intervalMs = options.intervalMs ?? 2;
  const sweepEvery = options.sweepEvery ?? 1000;
  let sinceSweep = 0;
  let sweeping = false;
  let queue: Waiting[] = [];
  let busy = false;
  let timer: NodeJS.Timeout | undefined;
  /** Proofs announced and neither queued nor cancelled yet. */
  let expecting = 0;

  function schedule(): void {
    if (busy || queue.length === 0) return;
    const waited = performance.now() - queue[0]!.at;
    if (expecting === 0 || waited >= intervalMs || queue.length >= MAX_BATCH) void flush();
    else timer ??= setTimeout(() => {
      timer = undefined;
      schedule();
    }, intervalMs - waited);
  }

  function sweep(): void {
    if (sweeping) return;
    sweeping = true;
    void db
      .query('DELETE FROM dpop_replays WHERE expires_at < now()')
      .catch(() => {})
      .finally(() => (sweeping = false));
  }

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    busy = true;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(MAX_BATCH);
    // The first of equal keys in a batch is the one inserted; the others are replays of it.
    const firsts = new Map<string, Waiting>();
    const repeats: Waiting[] = [];
    let until = batch[0]!.expiresAt;
    for (const w of batch) {
      if (firsts.has(w.key)) repeats.push(w);
      else firsts.set(w.key, w);
      if (w.expiresAt > until) until = w.expiresAt;
    }
    try {
      // A row whose window has ended is free again; a live one makes this a replay (no row returned). Every
      // row of the batch is kept until the latest of their windows (longer than needed, never shorter).
      const rows = await db.query<{ jti_hash: string }>(INSERT, [[...firsts.keys()].sort(), until], { name: 'lightgate_dpop_replays_first' });
      const inserted = new Set(rows.map((r) => r.jti_hash));
      for (const [key, w] of firsts) w.resolve(inserted.has(key));
      for (const w of repeats) w.resolve(false);
      sinceSweep += batch.length;
      if (sinceSweep >= sweepEvery) {
        sinceSweep = 0;
        sweep();
      }
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      busy = false;
      schedule();
    }
  }

  function first(place: string, jti: string, expiresAt: Date): Promise<boolean> {
    const key = createHash('sha256').update(`${place}\n${jti}`).digest('base64url');
    return new Promise<boolean>((resolve, reject) => {
      queue.push({ key, at: performance.now(), expiresAt, resolve, reject });
      schedule();
    });
  }

  return {
    first,
    expect() {
      expecting++;
      let open = true;
      const close = () => {
        if (open) expecting--;
        open = false;
      };
      return {
        first(place, jti, expiresAt) {
          close();
          return first(place, jti, expiresAt);
        },
        cancel() {
          if (!open) return;
          close();
          schedule();
        },
      };
    },
  };
}
