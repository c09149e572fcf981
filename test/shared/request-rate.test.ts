// The request-rate plugin (src/shared/limits/request-rate.ts) with a row read along (issue 18: the authorization
// request's client in its counting statement): the limit is the same (429 with Retry-After past it, refused
// requests counted, shared by every process on the database), and the row reaches only requests let through.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Queryable } from '../../src/db/database.ts';
import { rateLimitPlugin, type RequestReadAlong } from '../../src/shared/limits/request-rate.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

for (const kind of DATABASE_KINDS) {
  describe(`request rate with a row read along (${kind})`, () => {
    let t: TestDatabase;
    before(async () => (t = await createTestDatabase(kind)));
    after(() => t?.drop());

    /** A server (one process's plugin and counter) sending its statements through `sent`. */
    function server(sent: string[], found: unknown[]): FastifyInstance {
      const db: Queryable = { query: (sql, params, options) => (sent.push(sql), t.db.query(sql, params, options)), exec: (sql) => t.db.exec(sql) };
      const readAlong: RequestReadAlong = {
        name: 'test_rate_count_along',
        select: `SELECT k, json_build_object('id', k) FROM unnest($ids) AS k WHERE k <> 'missing'`,
        idOf: (request) => (request.query as { id?: string }).id,
        found: (_request, id, row) => found.push({ id, row }),
      };
      const app = Fastify();
      void app.register(rateLimitPlugin, { db, limits: { perIp: 3, perClient: 0, windowSeconds: 60 }, readAlong });
      app.get('/x', async () => 'ok');
      return app;
    }

    test('past the limit: 429 with Retry-After, the refused requests counted, the row only for requests let through', async () => {
      const sent: string[] = [], found: unknown[] = [];
      const app = server(sent, found);
      const replies = [];
      for (const id of ['a', 'missing', 'b', 'c', 'd']) replies.push(await app.inject({ url: `/x?id=${id}`, remoteAddress: '192.0.2.10' }));
      assert.deepEqual(replies.map((r) => r.statusCode), [200, 200, 200, 429, 429]);
      const retryAfter = Number(replies[3]!.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
      assert.deepEqual(found, [{ id: 'a', row: { id: 'a' } }, { id: 'missing', row: null }, { id: 'b', row: { id: 'b' } }]);
      // One statement per request: the count and the read together.
      assert.equal(sent.length, 5, sent.join('\n'));
      assert.ok(sent.every((s) => /INSERT INTO rate_limits/.test(s) && /json_build_object/.test(s)));
      const [row] = await t.db.query<{ hits: number }>("SELECT hits FROM rate_limits WHERE key LIKE 'http:ip:%' AND key LIKE '%192.0.2.10%'");
      assert.equal(row!.hits, 5, 'refused requests are counted');
      await app.close();
    });

    test('two processes share the limit', async () => {
      const one = server([], []), two = server([], []);
      const statuses = [];
      for (const app of [one, two, one, two]) statuses.push((await app.inject({ url: '/x?id=a', remoteAddress: '192.0.2.11' })).statusCode);
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      await Promise.all([one.close(), two.close()]);
    });
  });
}
