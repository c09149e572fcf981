// Issue 16, pushed authorization requests (RFC 9126) and discovery: /oauth2/par is advertised and takes only
// authenticated requests; a request_uri from it starts the flow once, for its own client; a client registered
// with require_pushed_authorization_requests is refused on the plain authorization endpoint; with
// REQUIRE_PAR_FOR_WRITE a `write` request must be pushed. Discovery advertises DPoP and PAR only when on.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import type { OAuth2Api } from '@ory/hydra-client';
import { CALLBACK, UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { adminApi, createClient, relyingParty, type TestClient } from '../support/clients.ts';
import { dpopKey, dpopProof } from '../support/dpop.ts';
import { createBrowser, leave, oidc, param } from '../support/tokens.ts';
import { lightgateTarget } from './lightgate-target.ts';

const discovery = async (t: AuthTarget) => (await (await fetch(`${t.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;

describe('pushed authorization requests', () => {
  let t: AuthTarget;
  let admin: OAuth2Api;
  before(async () => {
    t = await lightgateTarget('pglite', { REQUIRE_PAR_FOR_WRITE: 'true', OAUTH2_DPOP_REQUIRE_NONCE: 'true' })(UNREACHABLE_UI);
    admin = adminApi(t);
  });
  after(() => t?.stop());

  const basic = (c: TestClient) => `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`;
  const push = (c: TestClient, params: Record<string, string>, authorization: string | null = basic(c)) =>
    fetch(`${t.publicUrl}/oauth2/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) }, body: new URLSearchParams({ client_id: c.client_id, ...params }) });
  const pkce = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
  const request = (scope: string) => ({ response_type: 'code', redirect_uri: CALLBACK, scope, state: 'state-1234567', ...pkce });

  /** Where a plain (not pushed) authorization request leads: the login app, or back to the client with an error. */
  async function plainAuthorize(c: TestClient, scope: string): Promise<URL> {
    return leave(createBrowser(), t, `${t.publicUrl}/oauth2/auth?${new URLSearchParams({ client_id: c.client_id, ...request(scope) })}`);
  }

  it('discovery advertises the PAR endpoint and DPoP', async () => {
    const d = await discovery(t);
    assert.equal(d.pushed_authorization_request_endpoint, `${t.publicUrl}/oauth2/par`);
    assert.ok(Array.isArray(d.dpop_signing_alg_values_supported) && d.dpop_signing_alg_values_supported.includes('ES256'));
    assert.equal(d.require_pushed_authorization_requests, undefined, 'PAR is not required of every client');
    assert.equal(d.authorization_response_iss_parameter_supported, true);
  });

  it('end to end with openid-client: the request_uri starts the flow, which ends with tokens', async () => {
    const c = await createClient(admin, { scope: 'openid offline_access read write' });
    const rp = await relyingParty(t, c);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = await oidc.buildAuthorizationUrlWithPAR(rp, { redirect_uri: CALLBACK, scope: 'openid offline_access read write', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    assert.match(url.searchParams.get('request_uri')!, /^urn:ietf:params:oauth:request_uri:/);
    const b = createBrowser();
    const atLogin = await leave(b, t, url);
    assert.equal(atLogin.origin + atLogin.pathname, t.loginUrl);
    const login = await admin.acceptOAuth2LoginRequest({ loginChallenge: param(atLogin, 'login_challenge'), acceptOAuth2LoginRequest: { subject: 'par-user' } });
    const atConsent = await leave(b, t, login.data.redirect_to);
    const consentChallenge = param(atConsent, 'consent_challenge');
    const consent = await admin.getOAuth2ConsentRequest({ consentChallenge });
    // offline_access without prompt=consent is kept, as at the plain endpoint (Hydra's rule).
    assert.deepEqual(consent.data.requested_scope, ['openid', 'offline_access', 'read', 'write'], 'the pushed scope reaches the consent app');
    const accepted = await admin.acceptOAuth2ConsentRequest({ consentChallenge, acceptOAuth2ConsentRequest: { grant_scope: ['openid', 'offline_access', 'read', 'write'] } });
    const callback = await leave(b, t, accepted.data.redirect_to);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal(tokens.scope, 'openid offline_access read write');
    assert.ok(tokens.refresh_token, 'a refresh token, as Hydra gives for offline_access');
    // A request_uri is used once.
    const again = await leave(createBrowser(), t, url).catch((e: Error) => e);
    assert.ok(again instanceof Error || param(again, 'error') === 'invalid_request_uri', 'a used request_uri does not start a second flow');
  });

  it('only authenticated clients may push; bad requests are 4xx with RFC 6749 errors', async () => {
    const c = await createClient(admin, { scope: 'openid read' });
    const anonymous = await push(c, request('openid read'), null);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: string }).error, 'invalid_client');
    const wrongSecret = await push(c, request('openid read'), `Basic ${Buffer.from(`${c.client_id}:wrong-secret`).toString('base64')}`);
    assert.equal(wrongSecret.status, 401);
    const unregistered = await push(c, { ...request('openid read'), redirect_uri: 'https://evil.example/cb' });
    assert.equal(unregistered.status, 400);
    const noType = await push(c, { redirect_uri: CALLBACK, scope: 'openid read' });
    assert.equal(noType.status, 400);
    assert.equal(((await noType.json()) as { error: string }).error, 'invalid_request');
    const nested = await push(c, { ...request('openid read'), request_uri: 'urn:ietf:params:oauth:request_uri:x' });
    assert.equal(nested.status, 400);
    // A request_uri belongs to the client that pushed it.
    const pushed = await push(c, request('openid read'));
    assert.equal(pushed.status, 201);
    const { request_uri, expires_in } = (await pushed.json()) as { request_uri: string; expires_in: number };
    assert.ok(expires_in > 0 && expires_in <= 600);
    const other = await createClient(admin, { scope: 'openid read' });
    const stolen = await leave(createBrowser(), t, `${t.publicUrl}/oauth2/auth?${new URLSearchParams({ client_id: other.client_id, request_uri })}`).catch((e: Error) => e);
    assert.ok(stolen instanceof Error || !stolen.href.startsWith(t.loginUrl), 'another client cannot use it');
  });

  it('a client with require_pushed_authorization_requests is refused on the plain authorization endpoint', async () => {
    const c = await createClient(admin, { scope: 'openid read', require_pushed_authorization_requests: true } as never);
    const { data } = await admin.getOAuth2Client({ id: c.client_id });
    assert.equal((data as { require_pushed_authorization_requests?: boolean }).require_pushed_authorization_requests, true);
    const refused = await plainAuthorize(c, 'openid read');
    assert.equal(refused.origin + refused.pathname, CALLBACK, 'back to the client, never to the login app');
    assert.equal(param(refused, 'error'), 'invalid_request');
    const pushed = await push(c, request('openid read'));
    assert.equal(pushed.status, 201, await pushed.clone().text());
    const { request_uri } = (await pushed.json()) as { request_uri: string };
    const atLogin = await leave(createBrowser(), t, `${t.publicUrl}/oauth2/auth?${new URLSearchParams({ client_id: c.client_id, request_uri })}`);
    assert.equal(atLogin.origin + atLogin.pathname, t.loginUrl);
  });

  it('OAUTH2_DPOP_REQUIRE_NONCE: the token endpoint answers use_dpop_nonce with a DPoP-Nonce, accepts the nonce, and openid-client retries by itself', async () => {
    const c = await createClient(admin, { grant_types: ['client_credentials'], response_types: [], scope: 'read' });
    const key = await dpopKey();
    const token = (dpop: string) =>
      fetch(`${t.publicUrl}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c), dpop }, body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }) });
    const first = await token(await dpopProof(key, { htm: 'POST', htu: `${t.publicUrl}/oauth2/token` }));
    assert.equal(first.status, 400);
    assert.equal(((await first.json()) as { error: string }).error, 'use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    assert.ok(nonce);
    const second = await token(await dpopProof(key, { htm: 'POST', htu: `${t.publicUrl}/oauth2/token`, nonce }));
    assert.equal(second.status, 200);
    assert.equal(((await second.json()) as { token_type: string }).token_type, 'DPoP');
    const rp = await relyingParty(t, c);
    const viaLibrary = await oidc.clientCredentialsGrant(rp, { scope: 'read' }, { DPoP: oidc.getDPoPHandle(rp, await oidc.randomDPoPKeyPair('ES256')) });
    assert.equal(viaLibrary.token_type, 'dpop');
  });

  it('REQUIRE_PAR_FOR_WRITE: a plain write request is refused, a plain read request and a pushed write request go on', async () => {
    const c = await createClient(admin, { scope: 'openid read write' });
    const write = await plainAuthorize(c, 'openid write');
    assert.equal(param(write, 'error'), 'invalid_request');
    assert.match(param(write, 'error_description'), /Pushed Authorization Request/);
    const read = await plainAuthorize(c, 'openid read');
    assert.equal(read.origin + read.pathname, t.loginUrl, read.href);
    const pushed = await push(c, request('openid write'));
    const { request_uri } = (await pushed.json()) as { request_uri: string };
    const atLogin = await leave(createBrowser(), t, `${t.publicUrl}/oauth2/auth?${new URLSearchParams({ client_id: c.client_id, request_uri })}`);
    assert.equal(atLogin.origin + atLogin.pathname, t.loginUrl);
  });
});

describe('discovery advertises exactly what is enabled', () => {
  it('with DPoP and PAR off: neither in discovery, /oauth2/par not served, a DPoP proof ignored (Bearer)', async () => {
    const t = await lightgateTarget('pglite', { OAUTH2_DPOP_ENABLED: 'false', OAUTH2_PAR_ENABLED: 'false' })(UNREACHABLE_UI);
    try {
      const d = await discovery(t);
      assert.equal(d.pushed_authorization_request_endpoint, undefined);
      assert.equal(d.dpop_signing_alg_values_supported, undefined);
      const par = await fetch(`${t.publicUrl}/oauth2/par`, { method: 'POST', body: new URLSearchParams({ client_id: 'x' }) });
      assert.equal(par.status, 404);
      // A DPoP proof is ignored: the token stays a Bearer token (no binding the API could check).
      const admin = adminApi(t);
      const c = await createClient(admin, { grant_types: ['client_credentials'], response_types: [], scope: 'read' });
      const res = await fetch(`${t.publicUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`, dpop: 'x.y.z' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }),
      });
      assert.equal(((await res.json()) as { token_type: string }).token_type, 'Bearer');
    } finally {
      await t.stop();
    }
  });
});

it('REQUIRE_DPOP_FOR_WRITE is on by default in production only (off when DPoP is); an explicit requirement without its feature is refused', () => {
  const base = { LIGHTGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'lg-dpop-config-')), LIGHTGATE_SERVICES: 'auth' };
  const production = { ...base, NODE_ENV: 'production', SECRETS_SYSTEM: randomBytes(32).toString('base64url'), SECRETS_COOKIE: randomBytes(32).toString('base64url'), URLS_SELF_ISSUER: 'https://auth.example.com' };
  assert.equal(loadConfig(production).oauth2.requireDpopForWrite, true);
  assert.equal(loadConfig({ ...production, REQUIRE_DPOP_FOR_WRITE: 'false' }).oauth2.requireDpopForWrite, false);
  assert.equal(loadConfig({ ...production, OAUTH2_DPOP_ENABLED: 'false' }).oauth2.requireDpopForWrite, false);
  assert.equal(loadConfig({ ...base, NODE_ENV: 'test' }).oauth2.requireDpopForWrite, false);
  // An explicit requirement without its feature is a configuration error, never silently dropped.
  assert.throws(() => loadConfig({ ...base, REQUIRE_PAR_FOR_WRITE: 'true', OAUTH2_PAR_ENABLED: 'false' }), /REQUIRE_PAR_FOR_WRITE: needs OAUTH2_PAR_ENABLED/);
  assert.throws(() => loadConfig({ ...production, REQUIRE_DPOP_FOR_WRITE: 'true', OAUTH2_DPOP_ENABLED: 'false' }), /REQUIRE_DPOP_FOR_WRITE: needs OAUTH2_DPOP_ENABLED/);
  assert.throws(() => loadConfig({ ...base, REQUIRE_DPOP_FOR_WRITE: 'maybe' }), /REQUIRE_DPOP_FOR_WRITE/);
});
