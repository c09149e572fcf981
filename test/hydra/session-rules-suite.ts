// Issue 19 #9 and #10: when a login or a consent may be skipped. Hydra's rules, checked on Lightgate (test/auth/
// session-rules.test.ts) and on a real Ory Hydra (session-rules.hydra-test.ts) with the same bodies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OAuth2Api } from '@ory/hydra-client';
import { createClient, relyingParty } from '../support/clients.ts';
import { authorizationUrl, createBrowser, isCallback, leave, param, type Browser } from '../support/tokens.ts';
import { type AuthTarget, type TargetFactory , targetPerSuite } from './support/target.ts';

export function sessionRulesSuite(label: string, start: TargetFactory): void {
  describe(`login and consent skipping: ${label}`, () => {
    let t: AuthTarget;
    let admin: OAuth2Api;
    targetPerSuite(start, (target, api) => {
      t = target;
      admin = api;
    });

    /** One whole flow in browser b with separate remember flags for login and consent; returns the callback. */
    async function flow(b: Browser, rp: Awaited<ReturnType<typeof relyingParty>>, subject: string, remember: { login: boolean; consent: boolean }) {
      const auth = await authorizationUrl(rp, 'openid read');
      const lc = param(await leave(b, t, auth.url), 'login_challenge');
      const { data: login } = await admin.getOAuth2LoginRequest({ loginChallenge: lc });
      const { data: l } = await admin.acceptOAuth2LoginRequest({
        loginChallenge: lc,
        acceptOAuth2LoginRequest: { subject, remember: login.skip || remember.login, ...(remember.login ? { remember_for: 3600 } : {}) },
      });
      const cc = param(await leave(b, t, l.redirect_to), 'consent_challenge');
      const { data: c } = await admin.acceptOAuth2ConsentRequest({ consentChallenge: cc, acceptOAuth2ConsentRequest: { grant_scope: ['openid', 'read'], remember: remember.consent } });
      const cb = await leave(b, t, c.redirect_to);
      assert.ok(isCallback(cb) && cb.searchParams.get('code'), cb.href);
      return { login };
    }

    it('issue 19 #10: a login accepted with remember=false is asked for again next time', async () => {
      const rp = await relyingParty(t, await createClient(admin));
      const b = createBrowser();
      await flow(b, rp, 'not-kept', { login: false, consent: false });
      const next = await authorizationUrl(rp, 'openid read');
      const { data: login } = await admin.getOAuth2LoginRequest({ loginChallenge: param(await leave(b, t, next.url), 'login_challenge') });
      assert.equal(login.skip, false, '"Keep me signed in" unchecked: the next login request is not skipped');
      assert.equal(login.subject, '');
      const silent = await authorizationUrl(rp, 'openid read', { prompt: 'none' });
      const end = await leave(b, t, silent.url);
      assert.equal(end.searchParams.get('error'), 'login_required', end.href);

      // Remembered (remember=true): skipped next time, as before.
      const kept = createBrowser();
      await flow(kept, rp, 'kept', { login: true, consent: false });
      const again = await authorizationUrl(rp, 'openid read');
      const { data: skipped } = await admin.getOAuth2LoginRequest({ loginChallenge: param(await leave(kept, t, again.url), 'login_challenge') });
      assert.equal(skipped.skip, true);
      assert.equal(skipped.subject, 'kept');
      // Accepting the skipped login without `remember` (as a login app does) keeps it remembered (Hydra forces remember).
      const { data: l } = await admin.acceptOAuth2LoginRequest({ loginChallenge: skipped.challenge, acceptOAuth2LoginRequest: { subject: 'kept' } });
      const cc = param(await leave(kept, t, l.redirect_to), 'consent_challenge');
      const { data: c } = await admin.acceptOAuth2ConsentRequest({ consentChallenge: cc, acceptOAuth2ConsentRequest: { grant_scope: ['openid', 'read'] } });
      assert.ok(isCallback(await leave(kept, t, c.redirect_to)));
      const third = await authorizationUrl(rp, 'openid read');
      const { data: still } = await admin.getOAuth2LoginRequest({ loginChallenge: param(await leave(kept, t, third.url), 'login_challenge') });
      assert.equal(still.skip, true, 'still remembered after a skipped login');
    });

    /**
     * A prompt=none request to its end. Lightgate answers it without the apps; Hydra sends a remembered session to
     * the login app (and a remembered consent to the consent app) with skip=true, and the app accepts as is.
     */
    async function silently(b: Browser, rp: Awaited<ReturnType<typeof relyingParty>>, subject: string): Promise<URL> {
      const auth = await authorizationUrl(rp, 'openid read', { prompt: 'none' });
      let at = await leave(b, t, auth.url);
      if (at.origin + at.pathname === t.loginUrl) {
        const { data } = await admin.acceptOAuth2LoginRequest({ loginChallenge: param(at, 'login_challenge'), acceptOAuth2LoginRequest: { subject } });
        at = await leave(b, t, data.redirect_to);
      }
      if (at.origin + at.pathname === t.consentUrl) {
        const cc = param(at, 'consent_challenge');
        const { data: request } = await admin.getOAuth2ConsentRequest({ consentChallenge: cc });
        assert.equal(request.skip, true, 'prompt=none reaches the consent app only with a remembered consent');
        const { data } = await admin.acceptOAuth2ConsentRequest({ consentChallenge: cc, acceptOAuth2ConsentRequest: { grant_scope: request.requested_scope } });
        at = await leave(b, t, data.redirect_to);
      }
      return at;
    }

    it('issue 19 #9: prompt=none answers consent_required unless the consent is remembered', async () => {
      const rp = await relyingParty(t, await createClient(admin));
      const b = createBrowser();
      await flow(b, rp, 'consent-once', { login: true, consent: false });
      const end = await silently(b, rp, 'consent-once');
      assert.ok(isCallback(end), end.href);
      assert.equal(end.searchParams.get('code'), null, 'no code after a consent that was not remembered');
      assert.equal(end.searchParams.get('error'), 'consent_required');

      // A remembered consent lets prompt=none through.
      const b2 = createBrowser();
      await flow(b2, rp, 'consent-kept', { login: true, consent: true });
      const end2 = await silently(b2, rp, 'consent-kept');
      assert.ok(isCallback(end2) && end2.searchParams.get('code'), end2.href);
    });
  });
}
