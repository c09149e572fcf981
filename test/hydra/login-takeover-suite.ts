// Issue 11 #1 at the HTTP level, with two cookie jars: a login challenge must not work as a bearer ticket.
// The same test bodies run against Lightgate (test/auth/login-takeover.test.ts, PGlite and PostgreSQL) and
// against a real Ory Hydra (login-takeover.hydra-test.ts), to show both behave alike. The suite plays the
// login & consent app through the admin API, as that app would after the victim typed their code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OAuth2Api } from '@ory/hydra-client';
import { createClient, relyingParty } from '../support/clients.ts';
import { authorizationUrl, createBrowser, isCallback, leave, param, runFlow, type Browser } from '../support/tokens.ts';
import { type AuthTarget, type TargetFactory , targetPerSuite } from './support/target.ts';

/** Where a browser ends when it follows url on the auth server: the URL it was sent to elsewhere, or the page it stopped on. */
async function land(b: Browser, t: AuthTarget, url: string | URL): Promise<{ url: URL; status?: number }> {
  const r = await b.follow(url, (u) => u.origin === new URL(t.publicUrl).origin);
  return r.response ? { url: r.url, status: r.response.status } : { url: r.url };
}

/** The browser got nothing that continues the victim's flow: no consent screen, no code. */
function assertNothing(t: AuthTarget, end: { url: URL; status?: number }, what: string) {
  const at = end.url.origin + end.url.pathname;
  assert.notEqual(at, t.consentUrl, `${what}: reached the consent app (${end.url.href})`);
  assert.equal(end.url.searchParams.get('code'), null, `${what}: got a code (${end.url.href})`);
  if (end.status !== undefined) assert.ok(end.status >= 400, `${what}: ended on ${end.status} at ${end.url.href}`);
}

export function loginTakeoverSuite(label: string, start: TargetFactory): void {
  describe(`issue 11 #1, a login challenge is not a bearer ticket: ${label}`, () => {
    let t: AuthTarget;
    let admin: OAuth2Api;
    targetPerSuite(start, (target, api) => {
      t = target;
      admin = api;
    });

    it('issue 11 #1: the attacker who started the flow gets neither code nor session when the victim signs in with the challenge link', async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const attacker = createBrowser();
      const victim = createBrowser();
      const victimId = `victim-${Date.now()}`;

      // 1. The attacker starts a flow and keeps the link to the login app.
      const auth = await authorizationUrl(rp);
      const challenge = param(await leave(attacker, t, auth.url), 'login_challenge');

      // 2. The victim opens the link and signs in: the login app accepts for the victim and sends the victim's browser on.
      const { data: login } = await admin.getOAuth2LoginRequest({ loginChallenge: challenge });
      assert.equal(login.skip, false);
      const { data: accepted } = await admin.acceptOAuth2LoginRequest({ loginChallenge: challenge, acceptOAuth2LoginRequest: { subject: victimId, remember: true, remember_for: 3600 } });
      const victimEnd = await land(victim, t, accepted.redirect_to);
      assertNothing(t, victimEnd, "the verifier in the victim's browser (it did not start the flow)");

      // 3. The attacker tries every way to resume the flow from the challenge.
      assertNothing(t, await land(attacker, t, `${t.publicUrl}/oauth2/auth/${encodeURIComponent(challenge)}`), 'GET /oauth2/auth/<challenge>');
      assertNothing(t, await land(attacker, t, `${login.request_url}&login_verifier=${encodeURIComponent(challenge)}`), 'the challenge as login verifier');
      assertNothing(t, await land(attacker, t, `${t.publicUrl}/oauth2/auth?login_verifier=${encodeURIComponent(challenge)}`), 'a bare login verifier');
      const verifier = param(new URL(accepted.redirect_to), 'login_verifier');
      assert.notEqual(verifier, challenge, 'the verifier is not the challenge');
      assert.ok(!verifier.includes(challenge), 'the verifier does not contain the challenge');
      if (t.kind === 'lightgate') {
        // Lightgate burns a verifier presented by the wrong browser; Hydra 2.3 lets login verifiers be replayed
        // (stateless flows, docs/hydra-compatibility.md), so this step holds for Lightgate only.
        assertNothing(t, await land(attacker, t, accepted.redirect_to), "the victim's verifier, burnt, in the attacker's browser");
      }

      // 4. The attacker holds no session for the victim: a new flow asks to log in, prompt=none fails.
      const again = await authorizationUrl(rp);
      const next = param(await leave(attacker, t, again.url), 'login_challenge');
      const { data: fresh } = await admin.getOAuth2LoginRequest({ loginChallenge: next });
      assert.equal(fresh.skip, false, 'the attacker is not signed in as the victim');
      assert.equal(fresh.subject, '');
      const silent = await authorizationUrl(rp, 'openid', { prompt: 'none' });
      const silentEnd = await leave(attacker, t, silent.url);
      assert.ok(isCallback(silentEnd), silentEnd.href);
      assert.equal(silentEnd.searchParams.get('error'), 'login_required');

      // The victim's own flow, in the victim's own browser, still works.
      const own = await runFlow(victim, t, admin, rp, { subject: victimId });
      assert.ok(own.callback.searchParams.get('code'));
    });

    it("issue 11 #1: a verifier works only with the flow's cookie, and a consent verifier too", async () => {
      const c = await createClient(admin);
      const rp = await relyingParty(t, c);
      const starter = createBrowser();
      const other = createBrowser();

      // Login verifier in another browser (no flow cookie): no consent, no code.
      const auth = await authorizationUrl(rp);
      const challenge = param(await leave(starter, t, auth.url), 'login_challenge');
      const { data: accepted } = await admin.acceptOAuth2LoginRequest({ loginChallenge: challenge, acceptOAuth2LoginRequest: { subject: 'user-a' } });
      assertNothing(t, await land(other, t, accepted.redirect_to), 'login verifier without the flow cookie');
      if (t.kind === 'lightgate') {
        // Burnt: the browser that started the flow cannot use it any more either (Hydra 2.3 would accept the replay).
        assertNothing(t, await land(starter, t, accepted.redirect_to), 'a burnt login verifier in the starting browser');
      }

      // Consent verifier in another browser: no code; Lightgate burns it for the starting browser too.
      const auth2 = await authorizationUrl(rp);
      const lc = param(await leave(starter, t, auth2.url), 'login_challenge');
      const { data: l } = await admin.acceptOAuth2LoginRequest({ loginChallenge: lc, acceptOAuth2LoginRequest: { subject: 'user-b' } });
      const atConsent = await leave(starter, t, l.redirect_to);
      assert.equal(atConsent.origin + atConsent.pathname, t.consentUrl);
      const cc = param(atConsent, 'consent_challenge');
      const { data: consented } = await admin.acceptOAuth2ConsentRequest({ consentChallenge: cc, acceptOAuth2ConsentRequest: { grant_scope: ['openid', 'offline_access', 'read'] } });
      assert.notEqual(param(new URL(consented.redirect_to), 'consent_verifier'), cc);
      assertNothing(t, await land(other, t, consented.redirect_to), 'consent verifier without the flow cookie');
      assertNothing(t, await land(other, t, `${t.publicUrl}/oauth2/auth/${encodeURIComponent(cc)}`), 'GET /oauth2/auth/<consent challenge>');
      if (t.kind === 'lightgate') assertNothing(t, await land(starter, t, consented.redirect_to), 'a burnt consent verifier in the starting browser');
    });
  });
}
