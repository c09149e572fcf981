// The DPoP jti store (src/shared/dpop/replays.ts, RFC 9449 section 11.1) on both engines: concurrent proofs
// at two processes share statements yet every jti is accepted exactly once; proofs announced as being
// checked (expect()) wait for each other and share one statement, a lone or cancelled one holds nothing up
// (a window of a minute here: a proof held by it would time the test out); the storage port's named
// (prepared) statement answers like an unnamed one; expired rows are swept without a proof waiting for it;
// a database failure rejects every waiting proof.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Database, Queryable } from '../../src/db/database.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { createDpopReplays } from '../../src/shared/dpop/replays.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

const later = () => new Date(Date.now() + 6 * 60_000);

/** The database, counting the statements sent through it (and passing the statement's name on). */
function counting(db: Queryable): Queryable & { statements: number; named: Set<string> } {
  const c = {
    statements: 0,
    named: new Set<string>(),
    query<Row>(sql: string, params?: readonly unknown[], options?: { name?: string }) {
      c.statements++;
      if (options?.name) c.named.add(options.name);
      return db.query<Row>(sql, params, options);
    },
    exec: (sql: string) => db.exec(sql),
  };
  return c;
}

for (const kind of DATABASE_KINDS) {
  describe(`DPoP jti store (${kind})`, () => {
    let t: TestDatabase;
    let second: Database;
    before(async () => {
      t = await createTestDatabase(kind);
      // Another process: its own connection pool on the same database (PGlite has one connection).
      second = t.url ? await openPostgres(t.url, 4) : t.db;
    });
    after(async () => {
      if (second !== t.db) await second.close();
      await t?.drop();
    });

    test('a named statement answers like an unnamed one, again and again', async () => {
      const sql = 'SELECT k, $2::int AS n FROM unnest($1::text[]) AS b(k) ORDER BY k';
      const plain = await t.db.query(sql, [['b', 'a'], 7]);
      for (let i = 0; i < 3; i++) assert.deepEqual(await t.db.query(sql, [['b', 'a'], 7], { name: 'lightgate_test_named' }), plain);
      assert.deepEqual(await t.db.query(sql, [['c'], 8], { name: 'lightgate_test_named' }), [{ k: 'c', n: 8 }]);
    });

    test('300 jtis offered twice at each of two processes at once: each accepted exactly once, in fewer statements than proofs', async () => {
      const dbs = [counting(t.db), counting(second)];
      const stores = dbs.map((db) => createDpopReplays(db));
      const jtis = Array.from({ length: 300 }, () => randomUUID());
      const offers = jtis.flatMap((jti) => [0, 1, 0, 1].map((p) => ({ jti, p })));
      const answers = await Promise.all(offers.map(({ jti, p }) => stores[p]!.first('api\njkt-a', jti, later())));
      for (const jti of jtis) {
        const mine = answers.filter((_, i) => offers[i]!.jti === jti);
        assert.equal(mine.filter(Boolean).length, 1, `jti ${jti} accepted ${mine.filter(Boolean).length} times`);
      }
      const statements = dbs[0]!.statements + dbs[1]!.statements;
      assert.ok(statements < offers.length / 4, `${statements} statements for ${offers.length} proofs`);
      assert.ok(dbs.every((db) => db.named.size === 1), 'the insert is one named (prepared) statement');
      // Later, one by one: still refused everywhere; the same jti at another key or place is another proof.
      assert.equal(await stores[1]!.first('api\njkt-a', jtis[0]!, later()), false);
      assert.equal(await stores[0]!.first('api\njkt-b', jtis[0]!, later()), true);
      assert.equal(await stores[0]!.first('auth\njkt-a', jtis[0]!, later()), true);
    });

    test('announced proofs arriving apart share one statement; a lone proof and a cancelled ticket hold nothing up', { timeout: 30_000 }, async () => {
      const db = counting(t.db);
      const store = createDpopReplays(db, { intervalMs: 60_000 });
      assert.equal(await store.first('api\nticket', randomUUID(), later()), true, 'nobody announced: at once');
      assert.equal(db.statements, 1);
      const tickets = Array.from({ length: 10 }, () => store.expect());
      const answers: Promise<boolean>[] = [];
      for (const ticket of tickets) {
        answers.push(ticket.first('api\nticket', randomUUID(), later()));
        await new Promise((r) => setImmediate(r));
      }
      assert.deepEqual(await Promise.all(answers), Array(10).fill(true));
      assert.equal(db.statements, 2, 'the ten announced proofs went in one statement');
      const [refused, kept] = [store.expect(), store.expect()];
      const answer = kept.first('api\nticket', randomUUID(), later());
      refused.cancel();
      refused.cancel();
      assert.equal(await answer, true);
      assert.equal(await store.expect().first('api\nticket', randomUUID(), later()), true, 'the cancelled one counts no more');
    });

    test('a jti whose window has passed is free again, and expired rows are swept', async () => {
      const db = counting(t.db);
      const store = createDpopReplays(db, { sweepEvery: 5 });
      const expired = new Date(Date.now() - 1000);
      const jtis = Array.from({ length: 5 }, () => randomUUID());
      assert.deepEqual(await Promise.all(jtis.map((jti) => store.first('api\nsweep', jti, expired))), [true, true, true, true, true]);
      assert.equal(await store.first('api\nsweep', jtis[0]!, later()), true, 'its window had passed: a new proof');
      assert.equal(await store.first('api\nsweep', jtis[0]!, later()), false);
      // The sweep runs beside the proofs (none waits for it): wait until it has deleted the other four.
      const live = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dpop_replays WHERE expires_at < now()'))[0]!.n;
      for (let i = 0; i < 100 && (await live()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await live(), 0);
    });

    test('a database failure rejects every waiting proof (never an accepted replay), and the next statement works again', async () => {
      let fail = true;
      const flaky: Queryable = {
        query<Row>(sql: string, params?: readonly unknown[], options?: { name?: string }) {
          return fail ? Promise.reject(new Error('database down')) : t.db.query<Row>(sql, params, options);
        },
        exec: (sql) => t.db.exec(sql),
      };
      const store = createDpopReplays(flaky);
      const jti = randomUUID();
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => store.first('api\nflaky', jti, later())));
      assert.ok(results.every((r) => r.status === 'rejected'));
      fail = false;
      assert.equal(await store.first('api\nflaky', jti, later()), true);
      assert.equal(await store.first('api\nflaky', jti, later()), false);
    });
  });
}
