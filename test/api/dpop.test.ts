// Issue 16, DPoP (RFC 9449) end to end: openid-client as the app gets DPoP-bound tokens from the token
// endpoint (kept bound across refresh) and calls the wallet API with them; the API refuses a bound token
// without a proof, with a replayed proof (also at another API process on the same database), with a proof for
// another URL, method, token or key, and asks for a nonce when configured to.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { buildApiServer } from '../../src/api/server.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { adminApi, createClient, failure, relyingParty, type TestClient } from '../support/clients.ts';
import { dpopKey, dpopProof, type DpopKey } from '../support/dpop.ts';
import { DPOP_ALGORITHMS } from '../../src/shared/dpop/proof.ts';
import { createBrowser, introspect, leave, oidc, param, runFlow, tokenRequest } from '../support/tokens.ts';
import { createWalletClient, discover, generateDPoPKeyPair } from '../../packages/sdk/src/index.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClientsCommand } from '../../src/cli/commands/clients.ts';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import { startHarness, type Harness, type TestUser } from './harness.ts';

describe('DPoP-bound tokens at the token endpoint and the wallet API', () => {
  let h: Harness;
  let target: AuthTarget;
  let user: TestUser;
  let client: TestClient;
  let rp: oidc.Configuration;
  let apiUrl: URL;
  const admin = () => adminApi(target);
  const ME = JSON.stringify({ query: '{ me { id } }' });

  before(async () => {
    h = await startHarness({ env: { REQUIRE_DPOP_FOR_WRITE: 'true' } });
    // The API on its configured public URL, so a proof's htu is what the API expects (URLS_API).
    apiUrl = new URL(`${h.stack.config.urls.api}/graphql`);
    await h.app.listen({ host: '127.0.0.1', port: Number(apiUrl.port) });
    target = { kind: 'lightgate', name: 'Lightgate', ...UNREACHABLE_UI, publicUrl: h.stack.urls.issuer, adminUrl: h.stack.stack.listening.admin!, stop: async () => {} };
    user = await h.signUp();
    client = await createClient(admin(), { scope: 'openid offline_access read write' });
    rp = await relyingParty(target, client);
  });
  after(async () => h?.close());

  async function codeFlow(scope: string) {
    return runFlow(createBrowser(), target, admin(), rp, { subject: user.userId, scope, grantScope: scope.split(' ') });
  }
  const checks = (f: Awaited<ReturnType<typeof codeFlow>>) => ({ pkceCodeVerifier: f.auth.codeVerifier, expectedState: f.auth.state, expectedNonce: f.auth.nonce });
  const post = (headers: Record<string, string>) => fetch(apiUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: ME });

  async function boundTokens(key: CryptoKeyPair) {
    const flow = await codeFlow('openid offline_access read write');
    return oidc.authorizationCodeGrant(rp, flow.callback, checks(flow), undefined, { DPoP: oidc.getDPoPHandle(rp, key) });
  }

  test('issuance and refresh: token_type DPoP, introspection names the key (cnf.jkt), the binding survives refresh, the API answers openid-client', async () => {
    const key = await oidc.randomDPoPKeyPair('ES256', { extractable: true });
    const jkt = await calculateJwkThumbprint(await exportJWK(key.publicKey));
    const tokens = await boundTokens(key);
    assert.equal(tokens.token_type, 'dpop');
    const seen = await introspect(admin(), tokens.access_token);
    assert.equal(seen.active, true);
    assert.equal(seen.token_type, 'DPoP');
    assert.deepEqual((seen as { cnf?: unknown }).cnf, { jkt });

    const DPoP = oidc.getDPoPHandle(rp, key);
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!, undefined, { DPoP });
    assert.equal(refreshed.token_type, 'dpop');
    assert.deepEqual((await introspect(admin(), refreshed.access_token) as { cnf?: unknown }).cnf, { jkt }, 'the refreshed token is bound to the same key');
    // A refresh of a write grant without a proof is refused (REQUIRE_DPOP_FOR_WRITE), and the refresh token stays usable.
    const unproven = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token! });
    assert.equal(unproven.status, 400);
    assert.equal(unproven.body.error, 'invalid_dpop_proof');

    // openid-client's protected resource call: Authorization: DPoP <token> with a fresh proof each time.
    for (let i = 0; i < 2; i++) {
      const res = await oidc.fetchProtectedResource(rp, refreshed.access_token, apiUrl, 'POST', ME, new Headers({ 'content-type': 'application/json' }), { DPoP });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as { data: { me: { id: string } } }).data.me.id, user.userId);
    }
  });

  test('every proof algorithm the API accepts binds a token at the token endpoint too, and discovery lists exactly those', async () => {
    const discovery = (await (await fetch(`${h.stack.urls.issuer}/.well-known/openid-configuration`)).json()) as { dpop_signing_alg_values_supported: string[] };
    assert.deepEqual([...discovery.dpop_signing_alg_values_supported].sort(), [...DPOP_ALGORITHMS].sort());
    for (const alg of ['PS256', 'ES384', 'EdDSA'] as const) {
      const key = await oidc.randomDPoPKeyPair(alg);
      const DPoP = oidc.getDPoPHandle(rp, key);
      const flow = await codeFlow('openid read');
      const tokens = await oidc.authorizationCodeGrant(rp, flow.callback, checks(flow), undefined, { DPoP });
      assert.equal(tokens.token_type, 'dpop', alg);
      const res = await oidc.fetchProtectedResource(rp, tokens.access_token, apiUrl, 'POST', ME, new Headers({ 'content-type': 'application/json' }), { DPoP });
      assert.equal(res.status, 200, `${alg}: ${await res.clone().text()}`);
    }
  });

  test('the API refuses a bound token without a proof, with a replayed one (also at another process), for another URL, method, token or key', async () => {
    const key: DpopKey = await dpopKey();
    const tokens = await boundTokens(key);
    const at = tokens.access_token;
    const proof = (o: Partial<Parameters<typeof dpopProof>[1]> = {}, k: DpopKey = key) => dpopProof(k, { htm: 'POST', htu: apiUrl.href, accessToken: at, ...o });

    const refused = async (headers: Record<string, string>, error: string, why: string) => {
      const res = await post(headers);
      assert.equal(res.status, 401, why);
      assert.match(res.headers.get('www-authenticate') ?? '', new RegExp(`^DPoP error="${error}"`), why);
      const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
      assert.equal(body.errors[0]!.extensions.code, 'UNAUTHENTICATED', why);
    };
    await refused({ 'oauth2-token': at }, 'invalid_token', 'no proof');
    await refused({ authorization: `DPoP ${at}` }, 'invalid_token', 'no proof, DPoP scheme');
    await refused({ 'oauth2-token': at, dpop: await proof({ htu: `${h.stack.urls.issuer}/graphql` }) }, 'invalid_dpop_proof', 'another URL');
    await refused({ 'oauth2-token': at, dpop: await proof({ htm: 'GET' }) }, 'invalid_dpop_proof', 'another method');
    await refused({ 'oauth2-token': at, dpop: await proof({ accessToken: 'another-token' }) }, 'invalid_dpop_proof', 'another token (ath)');
    await refused({ 'oauth2-token': at, dpop: await proof({}, await dpopKey()) }, 'invalid_dpop_proof', 'another key');
    await refused({ 'oauth2-token': at, dpop: await proof({ iat: Math.floor(Date.now() / 1000) - 600 }) }, 'invalid_dpop_proof', 'too old');
    await refused({ 'oauth2-token': at, dpop: 'not.a.jwt' }, 'invalid_dpop_proof', 'garbage');

    const once = await proof();
    const first = await post({ 'oauth2-token': at, dpop: once });
    assert.equal(first.status, 200, await first.clone().text());
    await refused({ 'oauth2-token': at, dpop: once }, 'invalid_dpop_proof', 'replayed at the same process');
    // The same proof sent several times at once (one batch of inserts): exactly one is accepted.
    const twice = await proof();
    const together = await Promise.all([1, 2, 3].map(() => post({ 'oauth2-token': at, dpop: twice })));
    assert.deepEqual(together.map((r) => r.status).sort(), [200, 401, 401]);
    // Another API process on the same database refuses the replay too.
    const other = await buildApiServer({ config: h.stack.config, db: h.stack.database.db, hydra: h.stack.stack.hydra!, identity: h.identity });
    try {
      const fresh = await proof();
      assert.equal((await other.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `DPoP ${at}`, dpop: fresh }, payload: ME })).statusCode, 200);
      const replay = await other.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `DPoP ${at}`, dpop: fresh }, payload: ME });
      assert.equal(replay.statusCode, 401);
      const replayedFromFirst = await other.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', 'oauth2-token': at, dpop: once }, payload: ME });
      assert.equal(replayedFromFirst.statusCode, 401);
      assert.match(String(replayedFromFirst.headers['www-authenticate']), /already used/);
    } finally {
      await other.close();
    }
  });

  test('REQUIRE_DPOP_FOR_WRITE at grant time: a write grant without a proof is refused before the code is used; read-only stays Bearer', async () => {
    const flow = await codeFlow('openid read write');
    const exchange = { grant_type: 'authorization_code', code: flow.callback.searchParams.get('code')!, redirect_uri: 'http://127.0.0.1:9/cb', code_verifier: flow.auth.codeVerifier };
    const refused = await tokenRequest(target, client, exchange);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_dpop_proof');
    // The code was not consumed: the same exchange with a proof works.
    const key = await oidc.randomDPoPKeyPair('ES256');
    const tokens = await oidc.authorizationCodeGrant(rp, flow.callback, checks(flow), undefined, { DPoP: oidc.getDPoPHandle(rp, key) });
    assert.equal(tokens.token_type, 'dpop');

    const read = await codeFlow('openid read');
    const bearer = await oidc.authorizationCodeGrant(rp, read.callback, checks(read));
    assert.equal(bearer.token_type, 'bearer');
    assert.equal((await post({ 'oauth2-token': bearer.access_token })).status, 200, 'a Bearer token needs no proof');
    // The DPoP scheme is for bound tokens only.
    assert.equal((await post({ authorization: `DPoP ${bearer.access_token}`, dpop: await dpopProof(await dpopKey(), { htm: 'POST', htu: apiUrl.href, accessToken: bearer.access_token }) })).status, 401);
    // client_credentials with write: refused without a proof.
    const machine = await createClient(admin(), { grant_types: ['client_credentials'], response_types: [], scope: 'read write' });
    const cc = await tokenRequest(target, machine, { grant_type: 'client_credentials', scope: 'write' });
    assert.equal(cc.body.error, 'invalid_dpop_proof');
  });

  test('dpop_bound_access_tokens is client metadata of the admin API: such a client gets no token without a proof', async () => {
    const bound = await createClient(admin(), { scope: 'openid read', dpop_bound_access_tokens: true } as never);
    const { data } = await admin().getOAuth2Client({ id: bound.client_id });
    assert.equal((data as { dpop_bound_access_tokens?: boolean }).dpop_bound_access_tokens, true);
    const plain = await createClient(admin(), { scope: 'openid read' });
    assert.equal(((await admin().getOAuth2Client({ id: plain.client_id })).data as { dpop_bound_access_tokens?: boolean }).dpop_bound_access_tokens, false);
    const bad = await failure(admin().createOAuth2Client({ oAuth2Client: { dpop_bound_access_tokens: 'yes' } as never }));
    assert.equal(bad.status, 400);

    // `lightgate clients apply` sets it too (a Lightgate field beside Hydra's), and plans no change after.
    const dir = mkdtempSync(join(tmpdir(), 'dpop-clients-'));
    try {
      const file = join(dir, 'clients.json');
      writeFileSync(file, JSON.stringify([{ client_id: 'dpop-as-code', client_name: 'Bound as code', grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'], scope: 'openid read', dpop_bound_access_tokens: true }]));
      const hydra = createHttpHydraAdmin(target.adminUrl);
      const lines: string[] = [];
      assert.equal(await runClientsCommand(['apply', file], { hydra, out: (l) => lines.push(l) }), 0, lines.join('\n'));
      const applied = await hydra.getClient('dpop-as-code');
      assert.ok(applied.ok && applied.value.dpop_bound_access_tokens === true, lines.join('\n'));
      const again: string[] = [];
      await runClientsCommand(['plan', file], { hydra, out: (l) => again.push(l) });
      assert.match(again.join('\n'), /Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged\./, again.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const boundRp = await relyingParty(target, bound);
    const flow = await runFlow(createBrowser(), target, admin(), boundRp, { subject: user.userId, scope: 'openid read' });
    const refused = await tokenRequest(target, bound, { grant_type: 'authorization_code', code: flow.callback.searchParams.get('code')!, redirect_uri: 'http://127.0.0.1:9/cb', code_verifier: flow.auth.codeVerifier });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    const tokens = await oidc.authorizationCodeGrant(boundRp, flow.callback, checks(flow), undefined, { DPoP: oidc.getDPoPHandle(boundRp, await oidc.randomDPoPKeyPair('ES256')) });
    assert.equal(tokens.token_type, 'dpop');
  });

  test('the SDK pushes its request (PAR), binds its tokens with openid-client\'s DPoP and calls the wallet API through dpopFetch', async () => {
    const sdk = await discover({ issuer: target.publicUrl, clientId: client.client_id, clientSecret: client.client_secret, dpop: await generateDPoPKeyPair() });
    assert.ok(sdk.ok);
    const lightgate = sdk.value;
    assert.equal(lightgate.server.dpopSupported, true);
    const pushed = await lightgate.pushedAuthorizationUrl({ redirectUri: 'http://127.0.0.1:9/cb', scope: 'openid offline_access read write' });
    assert.ok(pushed.ok, JSON.stringify(pushed));
    const { url, pending } = pushed.value;
    assert.ok(url.searchParams.has('request_uri') && !url.searchParams.has('scope'), 'only client_id and request_uri in the browser');
    const b = createBrowser();
    const atLogin = await leave(b, target, url);
    const login = await admin().acceptOAuth2LoginRequest({ loginChallenge: param(atLogin, 'login_challenge'), acceptOAuth2LoginRequest: { subject: user.userId } });
    const atConsent = await leave(b, target, login.data.redirect_to);
    const consent = await admin().acceptOAuth2ConsentRequest({ consentChallenge: param(atConsent, 'consent_challenge'), acceptOAuth2ConsentRequest: { grant_scope: ['openid', 'offline_access', 'read', 'write'] } });
    const tokens = await lightgate.handleCallback(await leave(b, target, consent.data.redirect_to), pending);
    assert.ok(tokens.ok, JSON.stringify(tokens));
    assert.equal(tokens.value.tokenType.toLowerCase(), 'dpop');
    const info = await lightgate.userinfo(tokens.value.accessToken, user.userId);
    assert.ok(info.ok, `userinfo with a bound token sends its proof: ${JSON.stringify(info)}`);
    const asBearer = await fetch(`${target.publicUrl}/userinfo`, { headers: { authorization: `Bearer ${tokens.value.accessToken}` } });
    assert.equal(asBearer.status, 401, 'the auth server\'s userinfo refuses a bound token without its proof too');
    const refreshed = await lightgate.refresh(tokens.value.refreshToken!);
    assert.ok(refreshed.ok && refreshed.value.tokenType.toLowerCase() === 'dpop', `refreshed with a proof, still bound: ${JSON.stringify(refreshed)}`);

    const wallet = createWalletClient({ url: apiUrl, accessToken: refreshed.value.accessToken, fetch: lightgate.dpopFetch });
    const me = await wallet.me();
    assert.ok(me.ok, JSON.stringify(me));
    assert.equal(me.value.id, user.userId);
    const withoutProof = await createWalletClient({ url: apiUrl, accessToken: refreshed.value.accessToken }).me();
    assert.ok(!withoutProof.ok && withoutProof.error.code === 'unauthenticated', 'a bound token alone is refused');
  });

  // Last: it replaces the API on its port with one that requires nonces.
  test('DPoP-Nonce: an API configured to require nonces answers use_dpop_nonce with a nonce, and openid-client retries with it', async () => {
    const config = { ...h.stack.config, oauth2: { ...h.stack.config.oauth2, dpopRequireNonce: true } };
    const strict = await buildApiServer({ config, db: h.stack.database.db, hydra: h.stack.stack.hydra!, identity: h.identity });
    await h.app.close();
    await strict.listen({ host: '127.0.0.1', port: Number(apiUrl.port) });
    try {
      const key = await oidc.randomDPoPKeyPair('ES256', { extractable: true });
      const tokens = await boundTokens(key);
      const first = await post({ authorization: `DPoP ${tokens.access_token}`, dpop: await dpopProof(key, { htm: 'POST', htu: apiUrl.href, accessToken: tokens.access_token }) });
      assert.equal(first.status, 401);
      assert.match(first.headers.get('www-authenticate') ?? '', /^DPoP error="use_dpop_nonce"/);
      const nonce = first.headers.get('dpop-nonce');
      assert.ok(nonce, 'a DPoP-Nonce header');
      const withNonce = await post({ authorization: `DPoP ${tokens.access_token}`, dpop: await dpopProof(key, { htm: 'POST', htu: apiUrl.href, accessToken: tokens.access_token, nonce }) });
      assert.equal(withNonce.status, 200);
      const wrong = await post({ authorization: `DPoP ${tokens.access_token}`, dpop: await dpopProof(key, { htm: 'POST', htu: apiUrl.href, accessToken: tokens.access_token, nonce: 'made-up' }) });
      assert.match(wrong.headers.get('www-authenticate') ?? '', /^DPoP error="use_dpop_nonce"/);

      const res = await oidc.fetchProtectedResource(rp, tokens.access_token, apiUrl, 'POST', ME, new Headers({ 'content-type': 'application/json' }), { DPoP: oidc.getDPoPHandle(rp, key) });
      assert.equal(res.status, 200, await res.clone().text());
    } finally {
      await strict.close();
    }
  });
});
