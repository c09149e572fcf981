// Issue 18: PGlite runs every statement as a prepared one (src/db/pglite-statements.ts). Values must come and go
// exactly as PGlite's own query() has them, errors must keep their SQLSTATE and leave the connection usable, a
// table changed under a prepared statement must not break it, more texts than are kept must still run, and a
// statement from outside a transaction must never land inside one that is open.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '../src/db/database.ts';
import { openPglite } from '../src/db/pglite.ts';
import { pgliteStatements } from '../src/db/pglite-statements.ts';

/** The frontend message types in one protocol exchange ('P'arse, 'D'escribe, 'B'ind, 'E'xecute, 'S'ync). */
const kinds = (message: Uint8Array) => {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const out: string[] = [];
  for (let at = 0; at < message.length; at += 1 + view.getInt32(at + 1)) out.push(String.fromCharCode(message[at]!));
  return out;
};

describe('PGlite prepared statements', () => {
  let db: Database;
  let plain: PGlite;
  before(async () => {
    db = await openPglite(undefined);
    plain = new PGlite({ parsers: { 20: (value: string) => Number(value) } });
    const schema = 'CREATE TABLE v (id int PRIMARY KEY, n int8, t text, j jsonb, at timestamptz, a text[], b bytea, ok bool)';
    await db.exec(schema);
    await plain.exec(schema);
  });
  after(async () => {
    await db?.close();
    await plain?.close();
  });

  test("parameters and rows are what PGlite's query() gives", async () => {
    const at = new Date('2026-11-28T12:34:56.789Z');
    const params = [1, 2_100_000_000_000_000, "it's", { nested: [1, 'two', null] }, at, ['x', 'y,z', null], new Uint8Array([0, 255, 7]), true];
    const insert = 'INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *';
    const mine = await db.query(insert, params);
    const theirs = (await plain.query(insert, params)).rows;
    assert.deepEqual(mine, theirs);
    const nulls = [2, null, undefined, null, null, null, null, null];
    assert.deepEqual(await db.query(insert, nulls), (await plain.query(insert, nulls)).rows);
    const select = 'SELECT id, n, j->>$2 AS k, at, a FROM v WHERE id = ANY($1::int[]) ORDER BY id';
    assert.deepEqual(await db.query(select, [[1, 2], 'nested']), (await plain.query(select, [[1, 2], 'nested'])).rows);
    assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }]);
    assert.deepEqual(await db.query('SELECT id FROM v WHERE id = $1', [99]), []);
  });

  test('an error keeps its SQLSTATE; the statement and the connection still work after it', async () => {
    const insert = 'INSERT INTO v (id, n) VALUES ($1, $2)';
    await db.query(insert, [10, 1]);
    await assert.rejects(db.query(insert, [10, 1]), { code: '23505' });
    await assert.rejects(db.query('SELECT nope FROM v'), { code: '42703' });
    await db.query(insert, [11, 1]);
    assert.deepEqual(await db.query('SELECT count(*)::int AS c FROM v WHERE id IN ($1, $2)', [10, 11]), [{ c: 2 }]);
  });

  test('an execution is bind, execute and sync: the row description is the one described at the prepare', async () => {
    const statements = pgliteStatements(plain);
    const sent: string[][] = [];
    const original = plain.execProtocol.bind(plain);
    const raw = plain.execProtocolRawStream.bind(plain);
    plain.execProtocol = (message, options) => (sent.push(kinds(message)), original(message, options));
    plain.execProtocolRawStream = (message, options) => (sent.push(kinds(message)), raw(message, options));
    try {
      for (const t of ['a', 'b']) assert.deepEqual(await statements.run('SELECT 1 AS one, $1::text AS t', [t], false), [{ one: 1, t }]);
    } finally {
      plain.execProtocol = original;
      plain.execProtocolRawStream = raw;
    }
    assert.deepEqual(sent, [['P', 'D', 'S'], ['B', 'E', 'S'], ['B', 'E', 'S']]);
  });

  test('a reply larger than one chunk of the engine\'s output, and many rows, read whole', async () => {
    const select = "SELECT g AS i, repeat('é', $1::int) AS t, NULL::text AS none FROM generate_series(1, $2::int) g";
    for (const [size, count] of [[100_000, 3], [3, 5_000]] as const) {
      const mine = await db.query<{ i: number; t: string; none: null }>(select, [size, count]);
      assert.deepEqual(mine, (await plain.query(select, [size, count])).rows);
      assert.equal(mine.length, count);
      assert.equal(mine[0]!.t.length, size);
    }
  });

  test('a reply with a notice in it: the same rows', async () => {
    const fn = "CREATE FUNCTION noisy(n int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'n is %', n; RETURN n * 2; END $$";
    await db.exec(fn);
    await plain.exec(fn);
    const select = 'SELECT noisy($1) AS d, $2::text AS t';
    assert.deepEqual(await db.query(select, [21, 'x']), [{ d: 42, t: 'x' }]);
    assert.deepEqual(await db.query(select, [21, 'x']), (await plain.query(select, [21, 'x'])).rows);
  });

  test('a notification committed by a statement reaches its listeners, on PGlite\'s own calls too', async () => {
    const heard: string[] = [];
    const unlisten = await db.listen('Lightgate_Test', (payload) => heard.push(payload));
    await db.query('SELECT pg_notify($1, $2)', ['lightgate_test', 'one']);
    await db.notify('lightgate_test', 'two');
    await db.exec("NOTIFY lightgate_test, 'three'");
    await db.transaction(async (tx) => void (await tx.query('SELECT pg_notify($1, $2)', ['lightgate_test', 'four'])));
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(heard, ['one', 'two', 'three', 'four']);
    await unlisten();
    await db.query('SELECT pg_notify($1, $2)', ['lightgate_test', 'five']);
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(heard, ['one', 'two', 'three', 'four']);
  });

  test('a table changed under a prepared statement: prepared again, with the new columns', async () => {
    await db.exec('CREATE TABLE w (id int)');
    await db.query('INSERT INTO w VALUES ($1)', [1]);
    const select = 'SELECT * FROM w WHERE id = $1';
    assert.deepEqual(await db.query(select, [1]), [{ id: 1 }]);
    await db.exec("ALTER TABLE w ADD COLUMN label text DEFAULT 'new'");
    assert.deepEqual(await db.query(select, [1]), [{ id: 1, label: 'new' }]);
  });

  test('more statement texts than are kept still run, old ones again too', async () => {
    for (let i = 0; i < 520; i++) assert.deepEqual(await db.query(`SELECT $1::int + ${i} AS n`, [1]), [{ n: i + 1 }]);
    assert.deepEqual(await db.query('SELECT $1::int + 0 AS n', [5]), [{ n: 5 }]);
  });

  test('a transaction rolls back on error; a statement from outside waits until it has ended', async () => {
    await db.exec('CREATE TABLE x (id int PRIMARY KEY)');
    let release!: () => void;
    let inserted!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const open = new Promise<void>((resolve) => (inserted = resolve));
    const transaction = db.transaction(async (tx) => {
      await tx.query('INSERT INTO x VALUES ($1)', [1]);
      inserted();
      await held;
      await tx.query('INSERT INTO x VALUES ($1)', [1]);
    });
    // Issued while the transaction is open: it must not see (or join) the uncommitted row.
    await open;
    const outside = db.query<{ c: number }>('SELECT count(*)::int AS c FROM x WHERE id = $1', [1]);
    await new Promise((r) => setTimeout(r, 20));
    release();
    await assert.rejects(transaction, { code: '23505' });
    assert.deepEqual(await outside, [{ c: 0 }]);
    assert.deepEqual(await db.query('SELECT count(*)::int AS c FROM x'), [{ c: 0 }], 'rolled back');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO x VALUES ($1)', [2]);
    });
    assert.deepEqual(await db.query('SELECT id FROM x'), [{ id: 2 }]);
  });
});
