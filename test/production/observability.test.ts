// Observability and limits on a whole in-process stack (PGlite): /metrics on the admin port, the
// request id through the login app → admin API hop and in-process calls, no secret in the logs
// after a whole flow, and the 413 / 431 / 429 limits on every server.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/shared/logger.ts';
import { deleteFinishedWindows } from '../../src/shared/limits/request-rate.ts';
import { startStack } from '../../src/main/stack.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { loopbackEnv } from '../support/stack.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from '../../src/main/stack.ts';
import { registerClient } from '../support/clients.ts';
import { graphql } from '../support/graphql.ts';
import { createBrowser } from '../support/http-browser.ts';
import { tokenRequest } from '../support/tokens.ts';
import { authorizeUrl, pkce, signInThroughLoginUi } from '../support/ui-sign-in.ts';
import { signUp } from '../support/users.ts';

const CALLBACK = 'http://127.0.0.1:9/cb';

interface Running {
  stack: Stack;
  database: TestDatabase;
  dataDir: string;
  logs: string[];
  urls: { public: string; admin: string; ui: string; api: string };
}

/** A stack whose login app reaches the admin API over HTTP (HYDRA_ADMIN_URL), logs captured at debug level. */
async function start(env: Record<string, string> = {}): Promise<Running> {
  const database = await createTestDatabase('pglite');
  const dataDir = mkdtempSync(join(tmpdir(), 'lightgate-obs-'));
  const ports = await loopbackEnv(dataDir);
  const config = loadConfig({
    ...ports,
    LOG_LEVEL: 'debug',
    LIGHTGATE_SERVICES: 'auth,api,ui',
    HYDRA_ADMIN_URL: `http://127.0.0.1:${ports.SERVE_ADMIN_PORT}`,
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const stack = await startStack(config, { db: database.db, logger: createLogger('debug', 'lightgate', sink) });
  return { stack, database, dataDir, logs, urls: { public: ports.URLS_SELF_ISSUER!, admin: `http://127.0.0.1:${ports.SERVE_ADMIN_PORT}`, ui: ports.URLS_UI!, api: ports.URLS_API! } };
}

async function stop(r: Running | undefined) {
  if (!r) return;
  await r.stack.close();
  await r.database.drop();
  rmSync(r.dataDir, { recursive: true, force: true });
}

/** A raw HTTP request (fetch would refuse some of what these tests send). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('observability', () => {
  let r: Running;
  before(async () => {
    r = await start();
  });
  after(() => stop(r));

  test('a whole flow: request ids cross services, and no secret, token, code or API key reaches the logs', async () => {
    const client = await registerClient(r.urls.admin, CALLBACK);
    const p = pkce();
    const b = createBrowser();
    const same = (u: URL) => u;
    const callback = await signInThroughLoginUi(b, {
      via: { start: same, afterLogin: same },
      authorizeUrl: authorizeUrl(r.urls.public, client.client_id, CALLBACK, 'openid offline_access read write', p),
      redirectUri: CALLBACK,
      email: 'observed@example.com',
      outboxes: [r.dataDir],
    });
    const code = callback.searchParams.get('code')!;
    const tokens = await tokenRequest({ publicUrl: r.urls.public }, client, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: p.verifier });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    const refreshed = await tokenRequest({ publicUrl: r.urls.public }, client, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! });
    assert.equal(refreshed.status, 200);
    const me = await graphql(r.urls.api, { 'oauth2-token': refreshed.body.access_token!, 'x-request-id': 'flow-me-1' }, '{ me { id } }');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.headers.get('x-request-id'), 'flow-me-1');
    // API keys are minted only in a first-party session (FIRST_PARTY_ONLY for app tokens).
    const keyholder = await signUp(r.urls.api, r.dataDir, 'keyholder@example.com');
    const key = await graphql(r.urls.api, keyholder.session, 'mutation { apiKeyCreate(input: { name: "k", scopes: [READ] }) { apiKeySecret apiKey { id } } }');
    const apiKey = key.body.data?.apiKeyCreate?.apiKeySecret as string | undefined;
    assert.ok(apiKey, JSON.stringify(key.body));
    assert.equal((await graphql(r.urls.api, { 'x-api-key': apiKey }, '{ me { id } }')).status, 200);
    const revoked = await fetch(`${r.urls.public}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ token: refreshed.body.refresh_token! }),
    });
    assert.equal(revoked.status, 200);
    const replay = await tokenRequest({ publicUrl: r.urls.public }, client, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: p.verifier });
    assert.equal(replay.status, 400);

    // The login app's call to the admin API carries the browser request's id: both services log it.
    const loginPage = await fetch(`${r.urls.ui}/login?login_challenge=not-a-real-challenge`, { headers: { 'x-request-id': 'flow-ui-42' } });
    assert.equal(loginPage.headers.get('x-request-id'), 'flow-ui-42');
    await loginPage.text();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const tagged = r.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === 'flow-ui-42' && l.msg === 'request completed');
    assert.ok(tagged.some((l) => l.service === 'ui'), 'the login app logged the request id');
    assert.ok(tagged.some((l) => l.service === undefined), `the admin API logged the login app's request id: ${JSON.stringify(tagged)}`);
    // A generated id when the caller sends none or a bad one.
    const bad = await fetch(`${r.urls.api}/health/alive`, { headers: { 'x-request-id': 'has spaces and <script>' } });
    assert.match(bad.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);

    const secrets = {
      client_secret: client.client_secret,
      code,
      code_verifier: p.verifier,
      access_token: tokens.body.access_token!,
      refresh_token: tokens.body.refresh_token!,
      id_token: tokens.body.id_token!,
      refreshed_access_token: refreshed.body.access_token!,
      refreshed_refresh_token: refreshed.body.refresh_token!,
      api_key: apiKey,
      email_code: (await import('../support/users.ts')).lastCode(r.dataDir, 'observed@example.com'),
    };
    const text = r.logs.join('\n');
    assert.ok(r.logs.length > 50, `logs were captured (${r.logs.length} lines)`);
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(value && value.length >= 6, `${name} is known`);
      assert.ok(!text.includes(value), `the ${name} appears in the logs`);
      // Also no recognisable slice of a long token (a truncated or differently encoded copy).
      if (value.length > 24) assert.ok(!text.includes(value.slice(4, 24)), `part of the ${name} appears in the logs`);
    }
    for (const line of r.logs) assert.doesNotThrow(() => JSON.parse(line), 'every log line is JSON');
    assert.doesNotMatch(text, /[?&](code|login_verifier|consent_verifier|login_challenge|consent_challenge)=[A-Za-z0-9_-]{10,}/, 'no code, verifier or challenge in a logged URL');
  });

  test('GET /metrics on the admin port: requests, latency, tokens by grant type, logins, payments, pool', async () => {
    const client = await registerClient(r.urls.admin, CALLBACK, { client_name: 'metrics app' });
    // (The flow of the first test issued tokens by authorization_code and refresh_token.)
    assert.equal((await tokenRequest({ publicUrl: r.urls.public }, { ...client, client_secret: 'wrong' }, { grant_type: 'refresh_token', refresh_token: 'x' })).status, 401);
    assert.equal((await tokenRequest({ publicUrl: r.urls.public }, client, { grant_type: 'refresh_token', refresh_token: 'nope' })).status, 400);
    const sent = await fetch(`${r.urls.api}/auth/email/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'metrics@example.com' }) });
    const emailLoginId = ((await sent.json()) as { result: string }).result;
    await fetch(`${r.urls.api}/auth/email/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emailLoginId, code: '000000' }) });
    assert.equal((await graphql(r.urls.api, { 'x-api-key': 'lg_not_a_key' }, '{ me { id } }')).status, 401);
    const { lastCode } = await import('../support/users.ts');
    const login = await fetch(`${r.urls.api}/auth/email/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emailLoginId, code: lastCode(r.dataDir, 'metrics@example.com') }) });
    const { authToken } = ((await login.json()) as { result: { authToken: string } }).result;
    const session = { authorization: `Bearer ${authToken}` };
    const wallets = (await graphql(r.urls.api, session, '{ me { defaultAccount { wallets { id walletCurrency } } } }')).body.data?.me.defaultAccount.wallets as { id: string; walletCurrency: string }[];
    const btc = wallets.find((w) => w.walletCurrency === 'BTC')!.id;
    const usd = wallets.find((w) => w.walletCurrency === 'USD')!.id;
    const paid = await graphql(r.urls.api, session, 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 1 }) { status errors { code } } }', { w: btc, r: usd });
    assert.equal(paid.body.data?.intraLedgerPaymentSend.status, 'FAILURE', JSON.stringify(paid.body));

    const res = await fetch(`${r.urls.admin}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const m = await res.text();
    const has = (re: RegExp) => assert.match(m, re);
    has(/^lightgate_http_requests_total\{service="api",method="POST",route="\/graphql",status="401"\} \d+/m);
    has(/^lightgate_http_requests_total\{service="public",method="POST",route="\/oauth2\/token",status="200"\} \d+/m);
    has(/^lightgate_http_requests_total\{service="ui",method="GET",route="\/login",status="\d+"\} \d+/m);
    has(/^lightgate_http_request_duration_seconds_bucket\{le="0\.1",service="api",method="POST",route="\/graphql",status="401"\} \d+/m);
    has(/^lightgate_oauth2_token_requests_total\{grant_type="refresh_token",outcome="issued",error="none"\} [1-9]/m);
    has(/^lightgate_oauth2_token_requests_total\{grant_type="authorization_code",outcome="issued",error="none"\} [1-9]/m);
    has(/^lightgate_oauth2_token_requests_total\{grant_type="refresh_token",outcome="refused",error="invalid_grant"\} [1-9]/m);
    has(/^lightgate_oauth2_token_requests_total\{grant_type="refresh_token",outcome="refused",error="invalid_client"\} [1-9]/m);
    has(/^lightgate_logins_total\{channel="email",outcome="success"\} [1-9]/m);
    has(/^lightgate_logins_total\{channel="email",outcome="code_invalid"\} [1-9]/m);
    has(/^lightgate_payments_total\{kind="intraledger",outcome="(AMOUNT_TOO_SMALL|INSUFFICIENT_BALANCE)"\} [1-9]/m);
    has(/^lightgate_db_pool_connections\{database="main"\} \d+/m);
    has(/^lightgate_process_resident_memory_bytes \d+/m);
    // Labels stay bounded whatever the caller sends.
    await fetch(`${r.urls.public}/some/random/${'x'.repeat(40)}`);
    assert.doesNotMatch(await (await fetch(`${r.urls.admin}/metrics`)).text(), /xxxxxxxx/);
  });

  test('GraphQL depth and cost limits answer 400 with a stable code', async () => {
    // __Type.ofType is the schema's recursive path.
    const deep = await graphql(r.urls.api, {}, `{ __schema { types { ${'ofType { '.repeat(16)}name${' }'.repeat(16)} } } }`);
    assert.equal(deep.status, 400);
    assert.equal(deep.body.errors?.[0]?.extensions?.code, 'QUERY_TOO_DEEP');
    const costly = await graphql(r.urls.api, {}, '{ me { defaultAccount { transactions(first: 1000) { edges { node { id memo } } } } } }');
    assert.equal(costly.status, 400);
    assert.equal(costly.body.errors?.[0]?.extensions?.code, 'QUERY_TOO_COSTLY');
    // Too many tokens is refused by the parser, before any work.
    const huge = await graphql(r.urls.api, {}, `{ ${Array.from({ length: 2100 }, (_, i) => `a${i}: globals { network }`).join(' ')} }`);
    assert.equal(huge.status, 400);
  });

  test('413 for bodies over the limit on every server, 431 for oversized headers', async () => {
    const big = (n: number) => 'a'.repeat(n);
    for (const [name, url, size] of [
      ['public', `${r.urls.public}/oauth2/token`, 65 * 1024],
      ['admin', `${r.urls.admin}/admin/clients`, 257 * 1024],
      ['api', `${r.urls.api}/graphql`, 101 * 1024],
      ['ui', `${r.urls.ui}/login`, 17 * 1024],
    ] as const) {
      const res = await raw(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `x=${big(size)}` });
      assert.equal(res.status, 413, `${name}: ${res.status} ${res.body.slice(0, 200)}`);
      assert.doesNotThrow(() => JSON.parse(res.body), `${name}: a JSON error`);
      const header = await raw(url.replace(/\/[^/]*$/, '/health/alive'), { headers: { 'x-big': big(20 * 1024) } });
      assert.equal(header.status, 431, `${name}: ${header.status}`);
    }
  });
});

describe('request-rate limits (429) shared through the database', () => {
  let r: Running;
  before(async () => {
    // The test client is the proxy: X-Forwarded-For names each client (issue 11 #2: only from TRUST_PROXY).
    r = await start({ RATE_LIMIT_IP: '30', RATE_LIMIT_CLIENT: '5', RATE_LIMIT_WINDOW: '60s', TRUST_PROXY: 'loopback' });
  });
  after(() => stop(r));

  test('per client: one API key, one OAuth client', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await graphql(r.urls.api, { 'x-api-key': 'lg_bogus', 'x-forwarded-for': '10.0.0.1' }, '{ me { id } }')).status, 401);
    const limited = await graphql(r.urls.api, { 'x-api-key': 'lg_bogus', 'x-forwarded-for': '10.0.0.2' }, '{ me { id } }');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error, 'too_many_requests');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal((await graphql(r.urls.api, { 'x-api-key': 'lg_other', 'x-forwarded-for': '10.0.0.2' }, '{ me { id } }')).status, 401, 'another client is not limited');
    const basic = { authorization: `Basic ${Buffer.from('some-client:secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${r.urls.public}/oauth2/token`, { method: 'POST', headers: { ...basic, 'x-forwarded-for': '10.1.0.1' }, body: 'grant_type=client_credentials' })).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    // A client_id is public: its budget is counted per address, so others cannot use it up (issue 11 #4).
    assert.equal((await fetch(`${r.urls.public}/oauth2/token`, { method: 'POST', headers: { ...basic, 'x-forwarded-for': '10.1.0.2' }, body: 'grant_type=client_credentials' })).status, 401);
  });

  test('a burst of concurrent requests (counted in shared statements) lets exactly the limit through', async () => {
    const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => graphql(r.urls.api, { 'x-api-key': 'lg_burst', 'x-forwarded-for': `10.2.${i}.1` }, '{ me { id } }').then((x) => x.status)));
    assert.equal(statuses.filter((x) => x === 401).length, 5, statuses.join(','));
    assert.equal(statuses.filter((x) => x === 429).length, 45);
  });

  test('counters of finished windows are swept', async () => {
    const db = r.database.db;
    await db.query(`INSERT INTO rate_limits (key, window_start, hits) VALUES ('http:ip:203.0.113.9', now() - interval '1 hour', 3), ('identity:keep', now() - interval '1 hour', 1)`);
    assert.ok((await deleteFinishedWindows(db, 60)) >= 1);
    assert.deepEqual(await db.query(`SELECT key FROM rate_limits WHERE key IN ('http:ip:203.0.113.9', 'identity:keep')`), [{ key: 'identity:keep' }]);
    assert.ok((await db.query(`SELECT 1 FROM rate_limits WHERE key LIKE 'http:%'`)).length > 0, 'live windows stay');
  });

  test('per IP address, health checks exempt', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await fetch(`${r.urls.api}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.7' }, body: '{"query":"{ globals { network } }"}' })).status);
    assert.ok(statuses.slice(0, 30).every((s) => s !== 429), statuses.join(','));
    assert.equal(statuses[30], 429);
    assert.equal((await fetch(`${r.urls.api}/health/ready`, { headers: { 'x-forwarded-for': '192.0.2.7' } })).status, 200);
    assert.notEqual((await fetch(`${r.urls.api}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.8' }, body: '{"query":"{ globals { network } }"}' })).status, 429);
    const m = await (await fetch(`${r.urls.admin}/metrics`)).text();
    assert.match(m, /^lightgate_rate_limited_total\{service="api",scope="ip"\} [1-9]/m);
  });
});
