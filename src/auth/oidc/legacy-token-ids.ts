// Rows stored before tokens were hashed at rest (issue 19 #5) wait in oidc_payloads_unhashed (migration
// 0002: SQL cannot compute the keyed hash). The auth server moves them back under their keyed hash when it
// starts, in batches (the move itself is sql-adapter.ts's), so tokens and sessions issued before the
// upgrade keep working. Processes starting together share the work (SKIP LOCKED); once empty, it stays empty.
import type { Database } from '../../db/database.ts';
import { moveUnhashedPayloads } from './sql-adapter.ts';
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
