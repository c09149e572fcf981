// Issue 15: the consent page words the spending budget an app asks for (RFC 9396 authorization_details,
// type wallet_spend) in sats and dollars, lets the person lower it (never raise it), and the lowered budget is
// what the token carries. In chromium, from an openid-client authorization URL to the code exchange and
// introspection; a tampered POST from the same browser (its CSRF token and cookies) is refused without a 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import * as oidc from 'openid-client';
import type { BrowserContext, Page } from 'playwright-core';
import { signInOnLoginPage } from '../support/browser.ts';
import { authorizationUrl } from '../support/tokens.ts';
import { shot, startHarness, type Harness } from './harness.ts';

const ASKED = [{ type: 'wallet_spend', limit: { amount: 5000, currency: 'BTC' }, period: 'P1D', per_payment_max: 1000 }];

describe('consent: a spending budget in plain words, lowered by the person', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('in-process', 'pglite');
  });
  after(async () => {
    await h?.close();
  });

  async function toConsent(email: string, details: unknown[] = ASKED, scope = 'openid read write', keep = false) {
    const client = await h.createClient({ client_name: 'Budget Shop' });
    const rp = await h.relyingParty(client);
    const auth = await authorizationUrl(rp, scope, { redirect_uri: h.callbackUrl, authorization_details: JSON.stringify(details) });
    const context = await h.browser.newContext();
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    await page.goto(auth.url.href);
    await signInOnLoginPage(page, email, h.code, { keep });
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    return { rp, auth, context, page };
  }

  async function exchange(page: Page, rp: oidc.Configuration, auth: { codeVerifier: string; state: string; nonce: string }) {
    await page.waitForURL((u) => u.href.startsWith(h.callbackUrl));
    return oidc.authorizationCodeGrant(rp, new URL(page.url()), { pkceCodeVerifier: auth.codeVerifier, expectedState: auth.state, expectedNonce: auth.nonce });
  }

  /** axe (WCAG 2.1 A and AA) at phone width: no serious or critical violation, nothing wider than the screen. */
  async function accessible(page: Page) {
    await page.setViewportSize({ width: 390, height: 844 });
    const axe = await new AxeBuilder({ page: page as never }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    assert.deepEqual(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), []);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, 'fits the phone');
  }

  /** What the browser would POST for Allow, with `over` on top (the person's own CSRF token and cookies). */
  async function tamperedPost(page: Page, over: Record<string, string>) {
    const form = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement>('form[action="/consent"] input'))
        .filter((i) => i.type !== 'checkbox' || i.checked)
        .map((i) => [i.name, i.value] as [string, string]),
    );
    const body = new URLSearchParams(form.filter(([k]) => !(k in over)));
    for (const [k, v] of Object.entries(over)) body.set(k, v);
    body.set('action', 'allow');
    return page.request.post(new URL('/consent', h.uiUrl).href, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: body.toString(), maxRedirects: 0 });
  }

  test('issue 15: the budget is worded in sats and dollars, lowered to 2,000 sats, and the token carries 2,000', async () => {
    const { rp, auth, context, page } = await toConsent('budget-lower@example.com');
    try {
      const text = await page.locator('main').innerText();
      assert.match(text, /up to 5,000 sats \(≈ \$5\.00\) per day, at most 1,000 sats per payment/);
      const amount = page.getByLabel(/Most it may send per day/);
      const perPayment = page.getByLabel(/Most per payment/);
      assert.equal(await amount.inputValue(), '5000', 'prefilled with what the app asked');
      assert.equal(await amount.getAttribute('max'), '5000', 'the browser never offers more than asked');
      assert.equal(await perPayment.inputValue(), '1000');
      assert.equal(await perPayment.getAttribute('max'), '1000');
      await accessible(page);
      await amount.fill('2000');
      await shot(page, 'consent-budget-lowered');
      await page.getByRole('button', { name: 'Allow' }).click();
      const tokens = await exchange(page, rp, auth);
      const lowered = [{ type: 'wallet_spend', limit: { amount: 2000, currency: 'BTC' }, period: 'P1D', per_payment_max: 1000 }];
      assert.deepEqual(tokens.authorization_details, lowered, 'the token response carries the granted details (RFC 9396 section 7)');
      const introspected = await h.hydra.introspect(tokens.access_token);
      assert.ok(introspected.ok && introspected.value.active);
      assert.deepEqual((introspected.value as unknown as Record<string, unknown>).authorization_details, lowered, 'introspection shows the granted budget');
    } finally {
      await context.close();
    }
  });

  test('issue 15: raising the budget or the per-payment maximum, or an amount that is no number, is refused on the page shown again (never a 500)', async () => {
    const { rp, auth, context, page } = await toConsent('budget-raise@example.com');
    try {
      for (const [over, words] of [
        [{ budget_amount: '9000' }, /at most 5,000 sats.*lower it, not raise it/s],
        [{ budget_per_payment: '1001' }, /at most 1,000 sats.*lower it, not raise it/s],
        [{ budget_amount: '12.5' }, /whole number of sats/],
        [{ budget_amount: '-1' }, /whole number of sats/],
        [{ budget_amount: 'lots' }, /whole number of sats/],
      ] as const) {
        const response = await tamperedPost(page, over);
        assert.equal(response.status(), 400, `${JSON.stringify(over)} is refused`);
        const body = await response.text();
        assert.match(body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '), words);
        assert.match(body, /aria-invalid="true"/, 'the field in error is marked');
      }
      // In the browser: its own max check is what a person meets first; without it (an old browser), the
      // server's, on the page shown again with what the person typed and the field marked.
      const amount = page.getByLabel(/Most it may send per day/);
      await amount.evaluate((el) => el.removeAttribute('max'));
      await amount.fill('7000');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('alert').waitFor();
      assert.match(await page.getByRole('alert').innerText(), /lower it, not raise it/);
      assert.equal(await amount.inputValue(), '7000');
      assert.equal(await amount.getAttribute('aria-invalid'), 'true');
      await accessible(page);
      // The page still works after the refusals: 0 is "no sending", and that is what the token carries.
      await amount.fill('0');
      await page.getByRole('button', { name: 'Allow' }).click();
      const tokens = await exchange(page, rp, auth);
      assert.deepEqual(tokens.authorization_details, [{ type: 'wallet_spend', limit: { amount: 0, currency: 'BTC' }, period: 'P1D', per_payment_max: 1000 }]);
    } finally {
      await context.close();
    }
  });

  test('issue 15: an attacker browser cannot answer the person\'s consent, not even with a raised budget (CSRF binding)', async () => {
    const { context, page } = await toConsent('budget-attacked@example.com');
    const attacker = await h.browser.newContext();
    try {
      // Everything the victim's form holds (challenge, CSRF token), sent from a browser without the victim's cookies.
      const fields = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLInputElement>('form[action="/consent"] input')).filter((i) => i.type !== 'checkbox' || i.checked).map((i) => [i.name, i.value] as [string, string]));
      const body = new URLSearchParams(fields);
      body.set('budget_amount', '5000');
      body.set('action', 'allow');
      const response = await attacker.request.post(new URL('/consent', h.uiUrl).href, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: body.toString(), maxRedirects: 0 });
      assert.equal(response.status(), 403);
      // The victim's consent is still theirs to answer.
      await page.reload();
      await page.getByRole('button', { name: 'Allow' }).waitFor();
    } finally {
      await attacker.close();
      await context.close();
    }
  });

  test('issue 15: a remembered consent is skipped next time and keeps the budget the person granted', async () => {
    const { rp, auth, context, page } = await toConsent('budget-remember@example.com', ASKED, 'openid read write', true);
    try {
      await page.getByLabel(/Most it may send per day/).fill('2000');
      await page.getByLabel(/Don’t ask again/).check();
      await page.getByRole('button', { name: 'Allow' }).click();
      const first = await exchange(page, rp, auth);
      const granted = [{ type: 'wallet_spend', limit: { amount: 2000, currency: 'BTC' }, period: 'P1D', per_payment_max: 1000 }];
      assert.deepEqual(first.authorization_details, granted);
      // The app asks again for no more than was granted: no consent page, and the budget stays the person's.
      const again = await authorizationUrl(rp, 'openid read write', { redirect_uri: h.callbackUrl, authorization_details: JSON.stringify([granted[0]]) });
      await page.goto(again.url.href);
      const second = await exchange(page, rp, again);
      assert.deepEqual(second.authorization_details, granted);
    } finally {
      await context.close();
    }
  });

  test('issue 15: unticking write drops the budget', async () => {
    const { rp, auth, context, page } = await toConsent('budget-nowrite@example.com');
    try {
      await page.getByLabel(/Send payments and change settings/).uncheck();
      await page.getByRole('button', { name: 'Allow' }).click();
      const tokens = await exchange(page, rp, auth);
      assert.deepEqual(new Set(tokens.scope?.split(' ')), new Set(['openid', 'read']));
      assert.deepEqual(tokens.authorization_details ?? [], [], 'no budget without write');
    } finally {
      await context.close();
    }
  });

  test('issue 15: in Spanish, a weekly dollar budget and a lifetime one', async () => {
    const cases = [
      { details: [{ type: 'wallet_spend', limit: { amount: 5000, currency: 'USD' }, period: 'P1W', per_payment_max: null }], en: /up to \$50\.00 per week/, es: /hasta USD\s50\.00 por semana/ },
      { details: [{ type: 'wallet_spend', limit: { amount: 5000, currency: 'BTC' }, per_payment_max: 1000 }], en: /up to 5,000 sats \(≈ \$5\.00\) in total, at most 1,000 sats per payment/, es: /hasta 5,000 sats \(≈ USD\s5\.00\) en total, como máximo 1,000 sats por pago/ },
      { details: [{ type: 'wallet_spend', limit: { amount: 0, currency: 'BTC' }, period: 'P1M' }], en: /no sending/, es: /sin envíos/ },
    ];
    for (const [i, c] of cases.entries()) {
      const { context, page } = await toConsent(`budget-es-${i}@example.com`, c.details);
      try {
        assert.match(await page.locator('main').innerText(), c.en);
        await setSpanish(context, h.uiUrl);
        await page.reload();
        await page.getByRole('button', { name: 'Permitir' }).waitFor();
        assert.match(await page.locator('main').innerText(), c.es);
        if (i === 0) await shot(page, 'consent-budget-es');
      } finally {
        await context.close();
      }
    }
  });
});

async function setSpanish(context: BrowserContext, uiUrl: string) {
  await context.addCookies([{ name: 'lg_lang', value: 'es', url: uiUrl }]);
}
