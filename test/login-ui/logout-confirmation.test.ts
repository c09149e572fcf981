// Issue 19 #6 in the browser: a plain link to /oauth2/sessions/logout naming a client with
// skip_logout_consent (no id_token_hint) asks before signing out and never sends the visitor to the
// client with the link's state; an RP-initiated logout with a valid id_token_hint still skips the question.
// The logout verifier is a fresh value, not the challenge, and single use (issue 11 #1).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
import { signInOnLoginPage } from '../support/browser.ts';
import { shot, startHarness, type Harness } from './harness.ts';

describe('issue 19 #6: logout confirmation (in-process adapter, pglite)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('in-process', 'pglite');
  });
  after(async () => {
    await h?.close();
  });

  async function signIn(page: Page, rp: oidc.Configuration, email: string): Promise<string> {
    const auth = await h.authorize(rp, 'openid read');
    await page.goto(auth.url.href);
    await signInOnLoginPage(page, email, h.code, { keep: true });
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.href.startsWith(h.callbackUrl));
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
    return tokens.id_token!;
  }

  test('issue 19 #6: a plain logout link does not log a visitor out without asking, nor send them to the client with its state', async () => {
    const client = await h.createClient({ client_name: 'Quiet Exit', skip_logout_consent: true });
    const rp = await h.relyingParty(client);
    const bye = h.callbackUrl.replace('/callback', '/bye');
    const context = await h.browser.newContext();
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    const seen: string[] = [];
    page.on('request', (r) => seen.push(r.url()));
    try {
      await signIn(page, rp, 'quiet@example.com');
      const plain = `${h.stack.urls.issuer}/oauth2/sessions/logout?client_id=${encodeURIComponent(client.client_id)}&post_logout_redirect_uri=${encodeURIComponent(bye)}&state=attacker-state`;

      // The plain link asks; "Stay signed in" keeps the session.
      await page.goto(plain);
      await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
      await shot(page, 'logout-plain-link-asks');
      await page.getByRole('button', { name: 'Stay signed in' }).click();
      await page.getByRole('heading', { name: 'You are still signed in' }).waitFor();
      const still = await h.authorize(rp, 'openid read');
      await page.goto(still.url.href);
      await page.getByRole('button', { name: 'Allow' }).waitFor();

      // Confirmed: signed out, on Lightgate's own page, never at the client's URI with the link's state.
      await page.goto(plain);
      await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
      assert.ok(!seen.some((u) => u.startsWith(bye)), `sent to the client: ${seen.filter((u) => u.startsWith(bye)).join(' ')}`);
      assert.ok(!seen.some((u) => u.includes('attacker-state') && !u.startsWith(h.stack.urls.issuer)), 'the link’s state left the auth server');

      // RP-initiated with a valid id_token_hint for the current session: no question, back to the client with its state.
      const fresh = await signIn(page, rp, 'quiet@example.com');
      seen.length = 0;
      await page.goto(oidc.buildEndSessionUrl(rp, { id_token_hint: fresh, post_logout_redirect_uri: bye, state: 'rp-state' }).href);
      await page.waitForURL((u) => u.href.startsWith(bye));
      assert.equal(new URL(page.url()).searchParams.get('state'), 'rp-state');
      const challenge = seen.map((u) => new URL(u).searchParams.get('logout_challenge')).find(Boolean);
      const verifierUrl = seen.find((u) => u.includes('logout_verifier='));
      assert.ok(challenge && verifierUrl, 'went through the logout app and the verifier');
      assert.notEqual(new URL(verifierUrl).searchParams.get('logout_verifier'), challenge, 'the logout verifier is not the challenge');

      // The logout verifier is single use.
      const again = await page.goto(verifierUrl);
      assert.equal(again?.status(), 404);
    } finally {
      await context.close();
    }
  });
});
