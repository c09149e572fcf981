// The one limits counter (src/shared/limits/counter.ts) on both engines: concurrent hits share
// statements yet each learns its exact place in the window; a caller's clock opens and closes windows;
// peek counts nothing; a database failure rejects (each caller decides what an uncounted hit means).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Queryable } from '../../src/db/database.ts';
import { createCounter, type Count } from '../../src/shared/limits/counter.ts';
import { createLimit } from '../../src/shared/limits/limit.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

for (const kind of DATABASE_KINDS) {
  describe(`limits counter (${kind})`, () => {
    let t: TestDatabase;
    before(async () => (t = await createTestDatabase(kind)));
    after(() => t?.drop());

    test('50 concurrent hits on two keys: each gets its own position, in fewer statements than hits', async () => {
      let statements = 0;
      const counting: Queryable = {
        query<Row>(sql: string, params?: readonly unknown[]) {
          statements++;
          return t.db.query<Row>(sql, params);
        },
        exec: (sql) => t.db.exec(sql),
      };
      const counter = createCounter(counting);
      const counts = await Promise.all(Array.from({ length: 50 }, (_, i) => counter.hit(`test:burst:${i % 2}`, 60)));
      for (const key of [0, 1]) {
        const positions = counts.filter((_, i) => i % 2 === key).map((c) => c.hits);
        assert.deepEqual([...positions].sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i + 1));
      }
      assert.ok(counts.every((c) => c.retryAfter >= 1 && c.retryAfter <= 60));
      assert.ok(statements < 50, `${statements} statements for 50 hits`);
      const [row] = await t.db.query<{ hits: number }>("SELECT hits FROM rate_limits WHERE key = 'test:burst:0'");
      assert.equal(row!.hits, 25);
    });

    test("a caller's clock: the window restarts once it has passed, peek counts nothing", async () => {
      const counter = createCounter(t.db);
      const start = new Date('2026-01-01T00:00:00Z');
      const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
      assert.deepEqual(await counter.hit('test:clock', 30, at(0)), { hits: 1, retryAfter: 30 });
      assert.deepEqual(await counter.hit('test:clock', 30, at(10)), { hits: 2, retryAfter: 20 });
      assert.deepEqual(await counter.peek('test:clock', 30, at(29.5)), { hits: 2, retryAfter: 1 });
      assert.deepEqual(await counter.peek('test:clock', 30, at(29.5)), { hits: 2, retryAfter: 1 }, 'peek does not count');
      assert.equal(await counter.peek('test:clock', 30, at(30)), undefined, 'the window is over');
      assert.deepEqual(await counter.hit('test:clock', 30, at(30)), { hits: 1, retryAfter: 30 });
      await counter.forgetPrefix('test:cl');
      assert.equal(await counter.peek('test:clock', 30, at(31)), undefined);
    });

    test('a fixed limit: allowed up to the limit, then refused with Retry-After; reset clears it', async () => {
      const limit = createLimit(t.db, { prefix: 'test-limit', limit: 2, windowSeconds: 60 });
      assert.deepEqual(await limit.hit('k'), { allowed: true, retryAfter: 0 });
      assert.equal(await limit.retryAfter('k'), 0);
      assert.deepEqual(await limit.hit('k'), { allowed: true, retryAfter: 0 });
      assert.ok((await limit.retryAfter('k')) > 0, 'at the limit, the next one must wait');
      const refused = await limit.hit('k');
      assert.equal(refused.allowed, false);
      assert.ok(refused.retryAfter > 0 && refused.retryAfter <= 60);
      await limit.reset('k');
      assert.deepEqual(await limit.hit('k'), { allowed: true, retryAfter: 0 });
    });

    test('rows read along: one statement counts the hits and reads them; a read that fails leaves the count exact', async () => {
      const sent: string[] = [];
      const counting: Queryable = { query: (sql, params, options) => (sent.push(sql), t.db.query(sql, params, options)), exec: (sql) => t.db.exec(sql) };
      // A division by zero for the id 'boom' (4 characters): the read fails, the count must not.
      const counter = createCounter(counting, { name: 'test_count_along', select: `SELECT k, json_build_object('id', k, 'n', 1 / (length(k) - 4)) FROM unnest($ids) AS k WHERE k <> 'missing'` });
      const [a, b, plain] = await Promise.all([counter.hit('test:along', 60, undefined, 'client-a'), counter.hit('test:along', 60, undefined, 'missing'), counter.hit('test:along', 60)]);
      const seen = (counts: Count[]) => counts.map(({ hits, along }) => (along === undefined ? { hits } : { hits, along }));
      assert.deepEqual(seen([a, b, plain]), [{ hits: 1, along: { id: 'client-a', n: 0 } }, { hits: 2, along: null }, { hits: 3 }]);
      assert.equal(sent.length, 1, sent.join('\n'));
      const [failed, next] = await Promise.all([counter.hit('test:along', 60, undefined, 'boom'), counter.hit('test:along:2', 60, undefined, 'client-b')]);
      assert.deepEqual(seen([failed, next]), [{ hits: 4 }, { hits: 1 }], 'counted, nothing read');
      const [row] = await t.db.query<{ hits: number }>("SELECT hits FROM rate_limits WHERE key = 'test:along'");
      assert.equal(row!.hits, 4);
    });

    test('a database failure rejects every hit of the statement', async () => {
      const failing: Queryable = { query: () => Promise.reject(new Error('connection lost')), exec: () => Promise.reject(new Error('connection lost')) };
      const counter = createCounter(failing);
      const results = await Promise.allSettled([counter.hit('test:down', 60), counter.hit('test:down', 60), counter.hit('test:down:2', 60)]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected', 'rejected'],
      );
    });
  });
}
