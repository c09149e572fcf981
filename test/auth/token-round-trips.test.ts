// Issue 18: the SQL round trips of the token endpoint, counted at the Database port of a real stack on
// PGlite and PostgreSQL. Storing a token while its client must stay active (issue 11 #5) is one statement,
// not a transaction of four round trips (BEGIN, lock the client, write, COMMIT); each request reads its
// client once (a per-request memo, stored-clients.ts), and a code exchange or a refresh reads its client and its
// code or refresh token in its rate-limit count (request-read-along.ts). The client-status tests keep the race's
// outcome; this file keeps its price.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import type { AuthTarget } from '../support/auth-target.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { loggingDatabase, type StatementHooks } from '../support/statement-log.ts';
import { startWrappedAuthStack, type WrappedAuthStack } from '../support/wrapped-auth-stack.ts';
import { authorizationUrl, createBrowser, exchange, introspect, leave, runFlow, tokenRequest } from '../support/tokens.ts';

/** The count's read along (request-read-along.ts): the client, and at the token endpoint the code or refresh token. */
const along = (s: string) => /INSERT INTO rate_limits/.test(s) && /FROM oauth2_clients c WHERE c\.client_id = r\.k::json->>'c'/.test(s) && /FROM oidc_payloads p\s+WHERE p\.model = r\.k::json->>'m'/.test(s);
const clientAlong = (s: string) => along(s) && /^-- reads: .*"c":/m.test(s);
const tokenAlong = (s: string, model = '[A-Za-z]+') => along(s) && new RegExp(`^-- reads: .*"m":"${model}","t":\\["`, 'm').test(s);
/** A read of its own: the client's (the repository's find), a code's or refresh token's (grant-prefetch.ts findWithGrant). */
const clientAlone = (s: string) => /FROM oauth2_clients WHERE client_id = \$1$/.test(s.trim());
const tokenAlone = (s: string) => /FROM oidc_payloads p\s+LEFT JOIN oidc_payloads g/.test(s) && !/INSERT INTO rate_limits/.test(s);
/** The count's ids read along ($5), as `{"c": client, "m": model, "t": candidate row ids}` (request-read-along.ts). */
const withReads = (sql: string, params?: readonly unknown[]) => (/INSERT INTO rate_limits/.test(sql) && Array.isArray(params?.[4]) ? `${sql}\n-- reads: ${(params[4] as string[]).join(' ')}` : sql);

for (const kind of DATABASE_KINDS) {
  describe(`token endpoint round trips (${kind})`, () => {
    const log: string[] = [];
    const hooks: StatementHooks = {};
    let running: WrappedAuthStack | undefined;
    let target: AuthTarget;
    // oidc-provider reads the body from the stream itself; its fallback to a parsed req.body warns (selective_body.js).
    const warnings: string[] = [];
    const warn = console.warn;
    before(async () => {
      console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
      running = await startWrappedAuthStack(kind, (db) => loggingDatabase(db, log, hooks, withReads));
      ({ target } = running);
    });
    after(async () => {
      console.warn = warn;
      await running?.close();
      assert.deepEqual(warnings.filter((w) => /already parsed request body/.test(w)), []);
    });

    test('an authorization request reads its client once, in its rate-limit count: two round trips', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const auth = await authorizationUrl(await relyingParty(target, client));
      log.length = 0;
      const atLogin = await leave(createBrowser(), target, auth.url);
      assert.equal(atLogin.origin + atLogin.pathname, target.loginUrl);
      const statements = log.splice(0);
      // The client comes with the request-rate count (stored-clients.ts clientReadAlong), not in a read of its own.
      assert.equal(statements.filter(clientAlong).length, 1, statements.join('\n'));
      assert.equal(statements.filter(clientAlone).length, 0, statements.join('\n'));
      // The other one: the Interaction's write.
      assert.equal(statements.length, 2, statements.join('\n'));
    });

    test('a code exchange and a refresh read their client and their code or refresh token in the rate-limit count: two round trips', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      const flow = await runFlow(createBrowser(), target, admin, rp, { subject: 'round-trips' });
      log.length = 0;
      const exchanged = await exchange(rp, flow);
      const atExchange = log.splice(0);
      const refreshed = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: exchanged.refresh_token! });
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
      const atRefresh = log.splice(0);
      for (const [what, statements] of [['code exchange', atExchange], ['refresh', atRefresh]] as const) {
        assert.deepEqual(statements.filter((s) => s === 'BEGIN'), [], `${what}: no transaction round trips:\n${statements.join('\n')}`);
        // The client (client_secret_basic) and the code or refresh token come with the request-rate count (request-read-along.ts).
        assert.equal(statements.filter((s) => clientAlong(s) && tokenAlong(s)).length, 1, `${what}: the client and the token are read with the count:\n${statements.join('\n')}`);
        assert.equal(statements.filter((s) => clientAlone(s) || tokenAlone(s)).length, 0, `${what}: and not read again:\n${statements.join('\n')}`);
        assert.ok(statements.some((s) => /FOR SHARE/.test(s)), `${what}: the token write still locks its client (issue 11 #5)`);
        // The code's or refresh token's spend and both new tokens are one statement, under the client's lock
        // (held-token-writes.ts); the rate limit with the client and the token is the other one.
        assert.equal(statements.filter((s) => /INSERT INTO oidc_payloads/.test(s)).length, 1, `${what}: both tokens in one write:\n${statements.join('\n')}`);
        assert.equal(statements.length, 2, `${what}:\n${statements.join('\n')}`);
      }
      // Both tokens are stored and usable.
      for (const token of [refreshed.body.access_token!, refreshed.body.refresh_token!]) assert.equal((await introspect(admin, token)).active, true);
      const again = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token! });
      assert.equal(again.status, 200, JSON.stringify(again.body));
    });

    test('the client read with the count: an id that needs encoding in Basic, client_secret_post, and a Basic id that does not exist', async () => {
      const admin = adminApi(target);
      const clientReads = (statements: string[]) => ({ along: statements.filter((s) => clientAlong(s)).length, alone: statements.filter(clientAlone).length });
      // RFC 6749 section 2.3.1: the id is form-urlencoded before base64; it is decoded as oidc-provider decodes it.
      const odd = await createClient(admin, { client_id: `rt:a+b%2F${Date.now()}` });
      const flow = await runFlow(createBrowser(), target, admin, await relyingParty(target, odd), { subject: 'round-trips-odd' });
      log.length = 0;
      const exchanged = await tokenRequest(target, odd, { grant_type: 'authorization_code', code: flow.callback.searchParams.get('code')!, redirect_uri: odd.redirect_uris![0]!, code_verifier: flow.auth.codeVerifier });
      assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
      assert.deepEqual(clientReads(log.splice(0)), { along: 1, alone: 0 });

      // client_secret_post: the count reads the code along (from the body) but not the client: the client is read as before.
      const post = await createClient(admin, { token_endpoint_auth_method: 'client_secret_post' });
      const postFlow = await runFlow(createBrowser(), target, admin, await relyingParty(target, post), { subject: 'round-trips-post' });
      log.length = 0;
      const res = await fetch(`${target.publicUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: postFlow.callback.searchParams.get('code')!, redirect_uri: post.redirect_uris![0]!, code_verifier: postFlow.auth.codeVerifier, client_id: post.client_id, client_secret: post.client_secret }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      const posted = log.splice(0);
      assert.deepEqual(clientReads(posted), { along: 0, alone: 1 });
      assert.deepEqual([posted.filter((s) => tokenAlong(s, 'AuthorizationCode')).length, posted.filter(tokenAlone).length, posted.length], [1, 0, 3], posted.join('\n'));

      // A Basic id of no client: read along as missing, refused as before.
      const unknown = await tokenRequest(target, { client_id: 'rt-no-such-client', client_secret: 'x' }, { grant_type: 'client_credentials' });
      assert.equal(unknown.status, 401, JSON.stringify(unknown.body));
      assert.equal(unknown.body.error, 'invalid_client');
      // A Basic header whose id is not valid percent-encoding: refused by oidc-provider, nothing read ahead.
      log.length = 0;
      const garbled = await fetch(`${target.publicUrl}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('%E0%A4%A:secret').toString('base64')}` }, body: 'grant_type=client_credentials' });
      assert.equal(garbled.status, 400, await garbled.clone().text());
      assert.equal(clientReads(log.splice(0)).along, 0);
    });

    test('a code or refresh token that does not exist: read along as missing, invalid_grant as before, nothing else read', async () => {
      const client = await createClient(adminApi(target));
      for (const params of [{ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: client.redirect_uris![0]!, code_verifier: 'x'.repeat(43) }, { grant_type: 'refresh_token', refresh_token: 'no-such-refresh-token' }] as Record<string, string>[]) {
        log.length = 0;
        const refused = await tokenRequest(target, client, params);
        const statements = log.splice(0);
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.equal(refused.body.error, 'invalid_grant');
        assert.equal(statements.filter((s) => clientAlong(s) && tokenAlong(s, params.grant_type === 'refresh_token' ? 'RefreshToken' : 'AuthorizationCode')).length, 1, statements.join('\n'));
        assert.deepEqual([statements.filter((s) => clientAlone(s) || tokenAlone(s)).length, statements.length], [0, 1], statements.join('\n'));
      }
    });

    test('bad bodies get the errors they got before: wrong content type, malformed, duplicated, oversized, chunked', async () => {
      const client = await createClient(adminApi(target));
      const basic = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;
      const post = async (body: string | ReadableStream, type = 'application/x-www-form-urlencoded') => {
        const res = await fetch(`${target.publicUrl}/oauth2/token`, { method: 'POST', headers: { 'content-type': type, authorization: basic }, body, ...(typeof body === 'string' ? {} : { duplex: 'half' }) });
        return [res.status, ((await res.json()) as { error: string; error_description: string })] as const;
      };
      const form = 'grant_type=refresh_token&refresh_token=no-such-token';
      assert.deepEqual(await post(JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x' }), 'application/json'), [400, { error: 'invalid_request', error_description: 'only application/x-www-form-urlencoded content-type bodies are supported on POST /oauth2/token' }]);
      assert.deepEqual(await post(`${form}&refresh_token=again`), [400, { error: 'invalid_request', error_description: "'refresh_token' parameter must not be provided twice" }]);
      assert.deepEqual(await post('grant_type=refresh_token&refresh_token=%E0%A4%A'), [400, { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' }]);
      assert.deepEqual(await post(`${form}&pad=${'x'.repeat(57 * 1024)}`), [400, { error: 'invalid_request', error_description: 'failed to parse the request body' }]);
      const chunked = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(form)), c.close()) });
      assert.deepEqual(await post(chunked), [400, { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' }]);
    });

    test('a request over the rate limit gets its 429 before the token is used, and the code stays redeemable', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      const flow = await runFlow(createBrowser(), target, admin, rp, { subject: 'round-trips-429' });
      const db = running!.database.db;
      await db.query(`UPDATE rate_limits SET hits = 1000000 WHERE key LIKE 'http:ip:%'`);
      log.length = 0;
      const params = { grant_type: 'authorization_code', code: flow.callback.searchParams.get('code')!, redirect_uri: client.redirect_uris![0]!, code_verifier: flow.auth.codeVerifier };
      const refused = await tokenRequest(target, client, params);
      const statements = log.splice(0);
      await db.query(`DELETE FROM rate_limits WHERE key LIKE 'http:%'`);
      assert.equal(refused.status, 429, JSON.stringify(refused.body));
      // The count (with its reads) is all: no read of the client or the code, no write.
      assert.deepEqual([statements.filter(along).length, statements.length], [1, 1], statements.join('\n'));
      const exchanged = await tokenRequest(target, client, params);
      assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
    });

    test('a client suspended just before its two tokens are written gets invalid_client, and neither token is stored', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      const flow = await runFlow(createBrowser(), target, admin, rp, { subject: 'round-trips-3' });
      const db = running!.database.db;
      hooks.statement = async (sql) => {
        if (!/INSERT INTO oidc_payloads/.test(sql) || !/FOR SHARE/.test(sql)) return;
        hooks.statement = undefined;
        await db.query(`UPDATE oauth2_clients SET status = 'suspended' WHERE client_id = $1`, [client.client_id]);
      };
      const code = flow.callback.searchParams.get('code')!;
      const refused = await tokenRequest(target, client, { grant_type: 'authorization_code', code, redirect_uri: client.redirect_uris![0]!, code_verifier: flow.auth.codeVerifier });
      hooks.statement = undefined;
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error, 'invalid_client');
      const stored = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM oidc_payloads WHERE client_id = $1 AND model IN ('AccessToken', 'RefreshToken')`, [client.client_id]);
      assert.equal(stored[0]!.n, 0);
    });

    test('a code exchange without a refresh token stores its access token alone', async () => {
      const admin = adminApi(target);
      const client = await createClient(admin);
      const rp = await relyingParty(target, client);
      const flow = await runFlow(createBrowser(), target, admin, rp, { subject: 'round-trips-2', scope: 'openid read' });
      log.length = 0;
      const exchanged = await exchange(rp, flow);
      const statements = log.splice(0);
      assert.equal(exchanged.refresh_token, undefined);
      assert.equal(statements.filter((s) => /INSERT INTO oidc_payloads/.test(s) && /FOR SHARE/.test(s)).length, 1, statements.join('\n'));
      assert.equal((await introspect(admin, exchanged.access_token)).active, true);
    });
  });
}
