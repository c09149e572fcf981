// The admin-API end-to-end suite of the authorization server (issue 8). The same test bodies run
// against a real Ory Hydra v2 (hydra-admin-api.hydra-test.ts) and against Lightgate's auth server,
// so they encode Hydra's observed behaviour; docs/hydra-compatibility.md lists what differs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OAuth2Api } from '@ory/hydra-client';
import { createClient, failure, relyingParty } from '../support/clients.ts';
import { authorizationUrl, createBrowser, exchange, introspect, isCallback, leave, oidc, param, runFlow, tokenRequest } from '../support/tokens.ts';
import { CALLBACK, POST_LOGOUT, type AuthTarget, type TargetFactory , targetPerSuite } from './support/target.ts';

function assertAbout(actual: number, expected: number, message: string): void {
  assert.ok(Math.abs(actual - expected) <= 2, `${message}: ${actual} vs ${expected}`);
}

export function adminApiSuite(label: string, start: TargetFactory): void {
  describe(`admin API end to end: ${label}`, () => {
    let t: AuthTarget;
    let admin: OAuth2Api;

    targetPerSuite(start, (target, api) => {
      t = target;
      admin = api;
    });

    it('publishes discovery at Hydra paths', async () => {
      const res = await fetch(`${t.publicUrl}/.well-known/openid-configuration`);
      assert.equal(res.status, 200);
      const d = (await res.json()) as Record<string, unknown>;
      assert.equal(d.issuer, t.publicUrl);
      assert.equal(d.authorization_endpoint, `${t.publicUrl}/oauth2/auth`);
      assert.equal(d.token_endpoint, `${t.publicUrl}/oauth2/token`);
      assert.equal(d.userinfo_endpoint, `${t.publicUrl}/userinfo`);
      assert.equal(d.jwks_uri, `${t.publicUrl}/.well-known/jwks.json`);
      assert.equal(d.revocation_endpoint, `${t.publicUrl}/oauth2/revoke`);
      assert.equal(d.end_session_endpoint, `${t.publicUrl}/oauth2/sessions/logout`);
      const jwks = (await (await fetch(`${t.publicUrl}/.well-known/jwks.json`)).json()) as { keys: { kid: string; use: string }[] };
      assert.ok(jwks.keys.some((k) => k.use === 'sig' && k.kid), 'a signing key with a kid');
    });

    it('creates clients with Hydra defaults and answers client errors like Hydra', async () => {
      const { data: bare } = await admin.createOAuth2Client({ oAuth2Client: {} });
      assert.match(bare.client_id!, /^[0-9a-f-]{36}$/, 'generated client_id is a UUID');
      assert.ok(bare.client_secret && bare.client_secret.length >= 26, 'a generated secret, shown once');
      assert.equal(bare.scope, 'offline_access offline openid');
      assert.equal(bare.token_endpoint_auth_method, 'client_secret_basic');
      assert.equal(bare.subject_type, 'public');
      assert.equal(bare.skip_consent, false);
      assert.deepEqual(bare.audience, []);
      assert.equal(bare.owner, '');
      assert.equal(bare.client_name, '');
      assert.deepEqual(bare.metadata, {});
      assert.equal(bare.client_secret_expires_at, 0);

      const { data: got } = await admin.getOAuth2Client({ id: bare.client_id! });
      assert.equal(got.client_secret, undefined, 'the secret is never shown again');
      assert.equal(got.client_id, bare.client_id);

      const { data: fixed } = await admin.createOAuth2Client({ oAuth2Client: { client_id: `fixed-${Date.now()}`, owner: 'owner-a', client_name: 'Fixed' } });
      assert.match(fixed.client_id!, /^fixed-/);
      const dup = await failure(admin.createOAuth2Client({ oAuth2Client: { client_id: fixed.client_id! } }));
      assert.equal(dup.status, 409);

      const byOwner = await admin.listOAuth2Clients({ owner: 'owner-a' });
      assert.deepEqual(byOwner.data.map((c) => c.client_id), [fixed.client_id]);
      const byName = await admin.listOAuth2Clients({ clientName: 'Fixed' });
      assert.deepEqual(byName.data.map((c) => c.client_id), [fixed.client_id]);

      const badRedirect = await failure(admin.createOAuth2Client({ oAuth2Client: { redirect_uris: ['http://x/cb#frag'] } }));
      assert.equal(badRedirect.status, 400);
      assert.equal(badRedirect.body.error, 'invalid_redirect_uri');
      const shortSecret = await failure(admin.createOAuth2Client({ oAuth2Client: { client_secret: 'short' } }));
      assert.equal(shortSecret.status, 400);
      assert.equal(shortSecret.body.error, 'invalid_client_metadata');

      // PUT is a full replacement: omitted fields fall back to the defaults.
      const c = await createClient(admin);
      const { data: put } = await admin.setOAuth2Client({ id: c.client_id, oAuth2Client: { client_name: 'renamed', redirect_uris: [CALLBACK] } });
      assert.equal(put.client_name, 'renamed');
      assert.equal(put.scope, 'offline_access offline openid');
      assert.equal(put.token_endpoint_auth_method, 'client_secret_basic');
      const { data: patched } = await admin.patchOAuth2Client({ id: c.client_id, jsonPatch: [{ op: 'replace', path: '/client_name', value: 'patched' }] });
      assert.equal(patched.client_name, 'patched');

      await admin.deleteOAuth2Client({ id: c.client_id });
      const gone = await failure(admin.getOAuth2Client({ id: c.client_id }));
      assert.equal(gone.status, 404);
      assert.equal(typeof gone.body.error, 'string');
      const again = await failure(admin.deleteOAuth2Client({ id: c.client_id }));
      assert.equal(again.status, 404);
    });

    it('runs the authorization code flow: login and consent by challenge, tokens, userinfo, introspection', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const b = createBrowser();

      const auth = await authorizationUrl(rp);
      const atLogin = await leave(b, t, auth.url);
      assert.equal(atLogin.origin + atLogin.pathname, t.loginUrl);
      const loginChallenge = param(atLogin, 'login_challenge');

      const { data: login } = await admin.getOAuth2LoginRequest({ loginChallenge });
      assert.equal(login.challenge, loginChallenge);
      assert.equal(login.skip, false);
      assert.equal(login.subject, '');
      assert.deepEqual(login.requested_scope, ['openid', 'offline_access', 'read']);
      assert.deepEqual(login.requested_access_token_audience, []);
      assert.equal(login.client.client_id, c.client_id);
      assert.equal(login.client.client_secret, undefined);
      assert.ok(login.request_url.startsWith(`${t.publicUrl}/oauth2/auth?`), login.request_url);
      assert.deepEqual(login.oidc_context, {});
      assert.ok(login.session_id, 'a login session id before login');

      const noSubject = await failure(admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject: '' } }));
      assert.equal(noSubject.status, 400);
      assert.equal(noSubject.body.error, 'invalid_request');

      const { data: accepted } = await admin.acceptOAuth2LoginRequest({
        loginChallenge,
        acceptOAuth2LoginRequest: { subject: 'user-1', remember: true, remember_for: 3600, acr: '1', amr: ['pwd'], context: { tier: 'gold' } },
      });
      // Hydra: the request URL plus the verifier; Lightgate: the same on the flow's own path (/oauth2/auth/<challenge>).
      assert.ok(accepted.redirect_to.startsWith(t.kind === 'lightgate' ? `${t.publicUrl}/oauth2/auth/${loginChallenge}?` : `${t.publicUrl}/oauth2/auth?`), accepted.redirect_to);
      assert.ok(new URL(accepted.redirect_to).searchParams.get('login_verifier'));

      const atConsent = await leave(b, t, accepted.redirect_to);
      assert.equal(atConsent.origin + atConsent.pathname, t.consentUrl);
      const consentChallenge = param(atConsent, 'consent_challenge');
      const { data: consent } = await admin.getOAuth2ConsentRequest({ consentChallenge });
      assert.equal(consent.challenge, consentChallenge);
      assert.equal(consent.skip, false);
      assert.equal(consent.subject, 'user-1');
      assert.deepEqual(consent.requested_scope, ['openid', 'offline_access', 'read']);
      assert.equal(consent.client!.client_id, c.client_id);
      assert.equal(consent.login_session_id, login.session_id);
      assert.ok(consent.login_challenge);
      assert.equal(consent.acr, '1');
      assert.deepEqual(consent.amr, ['pwd']);
      assert.deepEqual(consent.context, { tier: 'gold' });

      const { data: consented } = await admin.acceptOAuth2ConsentRequest({
        consentChallenge,
        acceptOAuth2ConsentRequest: {
          grant_scope: ['openid', 'offline_access', 'read'],
          remember: true,
          remember_for: 0,
          session: { id_token: { email: 'u1@example.com' }, access_token: { tier: 'gold' } },
        },
      });
      const callback = await leave(b, t, consented.redirect_to);
      assert.ok(isCallback(callback), callback.href);
      assert.equal(callback.searchParams.get('state'), auth.state);
      assert.equal(callback.searchParams.get('scope'), 'openid offline_access read');

      const tokens = await oidc.authorizationCodeGrant(rp, callback, {
        pkceCodeVerifier: auth.codeVerifier,
        expectedState: auth.state,
        expectedNonce: auth.nonce,
      });
      assert.equal(tokens.token_type, 'bearer');
      assertAbout(tokens.expires_in!, 3600, 'expires_in (Hydra counts down: 3599 or 3600)');
      assert.equal(tokens.scope, 'openid offline_access read');
      assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
      const claims = tokens.claims()!;
      assert.equal(claims.sub, 'user-1');
      assert.equal(claims.iss, t.publicUrl);
      // Hydra: an array; a single string is equally valid OIDC (docs/hydra-compatibility.md, row 13).
      assert.deepEqual([claims.aud].flat(), [c.client_id]);
      assert.equal(claims.nonce, auth.nonce);
      assert.equal(claims.sid, login.session_id);
      assert.equal(claims.acr, '1');
      assert.deepEqual(claims.amr, ['pwd']);
      assert.equal(claims.email, 'u1@example.com');
      assert.equal(typeof claims.auth_time, 'number');
      // Hydra also sends at_hash and jti; both are OPTIONAL in OIDC Core for the code flow (row 13).

      const info = await oidc.fetchUserInfo(rp, tokens.access_token, 'user-1');
      assert.equal(info.sub, 'user-1');
      assert.equal(info.email, 'u1@example.com');
      // Hydra adds acr, amr, aud, auth_time, iat, iss, rat; OIDC requires only sub (row 14).

      const access = await introspect(admin, tokens.access_token);
      assert.equal(access.active, true);
      assert.equal(access.token_use, 'access_token');
      assert.equal(access.token_type, 'Bearer');
      assert.equal(access.scope, 'openid offline_access read');
      assert.equal(access.client_id, c.client_id);
      assert.equal(access.sub, 'user-1');
      assert.equal(access.iss, t.publicUrl);
      assert.deepEqual(access.aud, []);
      assert.deepEqual(access.ext, { tier: 'gold' });
      assertAbout(access.exp! - access.iat!, 3600, 'access token lives 1h (Hydra: exp - iat may be 3601)');
      assert.equal(access.nbf, access.iat);

      const refresh = await introspect(admin, tokens.refresh_token!);
      assert.equal(refresh.active, true);
      assert.equal(refresh.token_use, 'refresh_token');
      assertAbout(refresh.exp! - refresh.iat!, 720 * 3600, 'refresh token lives 720h');

      assert.equal((await introspect(admin, tokens.access_token, 'read')).active, true);
      assert.deepEqual(await introspect(admin, tokens.access_token, 'write'), { active: false });
      assert.deepEqual(await introspect(admin, 'not-a-token'), { active: false });

      const bad = await fetch(`${t.publicUrl}/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
      assert.equal(bad.status, 401);
      assert.match(bad.headers.get('www-authenticate') ?? '', /^Bearer /);
    });

    it('rotates refresh tokens; reuse of a used refresh token fails and revokes the new ones', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const first = await exchange(rp, await runFlow(createBrowser(), t, admin, rp));

      const second = await oidc.refreshTokenGrant(rp, first.refresh_token!);
      assert.notEqual(second.refresh_token, first.refresh_token);
      assert.equal(second.scope, 'openid offline_access read');
      assert.ok(second.id_token, 'refresh with openid returns an id_token');
      assert.deepEqual(await introspect(admin, first.access_token), { active: false }, 'the old access token dies on refresh');
      assert.equal((await introspect(admin, second.access_token)).active, true);

      const reuse = await tokenRequest(t, c, { grant_type: 'refresh_token', refresh_token: first.refresh_token! });
      assert.equal(reuse.status, 400);
      assert.equal(reuse.body.error, 'invalid_grant');
      assert.match(String(reuse.body.error_description), /already used/);
      assert.deepEqual(await introspect(admin, second.access_token), { active: false }, 'reuse revokes the whole chain');
      assert.deepEqual(await introspect(admin, second.refresh_token!), { active: false });
    });

    it('rejects a replayed authorization code and revokes what the code gave', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const subject = `user-replay-${Date.now()}`;
      const flow = await runFlow(createBrowser(), t, admin, rp, { subject });
      const tokens = await exchange(rp, flow);
      const replay = await tokenRequest(t, c, {
        grant_type: 'authorization_code',
        code: param(flow.callback, 'code'),
        redirect_uri: CALLBACK,
        code_verifier: flow.auth.codeVerifier,
      });
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, 'invalid_grant');
      assert.match(String(replay.body.error_description), /already been used/);
      assert.deepEqual(await introspect(admin, tokens.access_token), { active: false });
      assert.deepEqual(await introspect(admin, tokens.refresh_token!), { active: false });
      // The tokens die, the consent does not: it is still listed (and can be revoked).
      const { data: listed } = await admin.listOAuth2ConsentSessions({ subject });
      assert.deepEqual(listed.map((s) => s.consent_request?.client?.client_id), [c.client_id]);
    });

    it('answers token endpoint errors with RFC 6749 codes', async () => {
      const c = await createClient(admin);
      const wrongSecret = await tokenRequest(t, { ...c, client_secret: 'wrong-secret' }, { grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK });
      assert.equal(wrongSecret.status, 401);
      assert.equal(wrongSecret.body.error, 'invalid_client');
      const unknown = await tokenRequest(t, { ...c, client_id: 'no-such-client' }, { grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.error, 'invalid_client');
      const garbage = await tokenRequest(t, c, { grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: CALLBACK });
      assert.equal(garbage.status, 400);
      assert.equal(garbage.body.error, 'invalid_grant');
      const notAllowed = await tokenRequest(t, c, { grant_type: 'client_credentials' });
      assert.equal(notAllowed.status, 400);
      assert.equal(notAllowed.body.error, 'unauthorized_client');

      const rp = await relyingParty(t, c);
      const flow = await runFlow(createBrowser(), t, admin, rp);
      const wrongRedirect = await tokenRequest(t, c, {
        grant_type: 'authorization_code',
        code: param(flow.callback, 'code'),
        redirect_uri: 'http://127.0.0.1:9/other',
        code_verifier: flow.auth.codeVerifier,
      });
      assert.equal(wrongRedirect.status, 400);
      assert.equal(wrongRedirect.body.error, 'invalid_grant');
    });

    it('issues client_credentials tokens to a client that has the grant', async () => {
      const { data } = await admin.createOAuth2Client({ oAuth2Client: { grant_types: ['client_credentials'], scope: 'read write' } });
      const c = { ...data, client_id: data.client_id!, client_secret: data.client_secret! };
      const res = await tokenRequest(t, c, { grant_type: 'client_credentials', scope: 'read' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(String(res.body.token_type).toLowerCase(), 'bearer');
      assert.equal(res.body.scope, 'read');
      assert.equal(res.body.refresh_token, undefined);
      assert.equal(res.body.id_token, undefined);
      const info = await introspect(admin, String(res.body.access_token));
      assert.equal(info.active, true);
      assert.equal(info.client_id, c.client_id);
      assert.equal(info.sub, c.client_id, 'Hydra: the subject of a client_credentials token is the client');
      assert.equal(info.token_use, 'access_token');
      const tooMuch = await tokenRequest(t, c, { grant_type: 'client_credentials', scope: 'admin' });
      assert.equal(tooMuch.status, 400);
      assert.equal(tooMuch.body.error, 'invalid_scope');
    });

    it('remembers login and consent: skip=true, subject fixed, a different subject forces prompt=login', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const b = createBrowser();
      await runFlow(b, t, admin, rp, { subject: 'user-skip', remember: true });

      const auth = await authorizationUrl(rp);
      const loginChallenge = param(await leave(b, t, auth.url), 'login_challenge');
      const { data: login } = await admin.getOAuth2LoginRequest({ loginChallenge });
      assert.equal(login.skip, true);
      assert.equal(login.subject, 'user-skip');

      const { data: other } = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject: 'someone-else' } });
      const otherUrl = new URL(other.redirect_to);
      assert.equal(otherUrl.searchParams.get('prompt'), 'login', 'a different subject restarts with prompt=login');
      assert.equal(otherUrl.searchParams.get('login_verifier'), null);

      const { data: same } = await admin.acceptOAuth2LoginRequest({ loginChallenge, acceptOAuth2LoginRequest: { subject: 'user-skip' } });
      const consentChallenge = param(await leave(b, t, same.redirect_to), 'consent_challenge');
      const { data: consent } = await admin.getOAuth2ConsentRequest({ consentChallenge });
      assert.equal(consent.skip, true, 'remembered consent covers the same scopes');
      assert.equal(consent.subject, 'user-skip');
      const { data: done } = await admin.acceptOAuth2ConsentRequest({ consentChallenge, acceptOAuth2ConsentRequest: { grant_scope: consent.requested_scope } });
      assert.ok(isCallback(await leave(b, t, done.redirect_to)));

      // Asking for more than was remembered asks again.
      const wider = await authorizationUrl(rp, 'openid offline_access read write');
      const lc2 = param(await leave(b, t, wider.url), 'login_challenge');
      const { data: l2 } = await admin.acceptOAuth2LoginRequest({ loginChallenge: lc2, acceptOAuth2LoginRequest: { subject: 'user-skip' } });
      const cc2 = param(await leave(b, t, l2.redirect_to), 'consent_challenge');
      assert.equal((await admin.getOAuth2ConsentRequest({ consentChallenge: cc2 })).data.skip, false);
    });

    it('sends rejections to the client as error redirects', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const b = createBrowser();
      const auth = await authorizationUrl(rp);
      const loginChallenge = param(await leave(b, t, auth.url), 'login_challenge');
      const { data: rejected } = await admin.rejectOAuth2LoginRequest({
        loginChallenge,
        rejectOAuth2Request: { error: 'access_denied', error_description: 'The user said no.' },
      });
      const cb = await leave(b, t, rejected.redirect_to);
      assert.ok(isCallback(cb), cb.href);
      assert.equal(cb.searchParams.get('error'), 'access_denied');
      assert.equal(cb.searchParams.get('error_description'), 'The user said no.');
      assert.equal(cb.searchParams.get('state'), auth.state);
      assert.equal(cb.searchParams.get('code'), null);

      const auth2 = await authorizationUrl(rp);
      const lc = param(await leave(b, t, auth2.url), 'login_challenge');
      const { data: l } = await admin.acceptOAuth2LoginRequest({ loginChallenge: lc, acceptOAuth2LoginRequest: { subject: 'user-r' } });
      const cc = param(await leave(b, t, l.redirect_to), 'consent_challenge');
      const { data: rc } = await admin.rejectOAuth2ConsentRequest({ consentChallenge: cc, rejectOAuth2Request: { error: 'access_denied', error_description: 'No consent.' } });
      const cb2 = await leave(b, t, rc.redirect_to);
      assert.equal(cb2.searchParams.get('error'), 'access_denied');
      assert.equal(cb2.searchParams.get('error_description'), 'No consent.');

      const none = await authorizationUrl(rp, 'openid', { prompt: 'none' });
      const cb3 = await leave(createBrowser(), t, none.url);
      assert.ok(isCallback(cb3), cb3.href);
      assert.equal(cb3.searchParams.get('error'), 'login_required');

      const scope = await authorizationUrl(rp, 'openid admin');
      const cb4 = await leave(createBrowser(), t, scope.url);
      assert.equal(cb4.searchParams.get('error'), 'invalid_scope');
    });

    it('answers unknown and missing challenges with 404 and 400', async () => {
      const unknownLogin = await failure(admin.getOAuth2LoginRequest({ loginChallenge: 'no-such-challenge' }));
      assert.equal(unknownLogin.status, 404);
      assert.equal(typeof unknownLogin.body.error, 'string');
      assert.equal('status_code' in unknownLogin.body, false, 'admin errors are {error, error_description}');
      const unknownConsent = await failure(admin.getOAuth2ConsentRequest({ consentChallenge: 'no-such-challenge' }));
      assert.equal(unknownConsent.status, 404);
      const unknownLogout = await failure(admin.getOAuth2LogoutRequest({ logoutChallenge: 'no-such-challenge' }));
      assert.equal(unknownLogout.status, 404);
      const missing = await fetch(`${t.adminUrl}/admin/oauth2/auth/requests/login`);
      assert.equal(missing.status, 400);
      assert.equal(((await missing.json()) as { error: string }).error, 'invalid_request');
    });

    it('never completes a used flow twice (handled challenges and replayed verifiers)', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const b = createBrowser();
      const flow = await runFlow(b, t, admin, rp);
      await exchange(rp, flow);

      // The consent verifier is single use: following it again gives no second code.
      const replayed = await leave(b, t, flow.consentVerifierUrl);
      assert.ok(isCallback(replayed), replayed.href);
      assert.equal(replayed.searchParams.get('code'), null);
      assert.equal(replayed.searchParams.get('error'), 'access_denied');

      // Accepting a handled consent challenge again: Hydra >= 2.3 (stateless flows) answers 200 with a
      // verifier that cannot complete; Hydra < 2.3 answered 410 {redirect_to}. Either way: no code.
      try {
        const { data } = await admin.acceptOAuth2ConsentRequest({ consentChallenge: flow.consentChallenge, acceptOAuth2ConsentRequest: { grant_scope: ['openid'] } });
        const end = await leave(b, t, data.redirect_to);
        assert.equal(end.searchParams.get('code'), null, `a handled consent challenge gave a second code: ${end.href}`);
      } catch (e) {
        const res = (e as { response?: { status: number; data: { redirect_to?: string } } }).response;
        assert.equal(res?.status, 410, String(e));
        assert.deepEqual(Object.keys(res.data), ['redirect_to']);
      }
    });

    it('lists and revokes consent sessions; revoking kills the tokens', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const subject = `user-cs-${Date.now()}`;
      const tokens = await exchange(rp, await runFlow(createBrowser(), t, admin, rp, { subject, remember: true, context: { tier: 'gold' }, session: { access_token: { k: 'v' } } }));

      const { data: sessions } = await admin.listOAuth2ConsentSessions({ subject });
      assert.equal(sessions.length, 1);
      const s = sessions[0]!;
      assert.deepEqual(s.grant_scope, ['openid', 'offline_access', 'read']);
      assert.deepEqual(s.grant_access_token_audience, []);
      assert.equal(s.remember, true);
      assert.equal(s.remember_for, 0);
      assert.ok(s.handled_at);
      assert.deepEqual(s.session, { access_token: { k: 'v' }, id_token: {} });
      assert.deepEqual(s.context, { tier: 'gold' }, "the login's context, also inside consent_request");
      assert.deepEqual(s.consent_request!.context, { tier: 'gold' });
      assert.equal(s.consent_request!.subject, subject);
      assert.equal(s.consent_request!.client!.client_id, c.client_id);

      const noSubject = await fetch(`${t.adminUrl}/admin/oauth2/auth/sessions/consent`);
      assert.equal(noSubject.status, 400);
      const neither = await fetch(`${t.adminUrl}/admin/oauth2/auth/sessions/consent?subject=${subject}`, { method: 'DELETE' });
      assert.equal(neither.status, 400, 'revoking needs client= or all=true');
      assert.equal(((await neither.json()) as { error: string }).error, 'invalid_request');

      await admin.revokeOAuth2ConsentSessions({ subject, client: c.client_id });
      assert.deepEqual((await admin.listOAuth2ConsentSessions({ subject })).data, []);
      assert.deepEqual(await introspect(admin, tokens.access_token), { active: false });
      assert.deepEqual(await introspect(admin, tokens.refresh_token!), { active: false });

      // Revoking for all clients of a subject with nothing left is still 204.
      const all = await fetch(`${t.adminUrl}/admin/oauth2/auth/sessions/consent?subject=${subject}&all=true`, { method: 'DELETE' });
      assert.equal(all.status, 204);
    });

    it('revokes login sessions: the next authorization asks to log in, tokens stay valid', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const b = createBrowser();
      const subject = `user-ls-${Date.now()}`;
      const tokens = await exchange(rp, await runFlow(b, t, admin, rp, { subject, remember: true }));

      const missing = await fetch(`${t.adminUrl}/admin/oauth2/auth/sessions/login`, { method: 'DELETE' });
      assert.equal(missing.status, 400);
      await admin.revokeOAuth2LoginSessions({ subject });

      const auth = await authorizationUrl(rp);
      const loginChallenge = param(await leave(b, t, auth.url), 'login_challenge');
      const { data: login } = await admin.getOAuth2LoginRequest({ loginChallenge });
      assert.equal(login.skip, false);
      assert.equal(login.subject, '');
      assert.equal((await introspect(admin, tokens.access_token)).active, true, 'login sessions are not grants');
    });

    it('runs RP-initiated and browser-initiated logout by challenge; a used logout challenge is 410', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const b = createBrowser();
      const subject = `user-lo-${Date.now()}`;
      const tokens = await exchange(rp, await runFlow(b, t, admin, rp, { subject, remember: true, scope: 'openid' }));

      const end = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT, state: 'bye-state' });
      const atLogout = await leave(b, t, end);
      assert.equal(atLogout.origin + atLogout.pathname, t.logoutUrl);
      const logoutChallenge = param(atLogout, 'logout_challenge');
      const { data: lr } = await admin.getOAuth2LogoutRequest({ logoutChallenge });
      assert.equal(lr.subject, subject);
      assert.equal(lr.rp_initiated, true);
      assert.equal(lr.sid, tokens.claims()!.sid);
      assert.equal(lr.client!.client_id, c.client_id);
      assert.ok(lr.request_url!.startsWith('/oauth2/sessions/logout?'), 'Hydra gives a path, not a URL');

      const { data: acc } = await admin.acceptOAuth2LogoutRequest({ logoutChallenge });
      assert.ok(acc.redirect_to.startsWith(`${t.publicUrl}/oauth2/sessions/logout?logout_verifier=`), acc.redirect_to);
      const bye = await leave(b, t, acc.redirect_to);
      assert.equal(bye.origin + bye.pathname, POST_LOGOUT);
      assert.equal(bye.searchParams.get('state'), 'bye-state');

      const used = await failure(admin.getOAuth2LogoutRequest({ logoutChallenge }));
      assert.equal(used.status, 410);
      assert.deepEqual(used.body, { redirect_to: lr.request_url }, 'a 410 carries only redirect_to');
      assert.equal((await introspect(admin, tokens.access_token)).active, true, 'logout does not revoke tokens');

      // The login session is gone: the next authorization asks to log in.
      const auth = await authorizationUrl(rp);
      const lc = param(await leave(b, t, auth.url), 'login_challenge');
      assert.equal((await admin.getOAuth2LoginRequest({ loginChallenge: lc })).data.skip, false);

      // Browser-initiated logout (no id_token_hint), then rejected.
      const b2 = createBrowser();
      await runFlow(b2, t, admin, rp, { subject: `${subject}-2`, remember: true, scope: 'openid' });
      const at2 = await leave(b2, t, `${t.publicUrl}/oauth2/sessions/logout`);
      const lo2 = param(at2, 'logout_challenge');
      const { data: lr2 } = await admin.getOAuth2LogoutRequest({ logoutChallenge: lo2 });
      assert.equal(lr2.rp_initiated, false);
      assert.equal(lr2.subject, `${subject}-2`);
      assert.equal(lr2.client ?? null, null);
      await admin.rejectOAuth2LogoutRequest({ logoutChallenge: lo2 });
      const afterReject = await failure(admin.getOAuth2LogoutRequest({ logoutChallenge: lo2 }));
      assert.equal(afterReject.status, 404);
    });
  });
}

/** Which consents the admin API lists (Hydra: every explicit, non-skipped consent; skipped ones never). */
export function consentListingSuite(label: string, start: TargetFactory): void {
  describe(`consent session listing: ${label}`, () => {
    let t: AuthTarget;
    let admin: OAuth2Api;
    targetPerSuite(start, (target, api) => {
      t = target;
      admin = api;
    });

    it('lists explicit consents only; a skipped consent neither appears nor replaces the remembered one', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const b = createBrowser();
      const subject = `user-list-${Date.now()}`;
      await runFlow(b, t, admin, rp, { subject, remember: true, acr: '2', amr: ['otp'], session: { access_token: { tier: 'gold' } } });

      // Same browser: login and consent are both skipped; the app accepts without session data.
      const again = await authorizationUrl(rp);
      const lc = param(await leave(b, t, again.url), 'login_challenge');
      const { data: l } = await admin.acceptOAuth2LoginRequest({ loginChallenge: lc, acceptOAuth2LoginRequest: { subject } });
      const cc = param(await leave(b, t, l.redirect_to), 'consent_challenge');
      const { data: consent } = await admin.getOAuth2ConsentRequest({ consentChallenge: cc });
      assert.equal(consent.skip, true);
      const { data: done } = await admin.acceptOAuth2ConsentRequest({ consentChallenge: cc, acceptOAuth2ConsentRequest: { grant_scope: consent.requested_scope } });
      assert.ok(isCallback(await leave(b, t, done.redirect_to)));

      const { data: listed } = await admin.listOAuth2ConsentSessions({ subject });
      assert.equal(listed.length, 1, 'the skipped consent is not listed');
      assert.equal(listed[0]!.remember, true);
      assert.deepEqual(listed[0]!.session?.access_token, { tier: 'gold' });
      assert.equal(listed[0]!.consent_request!.skip, false);
      assert.equal(listed[0]!.consent_request!.acr, '2');
      assert.deepEqual(listed[0]!.consent_request!.amr, ['otp']);

      // A wider scope asks again; that explicit (not remembered) consent is listed too.
      await runFlow(b, t, admin, rp, { subject, scope: 'openid offline_access read write' });
      const { data: both } = await admin.listOAuth2ConsentSessions({ subject });
      assert.equal(both.length, 2);
      // Hydra orders by requested_at (second precision), so flows in the same second come in any order.
      const wide = both.find((x) => x.grant_scope?.includes('write'));
      const narrow = both.find((x) => !x.grant_scope?.includes('write'));
      assert.equal(wide?.remember, false);
      assert.equal(narrow?.remember, true);
    });
  });
}
