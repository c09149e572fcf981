// Two full `lightgate start` processes on one PostgreSQL database, same secrets and issuer, each
// reached on its own ports: a flow begun on one finishes on the other, tokens work across them,
// revocation, suspension and key rotation reach the other within 5 s, and rate limits are shared.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { createPostgresDatabase } from '../support/databases.ts';
import { CLI, eventually, SHARED_SECRETS, startLightgate, type LightgateProcess } from './support/lightgate-process.ts';
import { registerClient } from '../support/clients.ts';
import { graphql } from '../support/graphql.ts';
import { createBrowser } from '../support/http-browser.ts';
import { tokenRequest } from '../support/tokens.ts';
import { authorizeUrl, pkce, signInThroughLoginUi } from '../support/ui-sign-in.ts';

const CALLBACK = 'http://127.0.0.1:9/cb';
const run = promisify(execFile);

describe('two processes on one PostgreSQL database', { timeout: 120_000 }, () => {
  let database: { url: string; drop(): Promise<void> };
  let a: LightgateProcess;
  let b: LightgateProcess;
  const env = () => ({ DATABASE_URL: database.url, RATE_LIMIT_CLIENT: '40', LOG_LEVEL: 'debug' });

  before(async () => {
    database = await createPostgresDatabase();
    a = await startLightgate({ env: env() });
    b = await startLightgate({ env: { ...env(), URLS_SELF_ISSUER: a.env.URLS_SELF_ISSUER! } });
  });
  after(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  /** Sends the browser to process `to` wherever the shared issuer URL points. */
  const onto = (to: LightgateProcess) => (u: URL) => (u.origin === a.urls.public ? new URL(u.pathname + u.search, to.urls.public) : u);

  async function signIn(client: { client_id: string }, email: string) {
    const p = pkce();
    const callback = await signInThroughLoginUi(createBrowser(), {
      // Begun on A (authorization request, login app), finished on B (verifiers, consent, code).
      via: { start: onto(a), afterLogin: onto(b) },
      authorizeUrl: authorizeUrl(a.urls.public, client.client_id, CALLBACK, 'openid offline_access read write', p),
      redirectUri: CALLBACK,
      email,
      outboxes: [a.dataDir, b.dataDir],
    });
    assert.equal(callback.searchParams.get('iss'), a.env.URLS_SELF_ISSUER, 'the shared issuer');
    return { code: callback.searchParams.get('code')!, verifier: p.verifier };
  }

  const me = (p: LightgateProcess, token: string) => graphql(p.urls.api, { 'oauth2-token': token }, '{ me { id } }');

  test('a flow begun on one finishes on the other; its tokens work at both APIs; a grant revoked on one is refused by the other within 5 s', async () => {
    const client = await registerClient(a.urls.admin, CALLBACK);
    const { code, verifier } = await signIn(client, 'scale@example.com');
    // The code issued by B is redeemed at A.
    const tokens = await tokenRequest({ publicUrl: a.urls.public }, client, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    const atA = await me(a, tokens.body.access_token!);
    const atB = await me(b, tokens.body.access_token!);
    assert.equal(atA.status, 200, JSON.stringify(atA.body));
    assert.equal(atB.status, 200, JSON.stringify(atB.body));
    assert.equal(atA.body.data?.me.id, atB.body.data?.me.id);
    // Refreshed at B, the new token works at A.
    const refreshed = await tokenRequest({ publicUrl: b.urls.public }, client, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal((await me(a, refreshed.body.access_token!)).status, 200);
    assert.equal((await me(b, refreshed.body.access_token!)).status, 200);

    // Revoke the grant on A's admin API: B's API refuses the token within 5 s.
    const subject = atA.body.data?.me.id as string;
    const revoked = await fetch(`${a.urls.admin}/admin/oauth2/auth/sessions/consent?subject=${encodeURIComponent(subject)}&client=${encodeURIComponent(client.client_id)}`, { method: 'DELETE' });
    assert.equal(revoked.status, 204);
    const took = await eventually(async () => (await me(b, refreshed.body.access_token!)).status === 401, 5000);
    assert.ok(took <= 5000, `refused after ${took} ms`);
    const refresh = await tokenRequest({ publicUrl: b.urls.public }, client, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token! });
    assert.equal(refresh.status, 400, 'the refresh token of the revoked grant is refused at B');
  });

  test('a client suspended on one process is refused by the other within 5 s', async () => {
    const client = await registerClient(b.urls.admin, CALLBACK, { client_name: 'to be suspended' });
    const { code, verifier } = await signIn(client, 'suspend@example.com');
    const tokens = await tokenRequest({ publicUrl: b.urls.public }, client, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal((await me(b, tokens.body.access_token!)).status, 200, 'B has the token cached');
    const suspended = await fetch(`${a.urls.admin}/admin/clients/${encodeURIComponent(client.client_id)}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'suspended' }) });
    assert.equal(suspended.status, 200);
    const took = await eventually(async () => (await me(b, tokens.body.access_token!)).status === 401, 5000);
    assert.ok(took <= 5000);
    const refresh = await tokenRequest({ publicUrl: b.urls.public }, client, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! });
    assert.ok(refresh.status === 400 || refresh.status === 401, `B refuses the suspended client at the token endpoint: ${refresh.status}`);
    const start = await fetch(authorizeUrl(b.urls.public, client.client_id, CALLBACK, 'openid', pkce()), { redirect: 'manual' });
    assert.ok(start.status >= 400 && start.status < 500, `B refuses to start a flow for it: ${start.status}`);
  });

  test('a key rotated with `lightgate keys rotate` is served by both within 5 s', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'keys', 'rotate'], { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: database.url, LIGHTGATE_DATA_DIR: a.dataDir, ...SHARED_SECRETS } });
    const kid = /new signing key ([A-Za-z0-9_-]+)/.exec(stdout)?.[1];
    assert.ok(kid, stdout);
    const served = async (p: LightgateProcess) => ((await (await fetch(`${p.urls.public}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.some((k) => k.kid === kid);
    const reloads = (p: LightgateProcess) => p.logs.filter((l) => /signing key/.test(l)).join('\n');
    await Promise.all(
      [a, b].map((p) =>
        eventually(() => served(p), 5000).catch(async (error: Error) => {
          const kids = await fetch(`${p.urls.public}/.well-known/jwks.json`).then((r) => r.text());
          throw new Error(`${error.message}: ${kid} not in ${kids}\n${reloads(p)}`);
        }),
      ),
    );
  });

  test('request-rate limits are shared: the 41st request of one client is refused, whichever process it reaches', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await graphql(i % 2 ? a.urls.api : b.urls.api, { 'x-api-key': 'lg_shared_limit_probe' }, '{ me { id } }')).status);
    assert.ok(statuses.slice(0, 40).every((s) => s === 401), statuses.join(','));
    assert.equal(statuses[40], 429);
  });

  test('an API-only process serves the tokens of the auth processes and /metrics on its own admin port', async () => {
    const client = await registerClient(a.urls.admin, CALLBACK, { client_name: 'api only' });
    const { code, verifier } = await signIn(client, 'apionly@example.com');
    const tokens = await tokenRequest({ publicUrl: a.urls.public }, client, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
    assert.equal(tokens.status, 200);
    // Introspection goes over HTTP to process A's admin API.
    const apiOnly = await startLightgate({ env: { ...env(), LIGHTGATE_SERVICES: 'api', URLS_SELF_ADMIN: a.urls.admin, LOG_LEVEL: 'warn' } });
    try {
      assert.equal((await me(apiOnly, tokens.body.access_token!)).status, 200);
      const metrics = await fetch(`${apiOnly.urls.admin}/metrics`);
      assert.equal(metrics.status, 200);
      const text = await metrics.text();
      assert.match(text, /^lightgate_http_requests_total\{service="api",method="POST",route="\/graphql",status="200"\} [1-9]/m);
      assert.match(text, /^lightgate_db_pool_connections\{database="main"\} \d+/m);
      assert.equal((await fetch(`${apiOnly.urls.admin}/health/ready`)).status, 200);
      assert.equal((await fetch(`${apiOnly.urls.admin}/admin/clients`)).status, 404, 'no admin API in this process');
    } finally {
      await apiOnly.stop();
    }
  });

  test('both processes logged JSON with request ids, and no token, code or secret', async () => {
    const lines = [...a.logs, ...b.logs].filter((l) => l.startsWith('{'));
    assert.ok(lines.length > 20);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(parsed.some((l) => typeof l.requestId === 'string'));
    const text = lines.join('\n');
    // Every token-like value handed out in these tests is a long base64url string: none may be logged.
    for (const m of text.matchAll(/"(?:access_token|refresh_token|id_token|code|client_secret|authToken|apiKey)":"([^"]*)"/g)) assert.equal(m[1], '[redacted]', m[0]);
    assert.doesNotMatch(text, /ory_(at|rt|ac)_[A-Za-z0-9_-]{10,}/);
    assert.doesNotMatch(text, /[?&](code|login_verifier|consent_verifier)=[A-Za-z0-9_-]{10,}/, 'no code or verifier in a logged URL');
  });
});
