// U+0000 in a query parameter (text or a jsonb escape), found by the fuzz tests: no engine error, a
// lookup finds nothing, a write keeps a visible mark.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeParams } from '../../src/db/text-params.ts';
import { createTestDatabase, DATABASE_KINDS } from '../support/databases.ts';

test('safeParams replaces NUL and the JSON escape \\u0000, and nothing else', () => {
  assert.deepEqual(safeParams(['a\u0000b', '{"x":"\\u0000"}', '{"x":"\\\\u0000"}', 'plain', 1, null, ['\u0000', 'ok']]), ['a\uFFFDb', '{"x":"\\ufffd"}', '{"x":"\\\\u0000"}', 'plain', 1, null, ['\uFFFD', 'ok']]);
  const untouched = ['a', 'b'];
  assert.equal(safeParams(untouched), untouched);
});

for (const kind of DATABASE_KINDS) {
  test(`NUL in parameters on ${kind}: lookups find nothing, writes succeed`, async () => {
    const { db, drop } = await createTestDatabase(kind);
    try {
      await db.exec('CREATE TABLE nul_probe (k text PRIMARY KEY, doc jsonb)');
      await db.query('INSERT INTO nul_probe VALUES ($1, $2)', ['key\u0000', JSON.stringify({ v: 'x\u0000y' })]);
      assert.deepEqual(await db.query('SELECT k FROM nul_probe WHERE k = $1', ['key']), []);
      const [row] = await db.query<{ k: string; doc: { v: string } }>('SELECT k, doc FROM nul_probe');
      assert.equal(row!.k, 'key\uFFFD');
      assert.equal(row!.doc.v, 'x\uFFFDy');
      await db.transaction(async (tx) => assert.deepEqual(await tx.query('SELECT 1 FROM nul_probe WHERE k = ANY($1::text[])', [['\u0000']]), []));
    } finally {
      await drop();
    }
  });
}
