// Rows stored before tokens were hashed at rest (issue 19 #5) wait in oidc_payloads_unhashed (migration
// 0002: SQL cannot compute the keyed hash). The auth server moves them back under their keyed hash when it
// starts, in batches, so tokens and sessions issued before the
// upgrade keep working. Processes starting together share the work (SKIP LOCKED); once empty, it stays empty.
import type { Database, Queryable } from '../../db/database.ts';
import type { TokenIds } from './token-ids.ts';

const BATCH = 500;

export async function hashLegacyPayloadIds(db: Database, ids: TokenIds): Promise<number> {
  await db.query('DELETE FROM oidc_payloads_unhashed WHERE expires_at < now()');
  let moved = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const rows = await tx.query<{ model: string; id: string }>('SELECT model, id FROM oidc_payloads_unhashed LIMIT $1 FOR UPDATE SKIP LOCKED', [BATCH]);
      if (rows.length === 0) return 0;
      await moveUnhashedPayloads(tx, rows.map((r) => ({ ...r, hashed: ids.hashes(r.model) ? ids.current(r.id) : r.id })));
      return rows.length;
    });
    moved += count;
    if (count < BATCH) return moved;
  }
}

/** Moves rows of oidc_payloads_unhashed (migration 0002) back under their keyed hash. */
async function moveUnhashedPayloads(tx: Pick<Queryable, 'query'>, rows: { model: string; id: string; hashed: string }[]): Promise<void> {
  await tx.query(
    `WITH legacy AS (
       DELETE FROM oidc_payloads_unhashed u USING unnest($1::text[], $2::text[], $3::text[]) AS b(model, id, hashed)
        WHERE u.model = b.model AND u.id = b.id
       RETURNING u.*, b.hashed)
     INSERT INTO oidc_payloads (model, id, payload, grant_id, uid, user_code, subject, client_id, expires_at, consumed_at)
     SELECT model, hashed, payload - 'jti', grant_id, uid, user_code, subject, client_id, expires_at, consumed_at FROM legacy
     ON CONFLICT (model, id) DO NOTHING`,
    [rows.map((r) => r.model), rows.map((r) => r.id), rows.map((r) => r.hashed)],
  );
}
