// Issue 18: oidc_payloads_subject holds the login sessions only (migration 0425), the rows its one query reads
// (deleteLoginSessions); codes, tokens and Grants, which carry a subject too, are no longer entered in it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteLoginSessions } from '../../src/auth/oidc/sql-adapter.ts';
import { createTestDatabase, DATABASE_KINDS } from '../support/databases.ts';

for (const kind of DATABASE_KINDS) {
  test(`${kind}: a subject's login sessions are found by the sessions' subject index, and only they are deleted`, async () => {
    const { db, drop } = await createTestDatabase(kind);
    try {
      const [index] = await db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'oidc_payloads_subject'`);
      assert.match(index!.indexdef, /WHERE \(\(model = 'Session'::text\) AND \(subject IS NOT NULL\)\)/, 'sessions only');

      await db.query(
        `INSERT INTO oidc_payloads (model, id, payload, subject, expires_at)
         SELECT m, m || '-' || s, '{}', s, now() + interval '1 hour' FROM unnest(ARRAY['Session', 'AccessToken', 'RefreshToken', 'Grant']) m, unnest(ARRAY['alice', 'bob']) s`,
      );
      let sent = '';
      await deleteLoginSessions({ query: async (sql: string) => ((sent = sql), []) } as never, 'alice');
      // Usable at all only if the query implies the index's predicate; seq scans off so that a small table shows it.
      const plan = await db.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        return (await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sent.replace('$1', `'alice'`)}`)).map((r) => r['QUERY PLAN']).join('\n');
      });
      assert.match(plan, /Index Scan using oidc_payloads_subject|Bitmap Index Scan on oidc_payloads_subject/, plan);

      await deleteLoginSessions(db, 'alice');
      const left = (await db.query<{ id: string }>('SELECT id FROM oidc_payloads ORDER BY id')).map((r) => r.id);
      assert.deepEqual(left, ['AccessToken-alice', 'AccessToken-bob', 'Grant-alice', 'Grant-bob', 'RefreshToken-alice', 'RefreshToken-bob', 'Session-bob']);
    } finally {
      await drop();
    }
  });
}
