// Issue 18: the verifier leg's statement (challenge-rows.ts takeWithInteraction) finds every row by its whole key
// in the plan it keeps. A named statement's generic plan is made on its sixth execution, often while oidc_payloads
// is nearly empty, and PGlite (no autovacuum, so no ANALYZE that would re-plan) keeps it as the table grows. When
// the statement joined the taken verifier to its interaction and Grant, that plan searched the primary key by
// model alone and filtered every row of the model by id (a "Join Filter"): the verifier legs went from 6 to 27 ms
// over 3,000 sign-ins. Here the plan is made on 20 rows per model and read after 5,000 more.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { takeWithInteraction } from '../../src/auth/oidc/challenge-rows.ts';
import type { Database } from '../../src/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

let database: TestDatabase;
let db: Database;
const fill = (n: number, from: number) =>
  db.query(
    `INSERT INTO oidc_payloads (model, id, payload, grant_id, subject, expires_at)
     SELECT m, md5(m || g), jsonb_build_object('kind', 'login', 'challenge', md5('Interaction' || g), 'pad', repeat('x', 300)), 'g' || g, 's' || g, now() + interval '1 hour'
       FROM generate_series(${from}, ${from + n - 1}) g, unnest(ARRAY['FlowVerifier', 'Grant', 'Session', 'Interaction']) m`,
  ).then(() =>
    // The remembered consents a consent accepted in one statement reads at its leg: one row per sign-in.
    db.query(`INSERT INTO consent_sessions (grant_id, subject, client_id, granted_scope, consent_request, remember) SELECT 'g' || g, 's' || g, 'c', '{}', '{}', true FROM generate_series(${from}, ${from + n - 1}) g`),
  );

before(async () => {
  database = await createTestDatabase('pglite');
  db = database.db;
  await fill(20, 1);
});
after(() => database.drop());

/** The statement's text as takeWithInteraction sends it (captured, not run), and its parameters. */
async function statementOf(resume?: { sessionIds: string[] }): Promise<{ sql: string; params: unknown[] }> {
  let sent: { sql: string; params: unknown[] } | undefined;
  await takeWithInteraction({ query: async (sql: string, params?: readonly unknown[]) => ((sent = { sql, params: [...(params ?? [])] }), []) } as never, 'FlowVerifier', 'verifier-id', resume);
  return sent!;
}

const literal = (v: unknown) => `'${String(v).replace(/'/g, "''")}'`;

const CASES: [string, { sessionIds: string[] } | undefined][] = [['the verifier leg (resume, with a session cookie)', { sessionIds: ['s1', 's2'] }], ['a verifier looked up without resuming', undefined]];
for (const [i, [name, resume]] of CASES.entries()) {
  test(`${name}: the plan made on a small table still finds every row by its whole key`, async () => {
    const { sql, params } = await statementOf(resume);
    const args = (id: string) => params.map((p, k) => literal(k === 1 ? id : p)).join(', ');
    await db.exec(`PREPARE take_${i} AS ${sql}`);
    // Past the fifth execution PostgreSQL settles on a generic plan, made on today's 20 rows per model.
    for (let n = 0; n < 8; n++) await db.query(`EXECUTE take_${i}(${args(`absent-${n}`)})`);
    await fill(5000, 1000 + i * 10_000);
    const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE take_${i}(${args('absent')})`)).map((r) => r['QUERY PLAN']).join('\n');
    assert.ok(/Index Scan using oidc_payloads_pkey on oidc_payloads i/.test(plan), plan);
    assert.ok(!/Join Filter|Seq Scan on oidc_payloads|Hash Join|Merge Join/.test(plan), `every row by its key, no join:\n${plan}`);
    assert.ok(/Index Scan using consent_sessions_subject/.test(plan) && !/Seq Scan on consent_sessions/.test(plan), `the remembered consents by their subject's index:\n${plan}`);
  });
}
