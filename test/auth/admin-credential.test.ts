// Issue 11 #5 (admin port): the admin API (4445) creates money (/admin/wallets/:id/fund) and manages
// clients. Bound beyond loopback it needs a credential (Bearer or Basic, as the Terraform hydra provider
// and @ory/hydra-client send it); every funding lands in the audit log with who, when and from where.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Configuration, OAuth2Api } from '@ory/hydra-client';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { startStack, type Stack } from '../../src/main/stack.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { seedDemoUser } from '../../src/wallet/app/seed-demo-user.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { loopbackEnv, startTestStack, type TestStack } from '../support/stack.ts';

const TOKEN = 'admin-token-3f9c1e7a5b2d4c6e8f0a1b3c5d7e9f21';
const BASIC_USER = 'terraform';
const BASIC_PASSWORD = 'basic-password-7d1e9a3c5b';
const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
const dataDir = () => mkdtempSync(join(tmpdir(), 'lg-admin-cred-'));

interface AuditRow {
  actor_email: string;
  action: string;
  target: string;
  details: Record<string, unknown> | string;
  at: Date;
}
const details = (row: AuditRow) => (typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : row.details);

test('issue 11 #5: a non-loopback SERVE_ADMIN_HOST without an admin credential is refused', () => {
  for (const host of ['0.0.0.0', '::', '10.0.0.5', 'admin.internal']) {
    assert.throws(
      () => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), SERVE_ADMIN_HOST: host }),
      (e: Error) => e instanceof ConfigError && /SERVE_ADMIN_HOST/.test(e.message) && /ADMIN_API_TOKEN/.test(e.message),
      host,
    );
  }
  for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) assert.doesNotThrow(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), SERVE_ADMIN_HOST: host }), host);
  assert.doesNotThrow(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), SERVE_ADMIN_HOST: '0.0.0.0', ADMIN_API_TOKEN: TOKEN }));
  assert.doesNotThrow(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), SERVE_ADMIN_HOST: '0.0.0.0', ADMIN_API_BASIC: `${BASIC_USER}:${BASIC_PASSWORD}` }));
  // A process without the auth service serves only metrics and health there.
  assert.doesNotThrow(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), SERVE_ADMIN_HOST: '0.0.0.0', LIGHTGATE_SERVICES: 'api' }));
  assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), ADMIN_API_TOKEN: 'short' }), /ADMIN_API_TOKEN/);
  assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), ADMIN_API_BASIC: 'no-password' }), /ADMIN_API_BASIC/);
});

test('issue 11 #5: `lightgate start` refuses an admin port on 0.0.0.0 without a credential (exit 78)', async () => {
  const env = { PATH: process.env.PATH ?? '', ...(await loopbackEnv(dataDir())), LIGHTGATE_SERVICES: 'auth', SERVE_ADMIN_HOST: '0.0.0.0' };
  const run = spawnSync(process.execPath, [CLI, 'start'], { env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 78, run.stderr);
  assert.match(run.stderr, /SERVE_ADMIN_HOST/);
});

for (const kind of DATABASE_KINDS) {
  describe(`issue 11 #5: the admin API with a credential (${kind})`, { timeout: 120_000 }, () => {
    let t: TestStack;
    before(async () => {
      t = await startTestStack({ kind, env: { ADMIN_API_TOKEN: TOKEN, ADMIN_API_BASIC: `${BASIC_USER}:${BASIC_PASSWORD}` } });
    });
    after(async () => t?.close());

    test('issue 11 #5: without a credential, or a wrong one, every admin route answers 401 with WWW-Authenticate', async () => {
      const admin = t.stack.listening.admin!;
      const cases: [string, RequestInit][] = [
        ['/admin/clients', {}],
        ['/admin/clients', { headers: { authorization: 'Bearer wrong-token' } }],
        ['/admin/clients', { headers: { authorization: `Bearer ${TOKEN}x` } }],
        ['/admin/clients', { headers: { authorization: `Basic ${Buffer.from(`${BASIC_USER}:wrong`).toString('base64')}` } }],
        ['/admin/clients', { headers: { authorization: `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}x` } }],
        ['/admin/clients', { headers: { authorization: TOKEN } }],
        ['/admin/oauth2/introspect', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' }],
        ['/metrics', {}],
      ];
      for (const [path, init] of cases) {
        const res = await fetch(`${admin}${path}`, init);
        assert.equal(res.status, 401, `${path} ${JSON.stringify(init.headers)}`);
        assert.match(res.headers.get('www-authenticate') ?? '', /Bearer realm="lightgate-admin"/);
        assert.match(res.headers.get('www-authenticate') ?? '', /Basic realm="lightgate-admin"/);
        assert.equal(((await res.json()) as { error: string }).error, 'unauthorized');
      }
      // Liveness and readiness probes stay open (as on Hydra's admin port).
      assert.equal((await fetch(`${admin}/health/alive`)).status, 200);
      assert.equal((await fetch(`${admin}/health/ready`)).status, 200);
    });

    test('issue 11 #5: @ory/hydra-client reaches it with a Bearer token and with Basic credentials', async () => {
      const bearer = new OAuth2Api(new Configuration({ basePath: t.stack.listening.admin!, baseOptions: { headers: { Authorization: `Bearer ${TOKEN}` } } }));
      const { data: created, status } = await bearer.createOAuth2Client({ oAuth2Client: { client_name: 'cred test', redirect_uris: ['https://app.example/cb'], scope: 'openid read' } });
      assert.equal(status, 201);
      const basic = new OAuth2Api(new Configuration({ basePath: t.stack.listening.admin!, baseOptions: { auth: { username: BASIC_USER, password: BASIC_PASSWORD } } }));
      const { data: read } = await basic.getOAuth2Client({ id: created.client_id! });
      assert.equal(read.client_name, 'cred test');
      const anonymous = new OAuth2Api(new Configuration({ basePath: t.stack.listening.admin! }));
      await assert.rejects(anonymous.getOAuth2Client({ id: created.client_id! }), (e: { response?: { status: number } }) => e.response?.status === 401);
    });

    test('issue 11 #5: a funding without the credential creates no money; with it, the audit log records who, what and from where', async () => {
      const demo = await seedDemoUser(t.stack.db, `fund-audit-${kind}@example.com`);
      const btc = demo.wallets.find((w) => w.currency === 'BTC')!;
      const url = `${t.stack.listening.admin}/admin/wallets/${btc.id}/fund`;
      const body = JSON.stringify({ amount: 4321 });
      const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(refused.status, 401);
      const [before] = await t.stack.db.query<{ balance: number }>('SELECT balance FROM wallets WHERE id = $1', [btc.id]);
      assert.equal(before!.balance, btc.balance, 'no money was created');

      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-request-id': 'fund-req-1' }, body });
      assert.equal(res.status, 200, await res.clone().text());
      const viaBasic = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}` }, body: JSON.stringify({ amount: 7 }) });
      assert.equal(viaBasic.status, 200);

      const rows = await t.stack.db.query<AuditRow>("SELECT actor_email, action, target, details, at FROM portal_audit_log WHERE action = 'wallet.fund' AND target = $1 ORDER BY id", [btc.id]);
      // The demo seed's own funding is audited too (actor 'internal').
      assert.deepEqual(rows.map((r) => r.actor_email), ['internal', 'admin-api:token', `admin-api:${BASIC_USER}`]);
      const d = details(rows[1]!);
      assert.equal(d.amount, 4321);
      assert.equal(d.currency, 'BTC');
      assert.equal(d.request_id, 'fund-req-1');
      assert.equal(d.source_address, '127.0.0.1');
      assert.ok(Date.now() - new Date(rows[1]!.at).getTime() < 60_000);
    });

    test('issue 11 #5: the services of a process without auth reach the protected admin API with the configured credential', async () => {
      const second = async (env: Record<string, string>): Promise<Stack> => {
        const config = loadConfig({ ...(await loopbackEnv(dataDir())), LOG_LEVEL: 'silent', LIGHTGATE_SERVICES: 'ui', URLS_SELF_ADMIN: t.stack.listening.admin!, ...env });
        return startStack(config, { db: t.stack.db, logger: createLogger('silent') });
      };
      const withToken = await second({ HYDRA_ADMIN_TOKEN: TOKEN });
      const own = await second({ ADMIN_API_TOKEN: TOKEN });
      const without = await second({});
      try {
        const ok = await withToken.hydra!.getClient('lightgate-portal');
        assert.ok(ok.ok || ok.error.status === 404, JSON.stringify(ok));
        // Without HYDRA_ADMIN_TOKEN the deployment's own ADMIN_API_TOKEN is sent.
        const viaOwn = await own.hydra!.getClient('lightgate-portal');
        assert.ok(viaOwn.ok || viaOwn.error.status === 404, JSON.stringify(viaOwn));
        const refused = await without.hydra!.getClient('lightgate-portal');
        assert.equal(refused.ok ? 200 : refused.error.status, 401);
        // That process's own admin port (metrics and health) takes the same credential.
        assert.equal((await fetch(`${own.listening.admin}/metrics`)).status, 401);
        assert.equal((await fetch(`${own.listening.admin}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
        assert.equal((await fetch(`${own.listening.admin}/health/alive`)).status, 200);
      } finally {
        await withToken.close();
        await own.close();
        await without.close();
      }
    });
  });
}

test('issue 11 #5: `lightgate wallet fund` is recorded in the audit log as the operator', { timeout: 60_000 }, async () => {
  const t = await startTestStack({ kind: 'postgres' });
  try {
    const demo = await seedDemoUser(t.stack.db, 'cli-fund@example.com');
    const usd = demo.wallets.find((w) => w.currency === 'USD')!;
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LIGHTGATE_DATA_DIR: dataDir(), DATABASE_URL: t.database.url! };
    const run = spawnSync(process.execPath, [CLI, 'wallet', 'fund', '--wallet', usd.id, '--amount', '250'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    const rows = await t.stack.db.query<AuditRow>("SELECT actor_email, action, target, details, at FROM portal_audit_log WHERE action = 'wallet.fund' AND target = $1 ORDER BY id DESC LIMIT 1", [usd.id]);
    assert.equal(rows[0]!.actor_email, `cli:${userInfo().username}`);
    assert.equal(details(rows[0]!).amount, 250);
    assert.equal(details(rows[0]!).currency, 'USD');
  } finally {
    await t.close();
  }
});
