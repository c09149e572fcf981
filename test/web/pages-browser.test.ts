// Issue 17, the presentation half, in Chromium on one stack with a theme directory (another name, logo and
// colour, checked on every page): the broken paths (#1 tables on a phone, #2 the auth server's error pages,
// #3 "already done", #4 code cooldown and lockout, #6 callback URL validation, #8 wrong code a11y), trust
// signals on consent and the Spanish catalog end to end. Every page is looked at 390 and 1280 px wide
// (screenshots in test-artifacts/web/). One browser for the file.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshots, startCallbackServer, stepper, type CallbackServer } from '../support/browser.ts';
import { relyingParty } from '../support/clients.ts';
import { authorizationUrl } from '../support/tokens.ts';
import { lastCode, readOutbox, wrongCode } from '../support/users.ts';
import { ADMIN_EMAIL, startPortalHarness, type PortalHarness } from '../portal/harness.ts';
import { SESSION_COOKIE } from '../../src/portal/routes/support.ts';
import { SIZES, looksRight as checkPage } from './page-checks.ts';

const looksRight = (page: Page, name: string) => checkPage(page, name, shot);

let h: PortalHarness;
let browser: Browser;
let callback: CallbackServer;
// The example theme (examples/theme): brand.json, logo.svg, theme.css, a message in each language, a footer.
const THEME_DIR = fileURLToPath(new URL('../../examples/theme', import.meta.url));
const contexts: BrowserContext[] = [];
const shot = screenshots('web');
const step = stepper(shot);

before(async () => {
  h = await startPortalHarness({ env: { LIGHTGATE_SERVICES: 'auth,ui,portal', THEME_DIR } });
  callback = await startCallbackServer();
  browser = await launchBrowser();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await callback?.close();
  await h?.close();
});

async function newPage(locale = 'en-US'): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: SIZES[1][1] });
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  return context.newPage();
}

async function coffeeClient(over: Record<string, unknown> = {}) {
  const created = await h.t.stack.admin!.createClient({
    client_name: 'Coffee Corner',
    client_uri: 'https://coffee.example',
    // Nothing listens there: the logo fails and the initial shows.
    logo_uri: 'https://127.0.0.1:9/logo.png',
    contacts: ['dev@coffee.example'],
    metadata: { portal_application_id: 'coffee-app' },
    redirect_uris: [callback.url],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'openid offline_access read receive write',
    token_endpoint_auth_method: 'client_secret_basic',
    ...over,
  });
  if (!created.ok || !created.value.client_secret) throw new Error(`client: ${JSON.stringify(created)}`);
  const rp = await relyingParty({ publicUrl: h.t.urls.issuer }, created.value as { client_id: string; client_secret: string });
  return { client: created.value, authorize: (scope: string) => authorizationUrl(rp, scope, { redirect_uri: callback.url }) };
}

const codeOf = (email: string) => lastCode(h.t.dataDir, email);

test('#4 #8 #3, consent trust: cooldown and lockout keep a way to a working code, errors are announced, consent shows whom to trust, a finished flow says so', async () => {
  const { authorize } = await coffeeClient();
  const auth = await authorize('openid offline_access read write');
  const page = await newPage();
  const email = 'cooldown@example.com';
  const loginUrl = await step(page, 'login page', async () => {
    await page.goto(auth.url.href);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The theme's own words (messages/en.json) and footer (templates/footer.html).
    await page.getByRole('button', { name: 'Email me a code' }).waitFor();
    assert.match(await page.locator('footer').innerText(), /Cafetera · San Salvador/);
    assert.equal(await page.getByRole('link', { name: 'Help and support' }).getAttribute('href'), 'https://help.cafetera.example');
    await looksRight(page, '01-login');
    return page.url();
  });
  await step(page, '#4 the same address again within the cooldown: back to the code already sent', async () => {
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    const sent = readOutbox(h.t.dataDir).length;
    await page.goto(loginUrl);
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.getByText('We already sent a code to cooldown@example.com a moment ago, and it still works.').waitFor();
    assert.equal(await page.getByText('Too many attempts').count(), 0);
    assert.equal(readOutbox(h.t.dataDir).length, sent, 'nothing sent again');
    const resend = page.getByRole('button', { name: /Send a new code in \d+ s/ });
    assert.ok(await resend.isDisabled(), 'the resend button waits');
    const first = Number(/(\d+) s/.exec(await resend.innerText())![1]);
    await page.waitForFunction((n) => Number(/(\d+) s/.exec(document.querySelector('button[data-wait]')?.textContent ?? '')?.[1]) < n, first);
    await looksRight(page, '02-code-cooldown');
  });
  await step(page, '#8 a wrong code: error summary focused, linked to the field; the field is invalid and described', async () => {
    await page.getByLabel('Sign-in code').fill(wrongCode(codeOf(email)));
    await page.getByRole('button', { name: /Sign in to/ }).click();
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'error-summary');
    assert.equal(await page.locator('.error-summary a').getAttribute('href'), '#code');
    assert.match(await page.locator('.error-summary').innerText(), /not right\. 4 tries left/);
    assert.equal(await page.locator('#code').getAttribute('aria-invalid'), 'true');
    assert.match((await page.locator('#code').getAttribute('aria-describedby')) ?? '', /code-error/);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => location.hash), '#code', 'the summary link works from the keyboard');
    await looksRight(page, '03-code-wrong');
  });
  await step(page, '#4 five wrong codes: no code field, "Send a new code" is the main action, and it works', async () => {
    for (let i = 0; i < 4; i++) {
      await page.getByLabel('Sign-in code').fill(wrongCode(codeOf(email)));
      await page.getByRole('button', { name: /Sign in to/ }).click();
      await page.waitForLoadState();
    }
    await page.getByRole('heading', { name: 'Ask for a new code' }).waitFor();
    assert.equal(await page.locator('#code').count(), 0, 'no code field');
    const again = page.getByRole('button', { name: 'Send a new code' });
    assert.ok(await again.isEnabled());
    assert.match((await again.getAttribute('class')) ?? '', /primary/);
    await looksRight(page, '04-code-locked');
    await again.click();
    await page.getByText('We sent you a new code.').waitFor();
    await page.getByLabel('Sign-in code').fill(codeOf(email));
    await page.getByRole('button', { name: /Sign in to/ }).click();
  });
  const consentUrl = await step(page, 'consent: website and redirect host, developer, reviewed badge, money warning, logo initial, raw scopes for developers only', async () => {
    await page.getByRole('button', { name: 'Allow' }).waitFor();
    const trust = await page.locator('.trust').innerText();
    assert.match(trust, /Reviewed by Cafetera S\.A\./);
    assert.match(trust, /Website: coffee\.example/);
    assert.match(trust, new RegExp(`Returns you to: ${new URL(callback.url).host.replace('.', '\\.')}`));
    assert.match(trust, /Developer: dev@coffee\.example/);
    const money = page.locator('.scopes li.money');
    assert.equal(await money.count(), 1);
    assert.match(await money.innerText(), /Send payments[\s\S]*Moves money/);
    assert.equal(await page.getByText('offline_access', { exact: true }).isVisible(), false, 'raw scope names are collapsed');
    assert.equal(await page.locator('img.app-logo').evaluate((img: HTMLImageElement) => img.naturalWidth), 0, 'the logo failed');
    assert.ok(await page.locator('span.app-logo').isVisible(), 'its initial shows');
    assert.equal(await page.getByRole('link', { name: 'account settings' }).getAttribute('href'), '/account');
    await looksRight(page, '05-consent');
    const url = page.url();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL((u) => u.href.startsWith(callback.url));
    return url;
  });
  await step(page, '#3 reloading a finished step: Already done, Return to the app (its website), no replay', async () => {
    for (const [url, name] of [
      [consentUrl, '06-already-done-consent'],
      [loginUrl, '06-already-done-login'],
    ] as const) {
      const res = await page.goto(url);
      assert.equal(res?.status(), 410);
      await page.getByRole('heading', { name: 'Already done' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Return to Coffee Corner' }).getAttribute('href'), 'https://coffee.example/');
      assert.equal(await page.getByRole('link', { name: /Continue/ }).count(), 0);
      await looksRight(page, name);
    }
  });
});

test('#2 the auth server\'s own error pages: branded, plain words, Back to <app>, details for developers', async () => {
  const { client } = await coffeeClient();
  const page = await newPage();
  const base = `${h.t.urls.issuer}/oauth2/auth?response_type=code&scope=openid`;
  await step(page, 'unknown client_id', async () => {
    const res = await page.goto(`${base}&client_id=nobody&redirect_uri=${encodeURIComponent(callback.url)}`);
    assert.equal(res?.status(), 400);
    await page.getByRole('heading', { name: 'We don’t know this app' }).waitFor();
    assert.equal(await page.getByText('client is invalid').isVisible(), false, 'the engine wording is for developers only');
    await looksRight(page, '07-auth-unknown-client');
  });
  await step(page, 'unregistered redirect_uri', async () => {
    const res = await page.goto(`${base}&client_id=${client.client_id}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`);
    assert.equal(res?.status(), 400);
    await page.getByRole('heading', { name: 'This app’s sign-in link is set up wrongly' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Back to Coffee Corner' }).getAttribute('href'), 'https://coffee.example/');
    await page.getByText('For developers').click();
    const details = await page.locator('details.dev').innerText();
    assert.match(details, /redirect_uri sent: https:\/\/evil\.example\/cb/);
    assert.ok(details.includes(callback.url), 'the registered redirect URIs');
    assert.equal(await page.getByRole('link', { name: 'Open this app in the developer portal' }).getAttribute('href'), `${h.t.urls.portal}/apps/coffee-app`);
    await looksRight(page, '08-auth-bad-redirect');
  });
});

test('the Spanish catalog end to end, by keyboard only: sign-in, consent and the account area by Accept-Language, and the switch back', async () => {
  const { authorize } = await coffeeClient({ client_name: 'Café Rápido' });
  const auth = await authorize('openid read');
  const page = await newPage('es-SV');
  const email = 'espanol@example.com';
  /** Tab until the element named is focused, then Enter (no mouse). */
  const tabTo = async (name: RegExp) => {
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText ?? '');
      if (name.test(focused)) return page.keyboard.press('Enter');
    }
    throw new Error(`no ${name} by Tab`);
  };
  await step(page, 'inicio de sesión', async () => {
    await page.goto(auth.url.href);
    await page.getByRole('heading', { name: 'Iniciar sesión' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email', 'the field has the focus');
    await page.keyboard.type(email);
    // "Keep me signed in", so that the account area (the portal's sign-in) needs no second sign-in.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'remember');
    await page.keyboard.press('Space');
    await tabTo(/^Envíame un código por correo$/);
    await page.getByRole('heading', { name: 'Escribe tu código' }).waitFor();
    await looksRight(page, '09-es-code');
    await page.keyboard.type(codeOf(email));
    await page.keyboard.press('Enter');
  });
  await step(page, 'consentimiento', async () => {
    await page.getByRole('heading', { name: 'Café Rápido quiere' }).waitFor();
    assert.match(await page.locator('.trust').innerText(), /Revisada por Cafetera S\.A\./);
    await looksRight(page, '10-es-consent');
    await tabTo(/^Permitir$/);
    await page.waitForURL((u) => u.href.startsWith(callback.url));
  });
  await step(page, 'el área de la cuenta', async () => {
    await page.goto(`${h.t.urls.ui}/account`);
    await page.getByRole('heading', { name: 'Resumen' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/account');
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await looksRight(page, '11-es-account');
  });
  await step(page, 'the language switch', async () => {
    await page.goto(`${h.t.urls.ui}/logged-out`);
    await page.getByRole('heading', { name: 'Cerraste sesión' }).waitFor();
    await tabTo(/^English$/);
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/logged-out');
  });
});

test('#1 #6 the portal: tables are cards on a phone, nothing wraps; callback URL errors quote every bad line and take focus', async () => {
  const page = await newPage();
  const cookie = async (email: string) => {
    const value = (await h.session(email)).split('=')[1]!;
    await page.context().addCookies([{ name: SESSION_COOKIE, value, url: h.t.urls.portal }]);
  };
  await cookie('developer@example.com');
  await step(page, '#6 the application form', async () => {
    await page.goto(`${h.t.urls.portal}/apps/new`);
    await page.getByLabel('App name').fill('Coffee Corner POS');
    await page.getByLabel('Purpose').fill('Take payments at the counter');
    await page.getByLabel('Website').fill('https://coffee.example');
    await page.getByLabel(/^read/).check();
    await page.getByLabel('Callback URLs').fill('http://coffee.example/cb\nhttps://coffee.example/ok\nhttps://coffee.example/a b');
    await page.getByLabel('Confidential (client_secret_basic)').check();
    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'error-summary', 'the summary takes focus');
    const summary = await page.locator('.error-summary').innerText();
    assert.match(summary, /Line 1: Use https, or http only on localhost or 127\.0\.0\.1: http:\/\/coffee\.example\/cb/);
    assert.match(summary, /Line 3: Put one callback URL per line, without spaces: https:\/\/coffee\.example\/a b/);
    assert.equal(await page.locator('.error-summary a').first().getAttribute('href'), '#f-redirect_uris');
    await looksRight(page, '12-portal-form-errors');
    await page.getByLabel('Callback URLs').fill(callback.url);
    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.getByText('Your application is waiting for review.').waitFor();
    await looksRight(page, '13-portal-app');
  });
  await step(page, '#1 apps and keys', async () => {
    await page.goto(`${h.t.urls.portal}/apps`);
    await looksRight(page, '14-portal-apps');
    await page.goto(`${h.t.urls.portal}/keys`);
    await page.getByLabel('Name', { exact: true }).fill('Point of sale terminal at the counter');
    await page.getByRole('button', { name: /Create/ }).click();
    await page.getByRole('link', { name: /Revoke Point of sale/ }).waitFor();
    await looksRight(page, '15-portal-keys');
  });
  await cookie(ADMIN_EMAIL);
  await step(page, '#1 review queue and audit log', async () => {
    await page.goto(`${h.t.urls.portal}/admin`);
    await page.getByRole('link', { name: 'Approve Coffee Corner POS' }).click();
    await page.getByRole('button', { name: /Approve/ }).click();
    await page.getByText('Coffee Corner POS was approved.').waitFor();
    await looksRight(page, '16-portal-admin');
    await page.goto(`${h.t.urls.portal}/admin/audit`);
    await page.getByText('application.approve').waitFor();
    await looksRight(page, '17-portal-audit');
  });
});
