// Issue 11 #1 in real browsers: the attack of the review with two Chromium contexts. The attacker starts a
// flow and sends the login link to the victim; the victim signs in with their own email code; the attacker
// then tries the challenge at /oauth2/auth/<challenge>, as a verifier, and with the victim's own verifier.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page, Request } from 'playwright-core';
import type { DatabaseKind } from '../support/databases.ts';
import { shot, startHarness, type AdapterKind, type Harness } from './harness.ts';

const RUNS: [AdapterKind, DatabaseKind][] = [
  ['in-process', 'pglite'],
  ['http', 'postgres'],
];

for (const [adapter, kind] of RUNS) {
  describe(`issue 11 #1 in the browser (${adapter} adapter, ${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(adapter, kind);
    });
    after(async () => {
      await h?.close();
    });

    /** Where a page is now: never the consent page, never a callback with a code. */
    async function assertNoTakeover(page: Page, what: string) {
      const url = new URL(page.url());
      assert.notEqual(url.origin + url.pathname, `${h.uiUrl}/consent`, `${what}: reached the consent page`);
      assert.equal(url.searchParams.get('code'), null, `${what}: got a code at ${url.href}`);
      assert.equal(await page.getByRole('heading', { name: /wants to/i }).count(), 0, `${what}: a consent screen is shown`);
    }

    test('issue 11 #1: a victim who signs in with an attacker’s login link gives the attacker no code and no session', async () => {
      const client = await h.createClient({ client_name: 'Attacker App' });
      const rp = await h.relyingParty(client);
      const auth = await h.authorize(rp, 'openid offline_access read write');
      const attackerContext = await h.browser.newContext();
      const victimContext = await h.browser.newContext();
      attackerContext.setDefaultTimeout(8000);
      victimContext.setDefaultTimeout(8000);
      const attacker = await attackerContext.newPage();
      const victim = await victimContext.newPage();
      const verifierUrls: string[] = [];
      victim.on('request', (r: Request) => {
        if (r.url().includes('login_verifier=')) verifierUrls.push(r.url());
      });
      try {
        // 1. The attacker starts the flow and copies the login link.
        await attacker.goto(auth.url.href);
        await attacker.getByRole('heading', { name: 'Sign in' }).waitFor();
        const loginLink = attacker.url();
        const challenge = new URL(loginLink).searchParams.get('login_challenge')!;

        // 2. The victim opens it and signs in with their own email code.
        await victim.goto(loginLink);
        await victim.getByLabel('Email address').fill('victim@example.com');
        await victim.getByRole('button', { name: 'Send me a code' }).click();
        await victim.getByLabel('Sign-in code').fill(h.code('victim@example.com'));
        await victim.getByRole('button', { name: /Sign in to/ }).click();
        await victim.waitForLoadState('load');
        await victim.waitForURL((u) => !u.pathname.startsWith('/login'));
        await shot(victim, `${adapter}-takeover-victim`);
        assert.ok(verifierUrls.length >= 1, 'the victim’s browser was sent to the verifier URL');
        const verifier = new URL(verifierUrls[0]!).searchParams.get('login_verifier');
        assert.ok(verifierUrls.every((u) => new URL(u).searchParams.get('login_verifier') === verifier));
        // The victim's browser did not start the flow: the verifier fails there, with an OAuth error.
        await assertNoTakeover(victim, 'victim');

        // 3. The attacker resumes by challenge, uses the challenge as a verifier, and replays the victim's verifier.
        await attacker.goto(`${h.stack.urls.issuer}/oauth2/auth/${encodeURIComponent(challenge)}`);
        await assertNoTakeover(attacker, 'GET /oauth2/auth/<challenge>');
        await attacker.goto(`${auth.url.href}&login_verifier=${encodeURIComponent(challenge)}`);
        await assertNoTakeover(attacker, 'the challenge as verifier');
        await attacker.goto(verifierUrls[0]!);
        await assertNoTakeover(attacker, 'the victim’s burnt verifier');
        await shot(attacker, `${adapter}-takeover-attacker`);
        assert.ok(verifier && verifier !== challenge, 'the verifier is not the challenge');

        // 4. The login link is used up; the attacker starting again is asked to sign in: no session of the victim.
        await attacker.goto(loginLink);
        await assertNoTakeover(attacker, 'the used login link');
        const again = await h.authorize(rp, 'openid read');
        await attacker.goto(again.url.href);
        await attacker.getByRole('heading', { name: 'Sign in' }).waitFor();
        assert.ok(!h.callbacks.some((u) => u.searchParams.has('code')), 'no code reached the app');
      } finally {
        await attackerContext.close();
        await victimContext.close();
      }
    });
  });
}
