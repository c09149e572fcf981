// Issue 18: a refresh retires its grant's older access tokens in its spending statement (held-token-writes.ts).
// PGlite keeps the generic plan made on the statement's sixth execution (no autovacuum, so no ANALYZE); with the
// model as an index condition that plan ANDed the grant's index with the primary key searched by model alone,
// reading every AccessToken entry (dead ones too, never vacuumed) on each refresh. Here the plan is made on 20
// tokens per model and read after 5,000 more: the grant's index alone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeTokenRows, type HeldSpend } from '../../src/auth/oidc/held-token-writes.ts';
import type { Database } from '../../src/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

let database: TestDatabase;
let db: Database;
const fill = (n: number, from: number) =>
  db.query(
    `INSERT INTO oidc_payloads (model, id, payload, grant_id, client_id, expires_at)
     SELECT m, md5(m || g), jsonb_build_object('pad', repeat('x', 300)), 'g' || g, 'c', now() + interval '1 hour'
       FROM generate_series(${from}, ${from + n - 1}) g, unnest(ARRAY['AccessToken', 'RefreshToken', 'Grant']) m`,
  );

before(async () => {
  database = await createTestDatabase('pglite');
  db = database.db;
  await fill(20, 1);
});
after(() => database.drop());

/** The refresh's spending statement as writeTokenRows sends it (captured, not run), and its parameters. */
async function refreshStatement(): Promise<{ sql: string; params: unknown[] }> {
  let sent: { sql: string; params: unknown[] } | undefined;
  const spend = { model: 'RefreshToken', rowIds: ['spent-id'], alone: async () => {}, lost: async () => assert.fail('lost') } as HeldSpend;
  const row = (model: string, id: string) => ({ model, id, payload: '{}', grantId: 'g1', uid: null, subject: 's', clientId: 'c', expiresIn: 60, older: [] });
  const capture = { query: async (sql: string, params?: readonly unknown[]) => ((sent = { sql, params: [...(params ?? [])] }), [{ spent: 1, written: 2 }]) };
  await writeTokenRows(capture as never, [row('RefreshToken', 'new-rt'), row('AccessToken', 'new-at')], spend);
  return sent!;
}

const literal = (v: unknown) => (v === null ? 'NULL' : Array.isArray(v) ? `'{${v.map((x) => (x === null ? 'NULL' : `"${String(x)}"`)).join(',')}}'` : `'${String(v).replace(/'/g, "''")}'`);

test('a refresh finds the access tokens it retires by its grant alone, in the plan made on a small table', async () => {
  const { sql, params } = await refreshStatement();
  assert.match(sql, /retired AS \(DELETE FROM oidc_payloads/);
  const args = (spent: string) => params.map((p, k) => literal(k === params.length - 1 ? spent : p)).join(', ');
  await db.exec(`PREPARE refresh_write AS ${sql}`);
  // Past the fifth execution PostgreSQL settles on a generic plan, made on today's 20 rows per model.
  for (let n = 0; n < 8; n++) await db.query(`EXECUTE refresh_write(${args(`absent-${n}`)})`);
  await fill(5000, 1000);
  const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE refresh_write(${args('absent')})`)).map((r) => r['QUERY PLAN']).join('\n');
  const retired = plan.slice(plan.indexOf('CTE retired'), plan.indexOf('CTE live'));
  assert.match(retired, /Index Scan on oidc_payloads_grant|Index Scan using oidc_payloads_grant/, plan);
  assert.doesNotMatch(retired, /oidc_payloads_pkey|BitmapAnd|Seq Scan/, `the grant's index alone:\n${plan}`);
});
