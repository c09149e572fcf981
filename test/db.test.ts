import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrate, migrationFiles } from '../src/db/migrate.ts';
import { countingDatabase } from './support/counting-database.ts';
import { createTestDatabase, DATABASE_KINDS } from './support/databases.ts';

for (const kind of DATABASE_KINDS) {
  test(`${kind}: migrations apply once, transactions roll back, NOTIFY reaches listeners`, async () => {
    const { db, drop } = await createTestDatabase(kind);
    try {
      const names = (await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map((r) => r.name);
      assert.deepEqual(names, migrationFiles());
      const counting = countingDatabase(db);
      assert.deepEqual(await migrate(counting.db), [], 'second run applies nothing');
      assert.deepEqual(counting.log(), ['SELECT name FROM schema_migrations'], 'up to date: one read, no transaction, lock or DDL (issue 18)');

      await db.exec('CREATE TABLE t (n int8 NOT NULL CHECK (n >= 0))');
      await assert.rejects(db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (5)');
        await tx.query('INSERT INTO t VALUES (-1)');
      }));
      assert.deepEqual(await db.query('SELECT n FROM t'), [], 'both rows or neither');
      await db.query('INSERT INTO t VALUES ($1)', [2_100_000_000_000_000]);
      const [row] = await db.query<{ n: number }>('SELECT n FROM t');
      assert.equal(row!.n, 2_100_000_000_000_000, 'int8 comes back as an exact number');

      const got = new Promise<string>((resolve) => void db.listen('lg_test', resolve));
      await new Promise((r) => setTimeout(r, 50));
      await db.notify('lg_test', 'hello');
      assert.equal(await got, 'hello');
    } finally {
      await drop();
    }
  });
}

test('postgres: a connection lost between two statements of a transaction fails that transaction, never the process', async () => {
  const { db, drop } = await createTestDatabase('postgres');
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    await assert.rejects(
      db.transaction(async (tx) => {
        const [me] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // Another connection ends this one while the transaction waits between statements (as a server stop does).
        await db.query('SELECT pg_terminate_backend($1)', [me!.pid]);
        await new Promise((r) => setTimeout(r, 300));
        await tx.query('SELECT 1');
      }),
    );
    assert.deepEqual(uncaught, [], 'no unhandled error event');
    assert.equal((await db.query<{ n: number }>('SELECT 1 AS n'))[0]!.n, 1, 'the pool still serves');
  } finally {
    process.off('uncaughtException', onUncaught);
    await drop();
  }
});

test('postgres: a transaction that finds no free pool connection in time is DatabaseUnavailableError (a 503), not an internal error', async () => {
  const { openPostgres } = await import('../src/db/postgres.ts');
  const { DatabaseUnavailableError } = await import('../src/db/database.ts');
  const t = await createTestDatabase('postgres');
  const db = await openPostgres(t.url!, 1);
  try {
    // The pool's one connection is held by an open transaction; the next waits 2 s for it and gives up.
    let release!: () => void;
    const held = db.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    await assert.rejects(
      db.transaction(async () => undefined),
      (e) => e instanceof DatabaseUnavailableError,
    );
    release();
    await held;
  } finally {
    await db.close();
    await t.drop();
  }
});
