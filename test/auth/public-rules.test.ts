// One black-box test per rule of the public API (issue 2): send X, expect Y.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OAuth2Api } from '@ory/hydra-client';
import { adminApi, createClient, relyingParty, type TestClient } from '../support/clients.ts';
import { createBrowser, exchange, leave, oidc, param, runFlow, tokenRequest } from '../support/tokens.ts';
import { CALLBACK, UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { lightgateTarget } from './lightgate-target.ts';

async function raw(url: string | URL, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), headers: res.headers, body: await res.text() };
}

async function createPublicClient(admin: OAuth2Api, over: Record<string, unknown> = {}): Promise<TestClient> {
  const { data } = await admin.createOAuth2Client({
    oAuth2Client: { redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid offline_access read', token_endpoint_auth_method: 'none', ...over },
  });
  assert.equal(data.client_secret, undefined, 'public clients have no secret');
  return { ...data, client_id: data.client_id!, client_secret: '' } as TestClient;
}

function authorizeQuery(c: TestClient, over: Record<string, string | undefined> = {}) {
  const params: Record<string, string> = { client_id: c.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid read', state: 'st4te-value-1234' };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete params[k];
    else params[k] = v;
  }
  return new URLSearchParams(params);
}

describe('public API rules', () => {
  let t: AuthTarget;
  let admin: OAuth2Api;
  before(async () => {
    t = await lightgateTarget('pglite', { CLIENT_AUTH_MAX_FAILURES: '3', CLIENT_AUTH_WINDOW: '60s' })(UNREACHABLE_UI);
    admin = adminApi(t);
  });
  after(() => t?.stop());

  it('serves discovery at both well-known paths, S256 only, no implicit or password grant', async () => {
    const oidcDoc = JSON.parse((await raw(`${t.publicUrl}/.well-known/openid-configuration`)).body);
    const oauthDoc = JSON.parse((await raw(`${t.publicUrl}/.well-known/oauth-authorization-server`)).body);
    assert.deepEqual(oauthDoc, oidcDoc);
    assert.deepEqual(oidcDoc.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(oidcDoc.response_types_supported, ['code']);
    assert.ok(!oidcDoc.grant_types_supported.includes('implicit') && !oidcDoc.grant_types_supported.includes('password'));
    assert.equal(oidcDoc.authorization_response_iss_parameter_supported, true);
    for (const s of ['openid', 'offline', 'offline_access', 'read', 'receive', 'write']) assert.ok(oidcDoc.scopes_supported.includes(s), s);
  });

  it('never redirects to an unregistered redirect_uri: exact match only, error page instead', async () => {
    const c = await createClient(admin);
    const variants = [`${CALLBACK}/`, CALLBACK.replace('/cb', '/CB'), `${CALLBACK}?x=1`, 'https://c@evil.example/cb', `${CALLBACK}#frag`, 'http://127.0.0.1:10/cb', 'https://evil.example/cb'];
    for (const redirectUri of variants) {
      const res = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(c, { redirect_uri: redirectUri })}`);
      assert.equal(res.location, null, `${redirectUri} must not be redirected to`);
      assert.equal(res.status, 400, redirectUri);
      assert.match(res.body, /redirect_uri/);
    }
    const unknown = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery({ ...c, client_id: 'no-such-client' })}`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.location, null);
    assert.match(unknown.body, /invalid_client/);
  });

  it('lets only the port vary for loopback redirects of native (public) clients', async () => {
    const native = await createPublicClient(admin, { redirect_uris: ['http://127.0.0.1/callback'] });
    const verifier = oidc.randomPKCECodeVerifier();
    const challenge = await oidc.calculatePKCECodeChallenge(verifier);
    const ok = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(native, { redirect_uri: 'http://127.0.0.1:53123/callback', code_challenge: challenge, code_challenge_method: 'S256' })}`);
    assert.equal(ok.status, 303);
    assert.ok(ok.location!.startsWith(t.loginUrl), 'loopback with any port is accepted');
    const otherPath = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(native, { redirect_uri: 'http://127.0.0.1:53123/other', code_challenge: challenge, code_challenge_method: 'S256' })}`);
    assert.equal(otherPath.status, 400, 'the path must still match');
    const web = await createClient(admin, { redirect_uris: ['http://127.0.0.1:9/cb'] });
    const webPort = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(web, { redirect_uri: 'http://127.0.0.1:10/cb' })}`);
    assert.equal(webPort.status, 400, 'confidential web clients get no port leeway');
  });

  it('issue 11 #5: a confidential client with a custom-scheme redirect gets exact loopback matching (RFC 8252 section 7.3 is for public native clients)', async () => {
    const c = await createClient(admin, { redirect_uris: ['com.example.app:/cb', 'http://127.0.0.1:9/callback'] });
    const exact = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(c, { redirect_uri: 'http://127.0.0.1:9/callback' })}`);
    assert.equal(exact.status, 303, 'the registered loopback URI works');
    assert.ok(exact.location!.startsWith(t.loginUrl));
    const otherPort = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(c, { redirect_uri: 'http://127.0.0.1:53123/callback' })}`);
    assert.equal(otherPort.status, 400, 'another port is refused');
    assert.equal(otherPort.location, null, 'with an error page, never a redirect');
    const scheme = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(c, { redirect_uri: 'com.example.app:/cb' })}`);
    assert.equal(scheme.status, 303, 'the custom scheme still works');
  });

  it('requires PKCE S256 for public clients and refuses a PKCE downgrade', async () => {
    const pub = await createPublicClient(admin);
    const noPkce = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(pub)}`);
    assert.equal(noPkce.status, 303);
    const cb = new URL(noPkce.location!);
    assert.equal(cb.searchParams.get('error'), 'invalid_request');
    assert.match(cb.searchParams.get('error_description') ?? '', /PKCE/);
    const plain = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(pub, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })}`);
    assert.equal(new URL(plain.location!).searchParams.get('error'), 'invalid_request');

    // A confidential client may skip PKCE, but a code issued without a challenge cannot be redeemed with a verifier.
    const c = await createClient(admin);
    const rp = await relyingParty(t, c);
    const b = createBrowser();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid read', state: 'no-pkce' });
    const login = param(await leave(b, t, url), 'login_challenge');
    const l = await admin.acceptOAuth2LoginRequest({ loginChallenge: login, acceptOAuth2LoginRequest: { subject: 'u-pkce' } });
    const consent = param(await leave(b, t, l.data.redirect_to), 'consent_challenge');
    const cs = await admin.acceptOAuth2ConsentRequest({ consentChallenge: consent, acceptOAuth2ConsentRequest: { grant_scope: ['openid', 'read'] } });
    const callback = await leave(b, t, cs.data.redirect_to);
    const downgrade = await tokenRequest(t, c, { grant_type: 'authorization_code', code: param(callback, 'code'), redirect_uri: CALLBACK, code_verifier: oidc.randomPKCECodeVerifier() });
    assert.equal(downgrade.status, 400);
    assert.equal(downgrade.body.error, 'invalid_grant');
  });

  it('returns iss (RFC 9207) and the state byte for byte, and puts the nonce in the ID token', async () => {
    const c = await createClient(admin);
    const rp = await relyingParty(t, c);
    const b = createBrowser();
    const state = 'ä+ /?&=%20~😀';
    const nonce = oidc.randomNonce();
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: CALLBACK, scope: 'openid read', state, nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const login = param(await leave(b, t, url), 'login_challenge');
    const l = await admin.acceptOAuth2LoginRequest({ loginChallenge: login, acceptOAuth2LoginRequest: { subject: 'u-state' } });
    const consent = param(await leave(b, t, l.data.redirect_to), 'consent_challenge');
    const cs = await admin.acceptOAuth2ConsentRequest({ consentChallenge: consent, acceptOAuth2ConsentRequest: { grant_scope: ['openid', 'read'] } });
    const callback = await leave(b, t, cs.data.redirect_to);
    assert.equal(callback.searchParams.get('state'), state);
    assert.equal(callback.searchParams.get('iss'), t.publicUrl);
    const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    assert.equal(tokens.claims()!.nonce, nonce);

    const denied = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(c, { scope: 'openid admin' })}`);
    const deniedUrl = new URL(denied.location!);
    assert.equal(deniedUrl.searchParams.get('iss'), t.publicUrl, 'iss on error responses too');
    assert.equal(deniedUrl.searchParams.get('state'), 'st4te-value-1234');
  });

  it('offers no implicit and no password grant, and sends Cache-Control: no-store with tokens', async () => {
    const c = await createClient(admin);
    const implicit = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(c, { response_type: 'token' })}`);
    // RFC 6749 section 4.2.2.1: the error of a token response type travels in the fragment.
    assert.equal(new URLSearchParams(new URL(implicit.location!).hash.slice(1)).get('error'), 'unsupported_response_type');
    const password = await tokenRequest(t, c, { grant_type: 'password', username: 'a', password: 'b' });
    assert.equal(password.body.error, 'unsupported_grant_type');

    const rp = await relyingParty(t, c);
    const flow = await runFlow(createBrowser(), t, admin, rp);
    const res = await fetch(`${t.publicUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: param(flow.callback, 'code'), redirect_uri: CALLBACK, code_verifier: flow.auth.codeVerifier }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('cache-control') ?? '', /no-store/);
  });

  it('authenticates clients with client_secret_post and client_secret_basic', async () => {
    const post = await createClient(admin, { token_endpoint_auth_method: 'client_secret_post' });
    const rp = await oidc.discovery(new URL(t.publicUrl), post.client_id, undefined, oidc.ClientSecretPost(post.client_secret), { execute: [oidc.allowInsecureRequests] });
    const tokens = await exchange(rp, await runFlow(createBrowser(), t, admin, rp));
    assert.ok(tokens.access_token);
    // oidc-provider treats the two secret methods as one (docs/hydra-compatibility.md); a wrong secret fails either way.
    const wrong = await tokenRequest(t, { ...post, client_secret: 'not-the-secret' }, { grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_client');
    const noSecret = await fetch(`${t.publicUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK, client_id: post.client_id }),
    });
    assert.equal(noSecret.status, 401, 'a confidential client cannot authenticate as public');
  });

  it('issues refresh tokens only for the refresh_token grant with offline or offline_access', async () => {
    const c = await createClient(admin, { scope: 'openid offline offline_access read' });
    const rp = await relyingParty(t, c);
    const withOffline = await exchange(rp, await runFlow(createBrowser(), t, admin, rp, { scope: 'openid offline read' }));
    assert.ok(withOffline.refresh_token, 'offline (Hydra) gives a refresh token');
    const withoutOffline = await exchange(rp, await runFlow(createBrowser(), t, admin, rp, { scope: 'openid read' }));
    assert.equal(withoutOffline.refresh_token, undefined);
    const noGrant = await createClient(admin, { grant_types: ['authorization_code'] });
    const rp2 = await relyingParty(t, noGrant);
    const tokens = await exchange(rp2, await runFlow(createBrowser(), t, admin, rp2));
    assert.equal(tokens.refresh_token, undefined, 'no refresh_token grant, no refresh token');
  });

  it('throttles repeated bad client secrets with 429 and Retry-After', async () => {
    const c = await createClient(admin);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${t.publicUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${c.client_id}:wrong-${i}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK }),
      });
      statuses.push(res.status);
      retryAfter = res.headers.get('retry-after') ?? retryAfter;
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    assert.ok(Number(retryAfter) > 0 && Number(retryAfter) <= 60, `Retry-After: ${retryAfter}`);
    // Issue 11 #4: the right secret is never refused because of failures (it gets as far as the grant check).
    const rightSecret = await tokenRequest(t, c, { grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK });
    assert.equal(rightSecret.status, 400, 'the right secret is accepted');
    const other = await createClient(admin);
    assert.equal((await tokenRequest(t, other, { grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK })).status, 400, 'other clients are not affected');
  });

  it('only active clients start flows or get tokens; suspending revokes every token', async () => {
    const c = await createClient(admin);
    const rp = await relyingParty(t, c);
    const tokens = await exchange(rp, await runFlow(createBrowser(), t, admin, rp));
    const setStatus = (status: string) =>
      fetch(`${t.adminUrl}/admin/clients/${c.client_id}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status }) });
    assert.equal((await setStatus('suspended')).status, 200);
    assert.deepEqual((await admin.introspectOAuth2Token({ token: tokens.access_token })).data, { active: false });
    assert.deepEqual((await admin.introspectOAuth2Token({ token: tokens.refresh_token! })).data, { active: false });
    const start = await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(c)}`);
    assert.equal(start.status, 400, 'a suspended client cannot start a flow');
    const refresh = await tokenRequest(t, c, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    assert.equal(refresh.body.error, 'invalid_client');
    assert.equal((await setStatus('active')).status, 200);
    assert.equal((await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(c)}`)).status, 303, 'reactivated');

    const pending = await createClient(admin, { status: 'pending' } as never);
    assert.equal(((await admin.getOAuth2Client({ id: pending.client_id })).data as { status?: string }).status, 'pending');
    assert.equal((await raw(`${t.publicUrl}/oauth2/auth?${authorizeQuery(pending)}`)).status, 400, 'a pending client cannot start a flow');
  });

  it('revokes access and refresh tokens at /oauth2/revoke (RFC 7009), only for the client they were issued to', async () => {
    const c = await createClient(admin);
    const other = await createClient(admin);
    const rp = await relyingParty(t, c);
    const tokens = await exchange(rp, await runFlow(createBrowser(), t, admin, rp));
    const revoke = (client: TestClient, token: string) =>
      fetch(`${t.publicUrl}/oauth2/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
        body: new URLSearchParams({ token }),
      });
    const foreign = await revoke(other, tokens.access_token);
    assert.notEqual(foreign.status, 500);
    assert.equal((await admin.introspectOAuth2Token({ token: tokens.access_token })).data.active, true, 'another client cannot revoke it');
    assert.equal((await revoke(c, tokens.access_token)).status, 200);
    assert.deepEqual((await admin.introspectOAuth2Token({ token: tokens.access_token })).data, { active: false });
    assert.equal((await revoke(c, tokens.refresh_token!)).status, 200);
    assert.deepEqual((await admin.introspectOAuth2Token({ token: tokens.refresh_token! })).data, { active: false });
    assert.equal((await revoke(c, 'never-issued')).status, 200, 'unknown tokens are answered 200 (RFC 7009 section 2.2)');
    const unauthenticated = await fetch(`${t.publicUrl}/oauth2/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=x' });
    assert.equal(unauthenticated.status, 400);
  });

  it('revokes every token of a client through DELETE /admin/oauth2/tokens', async () => {
    const c = await createClient(admin);
    const rp = await relyingParty(t, c);
    const tokens = await exchange(rp, await runFlow(createBrowser(), t, admin, rp));
    const res = await fetch(`${t.adminUrl}/admin/oauth2/tokens?client_id=${c.client_id}`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.deepEqual((await admin.introspectOAuth2Token({ token: tokens.access_token })).data, { active: false });
    assert.deepEqual((await admin.introspectOAuth2Token({ token: tokens.refresh_token! })).data, { active: false });
  });

  it('lets codes expire and answers expired codes with invalid_grant', async () => {
    const short = await lightgateTarget('pglite', { TTL_AUTH_CODE: '1s' })(UNREACHABLE_UI);
    try {
      const a = adminApi(short);
      const c = await createClient(a);
      const rp = await relyingParty(short, c);
      const flow = await runFlow(createBrowser(), short, a, rp);
      await new Promise((r) => setTimeout(r, 2100));
      const late = await tokenRequest(short, c, { grant_type: 'authorization_code', code: param(flow.callback, 'code'), redirect_uri: CALLBACK, code_verifier: flow.auth.codeVerifier });
      assert.equal(late.status, 400);
      assert.equal(late.body.error, 'invalid_grant');
    } finally {
      await short.stop();
    }
  });

  it('answers admin input errors with Hydra error JSON, never a 500', async () => {
    const cases: [string, string, string | undefined, number][] = [
      ['POST', '/admin/clients', '{not json', 400],
      ['POST', '/admin/clients', '[]', 400],
      ['POST', '/admin/clients', JSON.stringify({ grant_types: ['implicit'] }), 400],
      ['POST', '/admin/clients', JSON.stringify({ grant_types: ['password'] }), 400],
      ['POST', '/admin/clients', JSON.stringify({ redirect_uris: ['javascript:alert(1)'] }), 400],
      ['POST', '/admin/clients', JSON.stringify({ token_endpoint_auth_method: 'private_key_jwt' }), 400],
      ['POST', '/admin/clients', JSON.stringify({ scope: 123 }), 400],
      ['PATCH', '/admin/clients/nope', '[]', 404],
      ['PUT', '/admin/clients/nope/status', JSON.stringify({ status: 'bogus' }), 400],
      ['POST', '/admin/oauth2/introspect', '', 400],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await fetch(`${t.adminUrl}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body });
      assert.equal(res.status, status, `${method} ${path} ${body}`);
      const json = (await res.json()) as { error: string; error_description: string };
      assert.equal(typeof json.error, 'string');
      assert.equal(typeof json.error_description, 'string');
    }
    const c = await createClient(admin);
    const badPatch = await fetch(`${t.adminUrl}/admin/clients/${c.client_id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ op: 'replace', path: '/grant_types', value: 'nope' }]) });
    assert.equal(badPatch.status, 400);
  });
});
