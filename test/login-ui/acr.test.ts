// Issue 19 #11: honest acr and amr. Discovery lists only the values the login app sets; the ID token says
// aal1 after a one-time code and aal2 after a code and TOTP; acr_values=aal2 makes a person with TOTP use it,
// and a person without TOTP still signs in, at aal1 (acr_values is voluntary, OIDC Core 3.1.2.1).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
import { totpCodeAt } from '../../src/identity/services/totp.ts';
import { signInOnLoginPage } from '../support/browser.ts';
import { authorizationUrl } from '../support/tokens.ts';
import { enrolTotp as enrolTotpOf } from '../support/users.ts';
import { shot, startHarness, type Harness } from './harness.ts';

describe('issue 19 #11: acr and amr (in-process adapter, pglite)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('in-process', 'pglite');
  });
  after(async () => {
    await h?.close();
  });

  const enrolTotp = async (email: string) => (await enrolTotpOf(h.identity, email, h.code)).secret;

  async function authorize(rp: oidc.Configuration, extra: Record<string, string>) {
    const a = await authorizationUrl(rp, 'openid read', { redirect_uri: h.callbackUrl, ...extra });
    return { url: a.url, state: a.state, nonce: a.nonce, verifier: a.codeVerifier };
  }

  const codeStep = (page: Page, email: string, keep = false) => signInOnLoginPage(page, email, h.code, { keep });

  async function idTokenClaims(page: Page, rp: oidc.Configuration, auth: Awaited<ReturnType<typeof authorize>>) {
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.href.startsWith(h.callbackUrl));
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
    return tokens.claims()!;
  }

  test('issue 19 #11: discovery advertises only the acr values that are set', async () => {
    const d = (await (await fetch(`${h.stack.urls.issuer}/.well-known/openid-configuration`)).json()) as { acr_values_supported?: string[]; claims_supported?: string[] };
    assert.deepEqual(d.acr_values_supported, ['aal1', 'aal2']);
    assert.ok(d.claims_supported?.includes('acr') && d.claims_supported.includes('amr'));
  });

  test('issue 19 #11: a one-time code gives aal1, even when aal2 is asked of a person without TOTP', async () => {
    const rp = await h.relyingParty(await h.createClient({ client_name: 'Plain App' }));
    const context = await h.browser.newContext();
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    try {
      for (const extra of [{}, { acr_values: 'aal2' }] as Record<string, string>[]) {
        const auth = await authorize(rp, extra);
        await page.goto(auth.url.href);
        await codeStep(page, 'single-factor@example.com');
        const claims = await idTokenClaims(page, rp, auth);
        assert.equal(claims.acr, 'aal1', `acr with ${JSON.stringify(extra)}`);
        assert.deepEqual(claims.amr, ['otp']);
      }
    } finally {
      await context.close();
    }
  });

  test('issue 19 #11: acr_values=aal2 makes a person with TOTP use it; the ID token says aal2 and mfa, also on a remembered login', async () => {
    const email = 'two-factor@example.com';
    const secret = await enrolTotp(email);
    const rp = await h.relyingParty(await h.createClient({ client_name: 'Careful App' }));
    const context = await h.browser.newContext();
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    try {
      const auth = await authorize(rp, { acr_values: 'aal2' });
      await page.goto(auth.url.href);
      await codeStep(page, email, true);
      await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
      await shot(page, 'acr-aal2-totp');
      await page.getByLabel('Authenticator code').fill(totpCodeAt(secret, new Date(Date.now() + 30_000)));
      await page.getByRole('button', { name: 'Verify and continue' }).click();
      const claims = await idTokenClaims(page, rp, auth);
      assert.equal(claims.acr, 'aal2');
      assert.deepEqual(claims.amr, ['otp', 'mfa']);

      // Remembered login without acr_values: skipped, and still reported as what was checked (aal2).
      const again = await authorize(rp, {});
      await page.goto(again.url.href);
      const skipped = await idTokenClaims(page, rp, again);
      assert.equal(skipped.acr, 'aal2');
      assert.deepEqual(skipped.amr, ['otp', 'mfa']);

      // Asking for aal2 again from the remembered session signs the person in again with both factors.
      const stepUp = await authorize(rp, { acr_values: 'aal2' });
      await page.goto(stepUp.url.href);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
