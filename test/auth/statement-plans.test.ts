// Issue 18: the auth server's named statements are planned once per PostgreSQL connection, not on every
// execution. PostgreSQL keeps a generic plan only when it costs no more than the plans made for the values at
// hand; a token id list sent as one array (`id = ANY($1::text[])`, assumed 10 long) loses that comparison once
// oidc_payloads holds a few thousand rows, and every execution was planned again (pg_prepared_statements'
// custom_plans). The stack runs on one connection here so the test can read that connection's counters.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { startStack, type Stack } from '../../src/main/stack.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import { loopbackEnv } from '../support/stack.ts';
import { createBrowser, exchange, introspect, runFlow, tokenRequest } from '../support/tokens.ts';

let database: Awaited<ReturnType<typeof createPostgresDatabase>> | undefined;
let stack: Stack | undefined;
let one: Database | undefined;
/** Statements sent without a name (parsed and planned by PostgreSQL each time), while `recording`. */
const unnamed = new Set<string>();
let recording = false;
let target: AuthTarget;
const dataDir = mkdtempSync(join(tmpdir(), 'lightgate-test-'));

before(async () => {
  database = await createPostgresDatabase();
  const db = await openPostgres(database.url, 1);
  one = db;
  await migrate(db);
  const config = loadConfig({
    ...(await loopbackEnv(dataDir)),
    LOG_LEVEL: 'silent',
    LIGHTGATE_SERVICES: 'auth',
    URLS_LOGIN: UNREACHABLE_UI.loginUrl,
    URLS_CONSENT: UNREACHABLE_UI.consentUrl,
    URLS_LOGOUT: UNREACHABLE_UI.logoutUrl,
    DATABASE_URL: database.url,
  });
  const recorder = Object.assign(Object.create(db) as Database, {
    query: ((sql, params, options) => {
      if (recording && !options?.name) unnamed.add(sql.replace(/\s+/g, ' ').trim().slice(0, 100));
      return db.query(sql, params, options);
    }) satisfies Database['query'],
  });
  stack = await startStack(config, { db: recorder, logger: createLogger('silent') });
  target = { kind: 'lightgate', name: 'Lightgate', ...UNREACHABLE_UI, publicUrl: config.urls.issuer, adminUrl: stack.listening.admin!, stop: async () => {} };
  // A deployment's table: rows of other flows, analysed, before this test's flows.
  await db.query(`INSERT INTO oauth2_clients (client_id, metadata) VALUES ('filler', '{}')`);
  await db.query(
    `INSERT INTO oidc_payloads (model, id, payload, grant_id, client_id, subject, uid, expires_at)
     SELECT m, md5(m || g), jsonb_build_object('clientId', 'filler', 'pad', repeat('x', 300)), 'g' || g, 'filler', 's' || g,
            CASE WHEN m IN ('Session', 'Interaction') THEN 'u' || g END, now() + interval '1 hour'
       FROM generate_series(1, 5000) g, unnest(ARRAY['AccessToken', 'RefreshToken', 'Grant', 'Session', 'Interaction', 'AuthorizationCode']) m`,
  );
  await db.query(`INSERT INTO consent_sessions (grant_id, subject, client_id, granted_scope, consent_request) SELECT 'g' || g, 's' || g, 'filler', '{}', '{}' FROM generate_series(1, 5000) g`);
  await db.query('ANALYZE');
});
after(async () => {
  await stack?.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the statements of every step of a sign-in, a refresh and an introspection are named (prepared once per connection)', async () => {
  const admin = adminApi(target);
  const client = await createClient(admin);
  const rp = await relyingParty(target, client);
  await exchange(rp, await runFlow(createBrowser(), target, admin, rp, { subject: 'named-warm' }));
  recording = true;
  const tokens = await exchange(rp, await runFlow(createBrowser(), target, admin, rp, { subject: 'named' }));
  const refreshed = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
  assert.equal((await introspect(admin, refreshed.body.access_token!)).active, true);
  recording = false;
  assert.deepEqual([...unnamed], []);
});

test('every named statement of sign-in, token, refresh and introspection keeps one plan', async () => {
  const admin = adminApi(target);
  const client = await createClient(admin);
  const rp = await relyingParty(target, client);
  for (let i = 0; i < 8; i++) {
    const tokens = await exchange(rp, await runFlow(createBrowser(), target, admin, rp, { subject: `plans-${i}` }));
    const refreshed = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    assert.equal(refreshed.status, 200);
    assert.equal((await introspect(admin, refreshed.body.access_token!)).active, true);
  }
  const rows = await one!.query<{ name: string; generic_plans: string; custom_plans: string }>(
    `SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'lightgate_%' ORDER BY name`,
  );
  assert.ok(rows.some((r) => r.name.startsWith('lightgate_oidc_live_token')), 'introspection ran a named statement');
  // The first five executions are always planned for their values; after that, one generic plan.
  const replanned = rows.filter((r) => Number(r.custom_plans) > 5).map((r) => `${r.name}: ${r.custom_plans} plans for ${Number(r.custom_plans) + Number(r.generic_plans)} executions`);
  assert.deepEqual(replanned, []);
});
