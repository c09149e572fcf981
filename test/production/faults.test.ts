// Faults: the database going away and coming back (a PostgreSQL cluster of the test's own, stopped
// and started with pg_ctl), a process killed with SIGKILL in the middle of a payment load, and SIGTERM
// draining requests in flight.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openPostgres } from '../../src/db/postgres.ts';
import type { Database } from '../../src/db/database.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { assertLedgerConsistent } from '../wallet/helpers.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import { eventually, startLightgate, type LightgateProcess } from './support/lightgate-process.ts';
import { createPgCluster, type PgCluster } from './support/pg-cluster.ts';
import { registerClient } from '../support/clients.ts';
import { graphql } from '../support/graphql.ts';
import { createBrowser } from '../support/http-browser.ts';
import { tokenRequest } from '../support/tokens.ts';
import { authorizeUrl, pkce, signInThroughLoginUi } from '../support/ui-sign-in.ts';
import { signUp, type ApiUser } from '../support/users.ts';

const PAY = 'mutation($w: WalletId!, $r: WalletId!, $a: SatAmount!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: $a }) { status errors { code message } } }';

const CALLBACK = 'http://127.0.0.1:9/cb';

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    assert.fail(`not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
}

describe('the database goes away and comes back', { timeout: 90_000 }, () => {
  let cluster: PgCluster;
  let p: LightgateProcess;
  before(async () => {
    cluster = await createPgCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE lightgate');
    await admin.end();
    p = await startLightgate({ env: { DATABASE_URL: cluster.url.replace(/\/postgres$/, '/lightgate') } });
  });
  after(async () => {
    await p?.stop();
    cluster?.destroy();
  });

  test('503 JSON from the API and the token endpoint, error redirect from the authorization endpoint, readiness red, no 200 revocation; all back within 5 s', async () => {
    const client = await registerClient(p.urls.admin, CALLBACK);
    const px = pkce();
    const callback = await signInThroughLoginUi(createBrowser(), {
      via: { start: (u) => u, afterLogin: (u) => u },
      authorizeUrl: authorizeUrl(p.urls.public, client.client_id, CALLBACK, 'openid offline_access read', px),
      redirectUri: CALLBACK,
      email: 'outage@example.com',
      outboxes: [p.dataDir],
    });
    const tokens = await tokenRequest({ publicUrl: p.urls.public }, client, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: px.verifier });
    assert.equal(tokens.status, 200);
    const oauth = { 'oauth2-token': tokens.body.access_token! };
    assert.equal((await graphql(p.urls.api, oauth, '{ me { id } }')).status, 200);
    const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;

    cluster.stop();

    // The API's credential cache may still know the token; what it then reads needs the database.
    const api = await graphql(p.urls.api, oauth, '{ me { id defaultAccount { wallets { balance } } } }');
    assert.equal(api.status, 503, JSON.stringify(api.body));
    assert.ok(Array.isArray(api.body.errors));
    const unknownToken = await graphql(p.urls.api, { 'oauth2-token': 'ory_at_unknown' }, '{ me { id } }');
    assert.equal(unknownToken.status, 503, JSON.stringify(unknownToken.body));

    const refresh = await tokenRequest({ publicUrl: p.urls.public }, client, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! });
    assert.equal(refresh.status, 503, JSON.stringify(refresh.body));
    assert.equal(refresh.body.error, 'temporarily_unavailable');
    assert.equal(refresh.body.access_token, undefined);

    // The client's redirect URI is known (read before the outage): the error goes to the client.
    const state = 'outage-state';
    const authorize = await fetch(authorizeUrl(p.urls.public, client.client_id, CALLBACK, 'openid', pkce(), state), { redirect: 'manual' });
    assert.equal(authorize.status, 303, `authorization endpoint: ${authorize.status} ${await authorize.clone().text().then((t) => t.slice(0, 200))}`);
    const to = new URL(authorize.headers.get('location')!);
    assert.equal(to.origin + to.pathname, CALLBACK);
    assert.equal(to.searchParams.get('error'), 'temporarily_unavailable');
    assert.equal(to.searchParams.get('state'), state);
    assert.equal(to.searchParams.get('iss'), p.env.URLS_SELF_ISSUER);
    // A login verifier during the outage: 503, never a 500 (issue 11 #1's verifier step reads the database).
    const verifier = await fetch(`${p.urls.public}/oauth2/auth?login_verifier=some-verifier`, { redirect: 'manual' });
    assert.equal(verifier.status, 503, `verifier step: ${verifier.status}`);
    await verifier.text();
    // An unregistered redirect URI is never redirected to: an error page.
    const foreign = await fetch(authorizeUrl(p.urls.public, client.client_id, 'https://evil.example/cb', 'openid', pkce()), { redirect: 'manual' });
    assert.equal(foreign.status, 503);
    assert.equal(foreign.headers.get('location'), null);
    await foreign.text();

    const revoke = await fetch(`${p.urls.public}/oauth2/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: new URLSearchParams({ token: tokens.body.refresh_token! }) });
    assert.equal(revoke.status, 503, 'revocation never answers 200 while it could not revoke');
    assert.equal((await json(revoke)).error, 'temporarily_unavailable');

    for (const base of [p.urls.public, p.urls.admin, p.urls.api]) {
      const ready = await fetch(`${base}/health/ready`);
      assert.equal(ready.status, 503, `${base} readiness`);
      await ready.text();
      assert.equal((await fetch(`${base}/health/alive`)).status, 200, `${base} stays alive`);
    }
    const adminCall = await fetch(`${p.urls.admin}/admin/clients`);
    assert.equal(adminCall.status, 503);
    await adminCall.text();

    cluster.start();
    const back = Date.now();
    await eventually(async () => {
      const states = await Promise.all([p.urls.public, p.urls.admin, p.urls.api].map(async (b) => (await fetch(`${b}/health/ready`)).status));
      return states.every((s) => s === 200);
    }, 5000);
    await eventually(async () => (await graphql(p.urls.api, oauth, '{ me { id defaultAccount { wallets { balance } } } }')).status === 200, 5000 - (Date.now() - back));
    const again = await tokenRequest({ publicUrl: p.urls.public }, client, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token! });
    assert.equal(again.status, 200, `the refresh token still works: ${JSON.stringify(again.body)}`);
    assert.ok(Date.now() - back <= 5000, `recovered in ${Date.now() - back} ms`);
  });
});

describe('SIGKILL in the middle of a payment load', { timeout: 90_000 }, () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Database;
  let p: LightgateProcess;
  before(async () => {
    database = await createPostgresDatabase();
    db = await openPostgres(database.url, 4);
  });
  after(async () => {
    await p?.stop();
    await db?.close();
    await database?.drop();
  });

  test('after a restart the ledger balances to the sat, no payment is half applied, and retried sends are paid once', async () => {
    const env = { DATABASE_URL: database.url, LIGHTGATE_SERVICES: 'auth,api', RATE_LIMIT_IP: '0', RATE_LIMIT_CLIENT: '0' };
    p = await startLightgate({ env });
    const alice = await signUp(p.urls.api, p.dataDir, 'alice-kill@example.com');
    const bob = await signUp(p.urls.api, p.dataDir, 'bob-kill@example.com');
    const FUNDS = 1_000_000;
    assert.ok((await fundWallet(db, { walletId: alice.btc, amount: FUNDS })).ok);

    const send = (api: string, user: ApiUser, to: string, key: string) =>
      graphql(api, { ...user.session, 'idempotency-key': key }, PAY, { w: user.btc, r: to, a: 1 }).then(
        (r) => (r.body.data?.intraLedgerPaymentSend?.status as string | undefined) ?? `HTTP ${r.status}`,
        () => 'NO ANSWER',
      );
    const keys: string[] = [];
    const outcomes = new Map<string, string>();
    let n = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const key = `kill-${n++}`;
        keys.push(key);
        outcomes.set(key, await send(p.urls.api, alice, bob.btc, key));
      }
    };
    const workers = Array.from({ length: 24 }, worker);
    await eventually(async () => [...outcomes.values()].filter((o) => o === 'SUCCESS').length >= 100, 20_000, 5);
    p.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    await p.exited;
    const unanswered = [...outcomes.values()].filter((o) => o === 'NO ANSWER').length;
    assert.ok(unanswered > 0, 'the kill cut payments in flight');

    const check = async () => {
      const consistency = await assertLedgerConsistent(db);
      assert.deepEqual(consistency, { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
      // No half payment: every journal of this load has exactly its two legs.
      const [legs] = await db.query<{ bad: number }>('SELECT count(*)::int AS bad FROM (SELECT journal_id FROM ledger_entries GROUP BY journal_id HAVING count(*) <> 2) x');
      assert.equal(legs!.bad, 0);
      const [row] = await db.query<{ a: number; b: number }>('SELECT (SELECT balance FROM wallets WHERE id = $1)::bigint AS a, (SELECT balance FROM wallets WHERE id = $2)::bigint AS b', [alice.btc, bob.btc]);
      assert.equal(row!.a + row!.b, FUNDS, 'not a sat created or lost');
      return row!;
    };
    const afterKill = await check();
    const succeeded = [...outcomes.values()].filter((o) => o === 'SUCCESS').length;
    assert.ok(afterKill.b >= succeeded, 'every payment answered SUCCESS is in the ledger');

    // Restarted, the client retries every send with its idempotency key: each is paid exactly once.
    const killed = p;
    p = await startLightgate({ env });
    await killed.stop();
    const retried = await Promise.all(keys.map((key) => send(p.urls.api, alice, bob.btc, key)));
    assert.ok(retried.every((s) => s === 'SUCCESS'), retried.filter((s) => s !== 'SUCCESS').join(','));
    const final = await check();
    assert.equal(final.b, keys.length, `${keys.length} distinct sends, each paid once`);
    assert.equal(final.a, FUNDS - keys.length);
  });
});

describe('SIGTERM', { timeout: 60_000 }, () => {
  let database: { url: string; drop(): Promise<void> };
  after(async () => {
    await database?.drop();
  });

  test('drains the requests in flight and exits 0 within 10 s', async () => {
    database = await createPostgresDatabase();
    const p = await startLightgate({ env: { DATABASE_URL: database.url, LIGHTGATE_SERVICES: 'auth,api,ui' } });
    // A request in flight: headers sent, body still coming when the signal arrives.
    const body = JSON.stringify({ query: '{ globals { network } }' });
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${p.urls.api}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => req.end(body.slice(5)), 800);
    });
    // An idle keep-alive connection must not hold the exit up.
    await fetch(`${p.urls.public}/health/alive`);
    await new Promise((r) => setTimeout(r, 200));
    const signalled = Date.now();
    p.kill('SIGTERM');
    const drained = await answer;
    assert.equal(drained.status, 200, drained.text);
    assert.match(drained.text, /network/);
    const exit = await p.exited;
    assert.equal(exit.code, 0);
    // Well within the 10 s budget: no keep-alive connection holds the exit.
    assert.ok(Date.now() - signalled < 5_000, `exited after ${Date.now() - signalled} ms`);
    await p.stop();
  });
});
