// Issue 19 #5: a database dump or backup must not hand out live bearer values. After a real sign-in
// (openid-client, code flow), neither pg_dump nor a dump of every row holds the code, the access and
// refresh tokens, a client_credentials token or the browser's session cookie; all of them still work.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { OAuth2Api } from '@ory/hydra-client';
import { adminApi, createClient, relyingParty, type TestClient } from '../support/clients.ts';
import { authorizationUrl, createBrowser, exchange, introspect, leave, oidc, param, runFlow, type Browser } from '../support/tokens.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { loopbackEnv, startTestStack, type TestStack } from '../support/stack.ts';
import type { Database } from '../../src/db/database.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startStack, type Stack } from '../../src/main/stack.ts';
import { createLogger } from '../../src/shared/logger.ts';

const AUTH_ONLY = { LIGHTGATE_SERVICES: 'auth', URLS_LOGIN: UNREACHABLE_UI.loginUrl, URLS_CONSENT: UNREACHABLE_UI.consentUrl, URLS_LOGOUT: UNREACHABLE_UI.logoutUrl };
const SESSION_COOKIE = 'lg_session';
const secret = () => randomBytes(32).toString('base64url');

/** Every row of every table, as JSON text (the PGlite "backup"; also run on PostgreSQL). */
async function dumpRows(db: Database): Promise<string> {
  const tables = await db.query<{ name: string }>(
    `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_type = 'BASE TABLE'`,
  );
  assert.ok(tables.some((t) => t.name === 'public.oidc_payloads'));
  const parts: string[] = [];
  for (const { name } of tables) {
    const [row] = await db.query<{ rows: string | null }>(`SELECT json_agg(t)::text AS rows FROM ${name} t`);
    parts.push(`${name}: ${row?.rows ?? ''}`);
  }
  return parts.join('\n');
}

/** pg_dump of the whole test database (schema and data, unlogged tables included). */
function pgDump(url: string): string {
  const r = spawnSync('pg_dump', ['--no-owner', '--dbname', url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /COPY public\.oidc_payloads/);
  return r.stdout;
}

async function assertNotInDumps(t: { db: Database; url: string | undefined }, values: Record<string, string>) {
  const dumps: Record<string, string> = { 'all rows': await dumpRows(t.db) };
  if (t.url) dumps.pg_dump = pgDump(t.url);
  for (const [label, value] of Object.entries(values)) {
    assert.ok(value.length >= 20, `${label} is a real value: ${value}`);
    for (const [dump, text] of Object.entries(dumps)) assert.ok(!text.includes(value), `the ${label} is in the clear in ${dump}`);
  }
}

function target(t: TestStack | { urls: { issuer: string }; stack: Stack }): AuthTarget {
  return { kind: 'lightgate', name: 'tokens at rest', ...UNREACHABLE_UI, publicUrl: t.urls.issuer, adminUrl: t.stack.listening.admin!, stop: async () => {} };
}

interface SignedIn {
  browser: Browser;
  client: TestClient;
  rp: oidc.Configuration;
  code: string;
  tokens: Awaited<ReturnType<typeof exchange>>;
  session: string;
}

async function signIn(t: TestStack, admin: OAuth2Api, subject: string): Promise<SignedIn> {
  const client = await createClient(admin);
  const rp = await relyingParty(target(t), client);
  const browser = createBrowser();
  const flow = await runFlow(browser, target(t), admin, rp, { subject, scope: 'openid offline_access read', remember: true });
  const code = param(flow.callback, 'code');
  const tokens = await exchange(rp, flow);
  assert.ok(tokens.access_token && tokens.refresh_token);
  const session = browser.cookies(new URL(t.urls.issuer).hostname).get(SESSION_COOKIE);
  assert.ok(session, 'the browser holds a session cookie');
  return { browser, client, rp, code, tokens, session };
}

/** The next authorization with the same browser skips login: the session cookie is still recognised. */
async function sessionStillWorks(tgt: AuthTarget, admin: OAuth2Api, s: SignedIn) {
  const rp = await relyingParty(tgt, s.client);
  const atLogin = await leave(s.browser, tgt, (await authorizationUrl(rp)).url);
  const { data } = await admin.getOAuth2LoginRequest({ loginChallenge: param(atLogin, 'login_challenge') });
  assert.equal(data.skip, true, 'the login session is recognised from its cookie');
}

for (const kind of DATABASE_KINDS) {
  describe(`tokens at rest on ${kind}`, () => {
    let t: TestStack;
    let admin: OAuth2Api;
    before(async () => {
      t = await startTestStack({ kind, env: AUTH_ONLY });
      admin = adminApi(target(t));
    });
    after(() => t?.close());

    it('issue 19 #5: a dump after a sign-in holds no raw code, access token, refresh token or session cookie', async () => {
      const s = await signIn(t, admin, `at-rest-${kind}`);
      const first = { code: s.code, 'access token': s.tokens.access_token, 'refresh token': s.tokens.refresh_token!, 'session cookie': s.session };
      await assertNotInDumps({ db: t.stack.db, url: t.database.url }, first);

      // Everything still works when looked up by its hash: introspection, userinfo, refresh, revocation.
      assert.equal((await introspect(admin, s.tokens.access_token)).active, true);
      assert.equal((await introspect(admin, s.tokens.refresh_token!)).active, true);
      const info = await oidc.fetchUserInfo(s.rp, s.tokens.access_token, `at-rest-${kind}`);
      assert.equal(info.sub, `at-rest-${kind}`);
      const refreshed = await oidc.refreshTokenGrant(s.rp, s.tokens.refresh_token!);
      assert.equal((await introspect(admin, s.tokens.refresh_token!)).active, false, 'a used refresh token is spent');
      assert.equal((await introspect(admin, refreshed.access_token)).active, true);
      await sessionStillWorks(target(t), admin, s);

      const m2m = await createClient(admin, { grant_types: ['client_credentials'], scope: 'read', redirect_uris: [] });
      const m2mRp = await relyingParty(target(t), m2m);
      const cc = await oidc.clientCredentialsGrant(m2mRp, { scope: 'read' });
      assert.equal((await introspect(admin, cc.access_token)).active, true);

      await assertNotInDumps(
        { db: t.stack.db, url: t.database.url },
        { ...first, 'refreshed access token': refreshed.access_token, 'refreshed refresh token': refreshed.refresh_token!, 'client_credentials token': cc.access_token },
      );

      await oidc.tokenRevocation(s.rp, refreshed.refresh_token!);
      assert.equal((await introspect(admin, refreshed.refresh_token!)).active, false, 'revocation finds the hashed token');
      assert.equal((await introspect(admin, refreshed.access_token)).active, false, 'and revokes its grant');
    });

    it('issue 19 #5: tokens and sessions stored in the clear before the upgrade are hashed at the next start and keep working', async () => {
      const s = await signIn(t, admin, `legacy-${kind}`);
      // What the previous release stored: the raw value as the row id and as the payload's jti. Migration 0002
      // moved such rows out of the live table; put this sign-in's rows there as it would have.
      const columns = 'model, id, payload, grant_id, uid, user_code, subject, client_id, expires_at, consumed_at';
      const legacy = async (model: string, where: string, value: string, param: string) => {
        const moved = await t.stack.db.query(
          `WITH gone AS (DELETE FROM oidc_payloads WHERE model = $1 AND ${where} = $3 AND consumed_at IS NULL RETURNING *)
           INSERT INTO oidc_payloads_unhashed (${columns})
           SELECT model, $2, payload || jsonb_build_object('jti', $2::text), grant_id, uid, user_code, subject, client_id, expires_at, consumed_at FROM gone RETURNING 1`,
          [model, value, param],
        );
        assert.equal(moved.length, 1, model);
      };
      await legacy('AccessToken', 'client_id', s.tokens.access_token, s.client.client_id);
      await legacy('RefreshToken', 'client_id', s.tokens.refresh_token!, s.client.client_id);
      await legacy('Session', 'subject', s.session, `legacy-${kind}`);
      assert.equal((await introspect(admin, s.tokens.access_token)).active, false, 'not usable until the auth server hashes it');

      // The next start of an auth server (same database, same secrets) hashes them.
      const config = loadConfig({ ...(await loopbackEnv(t.dataDir)), LOG_LEVEL: 'silent', ...(t.database.url ? { DATABASE_URL: t.database.url } : {}), ...AUTH_ONLY });
      const restarted = await startStack(config, { db: t.stack.db, logger: createLogger('silent') });
      try {
        const next = { urls: { issuer: config.urls.issuer }, stack: restarted };
        const admin2 = adminApi(target(next));
        assert.equal((await introspect(admin2, s.tokens.access_token)).active, true);
        assert.equal((await introspect(admin, s.tokens.access_token)).active, true, 'every process sees it');
        const [left] = await t.stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM oidc_payloads_unhashed');
        assert.equal(left!.n, 0);
        await assertNotInDumps({ db: t.stack.db, url: t.database.url }, { 'access token': s.tokens.access_token, 'refresh token': s.tokens.refresh_token!, 'session cookie': s.session });
        await sessionStillWorks(target(t), admin, s);
        const refreshed = await oidc.refreshTokenGrant(s.rp, s.tokens.refresh_token!);
        assert.ok(refreshed.access_token);
      } finally {
        await restarted.close();
      }
    });
  });
}

describe('tokens at rest across a SECRETS_SYSTEM rotation', () => {
  it('issue 19 #5: prepending a new system secret keeps tokens and sessions valid; new ones use the new key', async () => {
    const [oldSecret, newSecret, cookie] = [secret(), secret(), secret()];
    const t = await startTestStack({ kind: 'postgres', env: { ...AUTH_ONLY, SECRETS_SYSTEM: oldSecret, SECRETS_COOKIE: cookie } });
    let rotated: Stack | undefined;
    try {
      const s = await signIn(t, adminApi(target(t)), 'rotation');
      const config = loadConfig({ ...(await loopbackEnv(t.dataDir)), LOG_LEVEL: 'silent', DATABASE_URL: t.database.url!, ...AUTH_ONLY, SECRETS_SYSTEM: `${newSecret},${oldSecret}`, SECRETS_COOKIE: cookie });
      rotated = await startStack(config, { db: t.stack.db, logger: createLogger('silent') });
      const next = { urls: { issuer: config.urls.issuer }, stack: rotated };
      const admin2 = adminApi(target(next));
      assert.equal((await introspect(admin2, s.tokens.access_token)).active, true, 'a token hashed with the old secret is found');
      await sessionStillWorks(target(next), admin2, s);
      const rp2 = await relyingParty(target(next), s.client);
      const refreshed = await oidc.refreshTokenGrant(rp2, s.tokens.refresh_token!);
      assert.equal((await introspect(admin2, refreshed.access_token)).active, true);
      // A process that knows only the old secret cannot find what the new one wrote.
      assert.equal((await introspect(adminApi(target(t)), refreshed.access_token)).active, false);
      await assertNotInDumps({ db: t.stack.db, url: t.database.url }, { 'refreshed access token': refreshed.access_token, 'session cookie': s.session });
    } finally {
      await rotated?.close();
      await t.close();
    }
  });
});
