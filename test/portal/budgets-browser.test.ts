// Issue 15, the user's side in a real browser (chromium via playwright-core) on a whole stack: a person who granted
// an app `write` with a budget, and spent some of it through the wallet API with the app's token, signs in to the
// portal through the login UI and sees, in Your account → Connected apps, the budget in words, spent, left and the
// chart (axe: no serious or critical violation); lowers it (a send above what is left then fails with
// BUDGET_EXCEEDED); raises it with the fresh code from the outbox; pauses it (SENDING_PAUSED). An attacker's browser
// (signed in as someone else) cannot change the victim's budget with the victim's client id, a cross-site form
// gets no change, and a used confirmation cannot be used again. Screenshots: test-artifacts/portal/budgets-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type Page } from 'playwright-core';
import { launchBrowser, profiles, screenshots, signInOnLoginPage, stepper } from '../support/browser.ts';
import { lastCode } from '../support/users.ts';
import { budgetsOf, grantedApp, letTimePassForResend, perDay, send, type GrantedApp } from './budget-fixtures.ts';
import { startPortalHarness, type PortalHarness } from './harness.ts';
import { SESSION_COOKIE } from '../../src/portal/routes/support.ts';

const VICTIM = 'budget-person@example.com';
const ATTACKER = 'budget-attacker@example.com';

let h: PortalHarness;
let browser: Browser;
let app: GrantedApp;
let theirs: GrantedApp;
const pages = profiles(() => browser);
const portalShot = screenshots('portal');
const shot = (page: Page, name: string) => portalShot(page, `budgets-${name}`);
const step = stepper(shot);

before(async () => {
  h = await startPortalHarness();
  app = await grantedApp(h, VICTIM, 'Coffee Shop', perDay(5000, 3000), perDay(10_000, 3000));
  theirs = await grantedApp(h, ATTACKER, 'Attacker Tool', perDay(1000), null);
  assert.deepEqual(await send(h, app, theirs.btcWalletId, 1500), { status: 'SUCCESS', code: undefined });
  browser = await launchBrowser();
});

after(async () => {
  await pages.closeAll();
  await browser?.close();
  await h?.close();
});

const amount = async () => (await budgetsOf(h).budgetOf(app.userId, app.client.client_id))?.budget?.limit.amount;

async function appsPage(page: Page) {
  await page.goto(`${h.t.urls.portal}/account/apps`);
  await page.getByRole('heading', { name: 'Connected apps', level: 1 }).waitFor();
  return page.locator('li.connected-app', { has: page.getByRole('heading', { name: 'Coffee Shop' }) });
}

test('see the budget and the chart, lower it, raise it with a fresh code, pause it', async () => {
  const page = await pages.newPage();
  await step(page, 'see', async () => {
    await letTimePassForResend(h);
    await page.goto(h.t.urls.portal);
    await page.getByRole('link', { name: 'Sign in with Lightgate' }).click();
    await signInOnLoginPage(page, VICTIM, (to) => lastCode(h.t.dataDir, to));
    await page.waitForURL(`${h.t.urls.portal}/apps`);
    await page.getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Connected apps' }).click();
    const card = page.locator('li.connected-app', { has: page.getByRole('heading', { name: 'Coffee Shop' }) });
    await card.getByText('Up to 5,000 sats (≈ $5.00) per day, at most 3,000 sats per payment').waitFor();
    const text = await card.innerText();
    assert.match(text, /Spent today \(UTC\)\s+1,500 sats/);
    assert.match(text, /Left\s+3,500 sats/);
    assert.match(text, /Starts again on/);
    const chart = card.getByRole('img', { name: /Spend per day over the last 30 days/ });
    assert.ok(await chart.isVisible());
    assert.equal(await chart.locator('rect').count(), 30, 'one bar per day');
    await card.locator('summary', { hasText: 'Spend per day (days with spending)' }).click();
    await card.getByRole('cell', { name: '1,500 sats' }).waitFor();
    await shot(page, '01-apps');
    // axe (WCAG 2.1 A and AA) and the phone's width, in English and in Spanish (the chart's words included).
    for (const lang of ['en', 'es'] as const) {
      if (lang === 'es') {
        await page.context().addCookies([{ name: 'lg_lang', value: 'es', url: h.t.urls.portal }]);
        await page.reload();
        await page.getByText(/^Hasta 5.000 sats/).waitFor();
      }
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 844 });
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${lang} @${width}: fits the screen`);
        // axe once per language (English wide, Spanish on the phone): each run costs seconds on a busy machine.
        if ((lang === 'en') !== (width === 1280)) continue;
        if (lang === 'es') await shot(page, '01-apps-es-390');
        const axe = await new AxeBuilder({ page: page as never }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
        const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(serious.map((v) => `${lang} @${width} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
      }
    }
    await page.context().addCookies([{ name: 'lg_lang', value: 'en', url: h.t.urls.portal }]);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await step(page, 'lower', async () => {
    const card = await appsPage(page);
    await card.getByLabel('New budget (sats per day)').fill('2000');
    await card.getByRole('button', { name: 'Change budget' }).click();
    await page.getByText('Budget lowered: up to 2,000 sats').waitFor();
    assert.equal(await amount(), 2000);
    assert.deepEqual(await send(h, app, theirs.btcWalletId, 600), { status: 'FAILURE', code: 'BUDGET_EXCEEDED' }, '500 sats left');
    await shot(page, '02-lowered');
  });

  await step(page, 'raise', async () => {
    await letTimePassForResend(h);
    const card = await appsPage(page);
    await card.getByLabel('New budget (sats per day)').fill('8000');
    await card.getByRole('button', { name: 'Change budget' }).click();
    await page.getByRole('heading', { name: 'Raise the budget of Coffee Shop?' }).waitFor();
    assert.equal(await amount(), 2000, 'not before the code');
    await shot(page, '03-raise-code');
    await page.getByLabel('Code').fill(lastCode(h.t.dataDir, VICTIM));
    await page.getByRole('button', { name: 'Raise the budget' }).click();
    await page.getByText('Budget raised: up to 8,000 sats').waitFor();
    assert.equal(await amount(), 8000);
    assert.deepEqual(await send(h, app, theirs.btcWalletId, 600), { status: 'SUCCESS', code: undefined });
    // Back to the confirmation: it was used, nothing is waiting any more.
    const again = await page.goto(`${h.t.urls.portal}/account/apps/budget/confirm`);
    assert.equal(again?.status(), 409);
  });

  await step(page, 'pause', async () => {
    const card = await appsPage(page);
    await card.getByRole('button', { name: /Pause sending/ }).click();
    await page.getByText('Sending paused: the app cannot send payments until you resume.').waitFor();
    assert.deepEqual(await send(h, app, theirs.btcWalletId, 10), { status: 'FAILURE', code: 'SENDING_PAUSED' });
    await shot(page, '04-paused');
    await (await appsPage(page)).getByRole('button', { name: /Resume sending/ }).click();
    await page.getByText('Sending resumed.').waitFor();
  });
});

test('an attacker cannot change the victim\'s budget: their own session with the victim\'s app id, or a cross-site form', async () => {
  const before = await amount();
  const attacker = await pages.newPage();
  await step(attacker, 'attacker', async () => {
    const [name, value] = (await h.session(ATTACKER)).split('=');
    await attacker.context().addCookies([{ name: name!, value: value!, url: h.t.urls.portal }]);
    await attacker.goto(`${h.t.urls.portal}/account/apps`);
    await attacker.getByRole('heading', { name: 'Attacker Tool' }).waitFor();
    // The attacker's own form, with the victim's client id put in.
    await attacker.locator('input[name="client_id"]').first().evaluate((el, id) => ((el as HTMLInputElement).value = id), app.client.client_id);
    const [answer] = await Promise.all([attacker.waitForResponse((r) => r.request().method() === 'POST'), attacker.getByRole('button', { name: 'Change budget' }).click()]);
    assert.equal(answer.status(), 404);
    await attacker.getByText('This app is not connected to your account').waitFor();
    await shot(attacker, '05-attacker-404');
  });
  assert.equal(await amount(), before);

  // The victim, signed in, opens the attacker's page: its form posts cross-site (no CSRF token, no Lax cookie).
  const victim = await pages.newPage();
  const [name, value] = (await h.session(VICTIM)).split('=');
  assert.equal(name, SESSION_COOKIE);
  await victim.context().addCookies([{ name: name!, value: value!, url: h.t.urls.portal, sameSite: 'Lax', httpOnly: true }]);
  await victim.setContent(`<form method="post" action="${h.t.urls.portal}/account/apps/budget"><input name="client_id" value="${app.client.client_id}"><input name="amount" value="1"><button>Win a prize</button></form>`);
  const [answer] = await Promise.all([victim.waitForResponse((r) => r.url().endsWith('/account/apps/budget')), victim.getByRole('button', { name: 'Win a prize' }).click()]);
  assert.ok([401, 403].includes(answer.status()), `refused, got ${answer.status()}`);
  assert.equal(await amount(), before);
});
