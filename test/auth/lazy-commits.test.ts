// Issue 18: three statements of a sign-in commit without waiting for their WAL flush (synchronous_commit off for
// that transaction alone: set_config's is_local): the authorization request's interaction and the one-statement
// accepts of login and consent (src/auth/oidc/lazy-commit.ts). Every other write (the verifier legs that take the
// verifiers, sessions, grants, codes, tokens) commits as the database is configured. The challenge is stored before
// the browser is sent on, and the flow completes on it. An engine that refuses the setting (a PostgreSQL-wire
// engine without it) gets the plain statements.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import type { AuthTarget } from '../support/auth-target.ts';
import { DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';
import { startWrappedAuthStack, type WrappedAuthStack } from '../support/wrapped-auth-stack.ts';
import { authorizationUrl, createBrowser, exchange, leave, param, runFlow } from '../support/tokens.ts';

type Sent = { sql: string; params: readonly unknown[] };
const LAZY = /set_config\('synchronous_commit', 'off', true\)/;

function logging(db: Database, log: Sent[], refuseLazy = false): Database {
  return Object.assign(Object.create(db) as Database, {
    query: ((sql, params, options) => {
      log.push({ sql, params: params ?? [] });
      if (refuseLazy && LAZY.test(sql)) return Promise.reject(Object.assign(new Error('unrecognized configuration parameter "synchronous_commit"'), { code: '42704' }));
      return db.query(sql, params, options);
    }) satisfies Database['query'],
  });
}

const marksPending = (s: Sent) => /INSERT INTO handled_challenges/.test(s.sql) && /ok AS/.test(s.sql);
const writesInteraction = (s: Sent) => /INSERT INTO oidc_payloads/.test(s.sql) && s.params.some((p, i) => (i === 0 && p === 'Interaction') || (Array.isArray(p) && p.includes('Interaction')));

for (const kind of DATABASE_KINDS) {
  describe(`the authorization request's interaction and the accepts commit asynchronously (${kind})`, () => {
    const log: Sent[] = [];
    let running: WrappedAuthStack | undefined;
    let database: TestDatabase;
    let target: AuthTarget;
    before(async () => {
      running = await startWrappedAuthStack(kind, (db) => logging(db, log));
      ({ database, target } = running);
    });
    after(() => running?.close());

    test('the interaction write is lazy and stored before the redirect; in a whole flow only it and the two accepts are', async () => {
      const admin = adminApi(target);
      const rp = await relyingParty(target, await createClient(admin));
      const b = createBrowser();
      const auth = await authorizationUrl(rp);
      const setting = async () => (await database.db.query<{ synchronous_commit: string }>('SHOW synchronous_commit'))[0]!.synchronous_commit;
      const initial = await setting();
      log.length = 0;
      const atLogin = await leave(b, target, auth.url);
      const challenge = param(atLogin, 'login_challenge');
      const writes = log.filter(writesInteraction);
      assert.equal(writes.length, 1, JSON.stringify(log.map((s) => s.sql.slice(0, 120))));
      assert.match(writes[0]!.sql, LAZY);
      assert.equal(log.filter((s) => LAZY.test(s.sql)).length, 1);
      const stored = await database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM oidc_payloads WHERE model = 'Interaction' AND id = $1", [challenge]);
      assert.equal(stored[0]!.n, 1, 'the challenge is stored when the browser reaches the login app');
      // For that transaction alone: the connection keeps its setting (PGlite has one connection).
      assert.equal(await setting(), initial);

      // A whole sign-in and its code exchange: nothing else is lazy.
      log.length = 0;
      const flow = await runFlow(createBrowser(), target, admin, rp);
      const tokens = await exchange(rp, flow);
      assert.ok(tokens.access_token);
      const lazy = log.filter((s) => LAZY.test(s.sql));
      assert.equal(lazy.length, 3, 'the authorization request and the two accepts only');
      assert.ok(writesInteraction(lazy[0]!));
      assert.deepEqual(lazy.slice(1).map((s) => marksPending(s) && /'(login|consent)'/.exec(s.sql)?.[1]), ['login', 'consent']);
      assert.equal(await setting(), initial, 'the connection keeps its setting after the accepts');
    });
  });

  describe(`an engine that refuses the setting gets the plain write (${kind})`, () => {
    const log: Sent[] = [];
    let running: WrappedAuthStack | undefined;
    before(async () => {
      running = await startWrappedAuthStack(kind, (db) => logging(db, log, true));
    });
    after(() => running?.close());

    test('the first authorization request falls back once, later statements are plain, and the flow completes', async () => {
      const { database, target } = running!;
      const admin = adminApi(target);
      const rp = await relyingParty(target, await createClient(admin));
      log.length = 0;
      const challenge = param(await leave(createBrowser(), target, (await authorizationUrl(rp)).url), 'login_challenge');
      assert.deepEqual(log.filter(writesInteraction).map((s) => LAZY.test(s.sql)), [true, false]);
      const stored = await database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM oidc_payloads WHERE model = 'Interaction' AND id = $1", [challenge]);
      assert.equal(stored[0]!.n, 1);
      log.length = 0;
      const flow = await runFlow(createBrowser(), target, admin, rp);
      assert.ok((await exchange(rp, flow)).access_token);
      assert.equal(log.filter((s) => LAZY.test(s.sql)).length, 0);
    });
  });
}
