// Issue 11 #5 (consent and offline_access): staying connected (a refresh token: lasting power over the
// wallet) is the person's choice, explained on the consent screen; unticked, the app gets its other
// permissions and no refresh token. In chromium, from an openid-client authorization URL to the code exchange.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
import { signInOnLoginPage } from '../support/browser.ts';
import { shot, startHarness, type Harness } from './harness.ts';

describe('consent: offline access is a choice', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('in-process', 'pglite');
  });
  after(async () => {
    await h?.close();
  });

  async function signInToConsent(page: Page, url: URL, email: string) {
    await page.goto(url.href);
    await signInOnLoginPage(page, email, h.code);
    await page.getByRole('button', { name: 'Allow' }).waitFor();
  }

  for (const keep of [false, true]) {
    test(`issue 11 #5: consent explains offline access and the person may ${keep ? 'keep' : 'untick'} it (${keep ? 'a' : 'no'} refresh token)`, async () => {
      const client = await h.createClient({ client_name: 'Offline App' });
      const rp = await h.relyingParty(client);
      const auth = await h.authorize(rp, 'openid offline_access read');
      const context = await h.browser.newContext();
      context.setDefaultTimeout(8000);
      const page = await context.newPage();
      try {
        await signInToConsent(page, auth.url, `offline-${keep}@example.com`);
        const offline = page.getByLabel(/Stay connected when you are away/);
        assert.equal(await offline.isChecked(), true, 'offered, ticked by default');
        assert.ok(await page.getByText(/keep using these permissions after you close it/).isVisible(), 'what it means is said');
        if (!keep) await offline.uncheck();
        await shot(page, `consent-offline-${keep}`);
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.waitForURL((u) => u.href.startsWith(h.callbackUrl));
        const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
        assert.ok(tokens.access_token);
        assert.equal(Boolean(tokens.refresh_token), keep);
        assert.deepEqual(new Set(tokens.scope?.split(' ')), new Set(keep ? ['openid', 'offline_access', 'read'] : ['openid', 'read']));
      } finally {
        await context.close();
      }
    });
  }

  test('issue 11 #5: offline access alone is not a grant: unticking every wallet permission still asks again', async () => {
    const client = await h.createClient({ client_name: 'Offline Only' });
    const rp = await h.relyingParty(client);
    const auth = await h.authorize(rp, 'openid offline_access read');
    const context = await h.browser.newContext();
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    try {
      await signInToConsent(page, auth.url, 'offline-only@example.com');
      await page.getByLabel(/See your balances and transactions/).uncheck();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('alert').waitFor();
      assert.match(await page.getByRole('alert').innerText(), /Choose at least one permission/);
    } finally {
      await context.close();
    }
  });
});
