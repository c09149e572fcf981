// Operating the auth server: the lightgate command (migrate, keys rotate), key rotation seen by a running
// server, secrets hashed at rest, readiness following the database.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { OAuth2Api } from '@ory/hydra-client';
import * as jose from 'jose';
import pg from 'pg';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import { createBrowser, exchange, runFlow } from '../support/tokens.ts';
import { UNREACHABLE_UI } from '../support/auth-target.ts';
import { postgresAdminUrl } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { seedDemoUser } from '../../src/wallet/app/seed-demo-user.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

function lightgate(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['bin/lightgate.js', ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function jwks(issuer: string): Promise<{ keys: jose.JWK[] }> {
  return (await fetch(`${issuer}/.well-known/jwks.json`)).json() as Promise<{ keys: jose.JWK[] }>;
}

describe('operations on PostgreSQL', () => {
  let t: TestStack;
  let admin: OAuth2Api;
  let env: Record<string, string>;
  const target = () => ({ kind: 'lightgate' as const, name: 'ops', ...UNREACHABLE_UI, publicUrl: t.urls.issuer, adminUrl: t.stack.listening.admin!, stop: async () => {} });

  before(async () => {
    t = await startTestStack({ kind: 'postgres', env: { LIGHTGATE_SERVICES: 'auth', URLS_LOGIN: UNREACHABLE_UI.loginUrl, URLS_CONSENT: UNREACHABLE_UI.consentUrl, URLS_LOGOUT: UNREACHABLE_UI.logoutUrl } });
    admin = adminApi(target());
    env = { DATABASE_URL: t.database.url!, LIGHTGATE_DATA_DIR: t.dataDir };
  });
  after(() => t?.close());

  it('`lightgate migrate` reports an up-to-date database; a bad variable stops with its name', () => {
    const migrate = lightgate(['migrate'], env);
    assert.equal(migrate.status, 0, migrate.stderr);
    assert.match(migrate.stdout, /up to date/);
    const bad = lightgate(['migrate'], { ...env, SERVE_PUBLIC_PORT: 'not-a-port' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /SERVE_PUBLIC_PORT/);
    const usage = lightgate(['nonsense'], env);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /Usage: lightgate/);
  });

  it('`lightgate keys rotate`: the running server publishes the new key, signs with it, and old tokens still verify', async () => {
    const c = await createClient(admin);
    const rp = await relyingParty(target(), c);
    const before = await exchange(rp, await runFlow(createBrowser(), target(), admin, rp, { scope: 'openid offline_access read' }));
    const oldKid = jose.decodeProtectedHeader(before.id_token!).kid;
    assert.equal((await jwks(t.urls.issuer)).keys.length, 1);
    for (const key of (await jwks(t.urls.issuer)).keys) assert.equal(key.d, undefined, 'no private parts in the JWKS');

    const rotate = lightgate(['keys', 'rotate'], env);
    assert.equal(rotate.status, 0, rotate.stderr);
    let published: jose.JWK[] = [];
    for (let i = 0; i < 60 && published.length < 2; i++) {
      published = (await jwks(t.urls.issuer)).keys;
      if (published.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(published.length, 2, 'the running server serves the rotated key within seconds (NOTIFY)');
    assert.notEqual(published[0]!.kid, oldKid, 'the new key comes first');

    const keySet = jose.createLocalJWKSet({ keys: published });
    await jose.jwtVerify(before.id_token!, keySet, { issuer: t.urls.issuer, audience: c.client_id });
    const refreshed = await (await import('openid-client')).refreshTokenGrant(rp, before.refresh_token!);
    assert.equal(jose.decodeProtectedHeader(refreshed.id_token!).kid, published[0]!.kid, 'new ID tokens are signed with the new key');
    await jose.jwtVerify(refreshed.id_token!, keySet, { issuer: t.urls.issuer, audience: c.client_id });
  });

  it('serves the wallet funding route on the admin port', async () => {
    const demo = await seedDemoUser(t.stack.db, 'ops-demo@example.com');
    const btc = demo.wallets.find((w) => w.currency === 'BTC')!;
    const res = await fetch(`${t.stack.listening.admin}/admin/wallets/${btc.id}/fund`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 2500 }) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as { balance: number }).balance, btc.balance + 2500);
    const bad = await fetch(`${t.stack.listening.admin}/admin/wallets/${btc.id}/fund`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: -1 }) });
    assert.equal(bad.status, 400);
  });

  it('keeps client secrets and signing keys only in hashed or encrypted form', async () => {
    const c = await createClient(admin);
    const rows = await t.stack.db.query<{ row: string }>('SELECT row_to_json(c)::text AS row FROM oauth2_clients c WHERE client_id = $1', [c.client_id]);
    assert.equal(rows.length, 1);
    assert.ok(!rows[0]!.row.includes(c.client_secret), 'the secret is not stored');
    assert.match(rows[0]!.row, /sha256:/);
    const keys = await t.stack.db.query<{ encrypted_jwk: string }>('SELECT encrypted_jwk FROM signing_keys');
    for (const k of keys) assert.equal(k.encrypted_jwk.split('.').length, 5, 'a compact JWE, not a JWK');
  });

  it('reports not ready while the database is unreachable, alive all the same', async () => {
    const other = await startTestStack({ kind: 'postgres', env: { LIGHTGATE_SERVICES: 'auth' } });
    try {
      const admin2 = other.stack.listening.admin!;
      assert.equal((await fetch(`${other.urls.issuer}/health/ready`)).status, 200);
      const name = new URL(other.database.url!).pathname.slice(1);
      const c = new pg.Client({ connectionString: await postgresAdminUrl() });
      await c.connect();
      await c.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      try {
        for (const base of [other.urls.issuer, admin2]) {
          const ready = await fetch(`${base}/health/ready`);
          assert.equal(ready.status, 503, base);
          assert.ok(((await ready.json()) as { errors: object }).errors);
          assert.equal((await fetch(`${base}/health/alive`)).status, 200);
        }
        const clients = await fetch(`${admin2}/admin/clients`);
        assert.equal(clients.status, 503, 'the admin API answers 503, not 500');
      } finally {
        await c.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
        await c.end();
      }
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await fetch(`${other.urls.issuer}/health/ready`)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status, 200, 'ready again once the database is back');
    } finally {
      await other.close();
    }
  });
});
