// DPoP proofs seen (RFC 9449 section 11.1): a proof's jti is accepted once per place in every process. Only a
// hash of (place, jti) is kept, until the proof's acceptance window has passed.
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';

export interface DpopReplays {
  /** True the first time (place, jti) is seen before `expiresAt`; false for a replay. Rejects on a database outage. */
  first(place: string, jti: string, expiresAt: Date): Promise<boolean>;
}

/** One delete of expired rows per this many proofs (expired rows are also reused by the insert). */
const SWEEP_EVERY = 500;

export function createDpopReplays(db: Queryable): DpopReplays {
  let sinceSweep = 0;
  return {
    async first(place, jti, expiresAt) {
      const key = createHash('sha256').update(`${place}\n${jti}`).digest('base64url');
      // A row whose window has ended is free again; a live one makes this a replay (no row returned).
      const rows = await db.query(
        `INSERT INTO dpop_replays (jti_hash, expires_at) VALUES ($1, $2)
         ON CONFLICT (jti_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE dpop_replays.expires_at < now()
         RETURNING 1 AS inserted`,
        [key, expiresAt],
      );
      if (++sinceSweep >= SWEEP_EVERY) {
        sinceSweep = 0;
        await db.query('DELETE FROM dpop_replays WHERE expires_at < now()');
      }
      return rows.length === 1;
    },
  };
}
