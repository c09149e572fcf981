// Issue 17, accessibility: axe-core (@axe-core/playwright, WCAG 2.1 A and AA rules) on every page people see —
// the login app's steps and errors, the auth server's own pages, the developer portal's pages (the form with
// errors, an app, its integration guide, a confirmation page, and every page of the navigation, the account
// area's included) — at 390 and 1280 px, in English and in Spanish: no serious or critical violation,
// and each page fits the phone (no sideways scrolling, buttons and badges on one line, card rows labelled).
// One browser, one walk: at each page axe runs in the language of the moment, then the language cookie flips
// and the page is loaded again (or, for a state a form made, like a wrong code, made again) for the other one.
// axe-core is loaded into every document once (an init script) and @axe-core/playwright runs it at each width:
// its own injection on every analyze() costs about 0.5 s, which 90 runs cannot afford.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { launchBrowser, startCallbackServer, stepper, screenshots, type CallbackServer } from '../support/browser.ts';
import { relyingParty } from '../support/clients.ts';
import { authorizationUrl } from '../support/tokens.ts';
import { enrolTotp, lastCode, wrongCode } from '../support/users.ts';
import { ADMIN_EMAIL, startPortalHarness, type PortalHarness } from '../portal/harness.ts';
import { SESSION_COOKIE } from '../../src/portal/routes/support.ts';

const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let h: PortalHarness;
let browser: Browser;
let callback: CallbackServer;
const shot = screenshots('web-pages');
const step = stepper(shot);

before(async () => {
  h = await startPortalHarness({ env: { LIGHTGATE_SERVICES: 'auth,ui,portal' } });
  callback = await startCallbackServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await callback?.close();
  await h?.close();
});

test('axe: every page at 390 and 1280 px, in English and in Spanish, no serious or critical violation, and each fits the phone', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  context.setDefaultTimeout(10_000);
  await context.addInitScript({ content: AXE_SOURCE });
  const page = await context.newPage();
  const found: string[] = [];
  const seen: string[] = [];
  const shotsTaken = new Set<string>();
  let lang: 'en' | 'es' = 'en';
  /** axe at both widths on the page as it is now; a screenshot of each page at each width, once (test-artifacts/web-pages/). */
  const analyze = async (name: string, expected: 'en' | 'es' = lang) => {
    assert.equal(await page.locator('html').getAttribute('lang'), expected, `${name}: the page's language`);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      // One language's screenshots are enough to see each page (the other costs seconds for nothing new).
      if (!shotsTaken.has(name)) await shot(page, `${name.replace(/[^a-z0-9]+/gi, '-')}-${expected}-${size.width}`);
      const layout = await page.evaluate(() => {
        const lines = (el: Element) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
        };
        return {
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          wrapped: Array.from(document.querySelectorAll('.button, .badge')).filter((el) => (el as HTMLElement).offsetParent && lines(el) > 1).map((el) => el.textContent?.trim()),
          unlabelled: Array.from(document.querySelectorAll('table.list td')).filter((td) => getComputedStyle(td).display === 'grid' && !td.getAttribute('data-label') && !td.classList.contains('actions-col')).length,
        };
      });
      // Phone first (issue 17 #1): nothing wider than the screen, buttons and badges on one line, card rows labelled.
      if (layout.overflow > 0) found.push(`${name} (${expected}) @${size.width}: ${layout.overflow}px wider than the screen`);
      if (layout.wrapped.length) found.push(`${name} (${expected}) @${size.width}: wrapped ${layout.wrapped.join(', ')}`);
      if (layout.unlabelled) found.push(`${name} (${expected}) @${size.width}: ${layout.unlabelled} unlabelled card cells`);
      // axe is already in the page (the init script): nothing more to inject.
      const result = await new AxeBuilder({ page: page as never, axeSource: 'void 0' }).setLegacyMode(true).withTags(TAGS).options({ resultTypes: ['violations'] }).analyze();
      for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
        found.push(`${name} (${expected}) @${size.width}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
    seen.push(`${name} (${expected})`);
    shotsTaken.add(name);
  };
  /** Both languages: this one, then the other (the language cookie holds for every port of the host). */
  const sweep = async (name: string, again?: () => Promise<void>) => {
    await analyze(name);
    lang = lang === 'en' ? 'es' : 'en';
    await context.addCookies([{ name: 'lg_lang', value: lang, url: h.t.urls.ui }]);
    if (again) await again();
    else await page.reload();
    await analyze(name);
  };
  const t = h.t;
  const email = 'axe@example.com';
  try {
    const created = await t.stack.admin!.createClient({
      client_name: 'Axe Shop',
      client_uri: 'https://shop.example',
      redirect_uris: [callback.url],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'openid offline_access read write',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    if (!created.ok) throw new Error('client');
    const rp = await relyingParty({ publicUrl: t.urls.issuer }, created.value as { client_id: string; client_secret: string });
    const start = async () => (await authorizationUrl(rp, 'openid offline_access read write', { redirect_uri: callback.url })).url.href;

    await step(page, 'login app', async () => {
      await page.goto(t.urls.ui);
      await sweep('home');
      await page.goto(`${t.urls.ui}/nothing-here`);
      await sweep('not found');
      await page.goto(await start());
      const loginUrl = page.url();
      await sweep('sign-in: email');
      const badEmail = async () => {
        await page.locator('input[type=email]').fill('not-an-email');
        await page.locator('form[action="/login"] button[type=submit]').click();
        await page.locator('.error-summary').waitFor();
      };
      await badEmail();
      await sweep('sign-in: email error', badEmail);
      if ((await page.locator('nav.tabs a').count()) > 1) {
        await page.goto(`${loginUrl}&method=phone`);
        await sweep('sign-in: phone');
        await page.goto(loginUrl);
      }
      await page.locator('input[type=email]').fill(email);
      await page.locator('#remember').check();
      await page.locator('form[action="/login"] button[type=submit]').click();
      await page.locator('#code').waitFor();
      await sweep('code (resend countdown)');
      const badCode = async () => {
        await page.locator('#code').fill(wrongCode(lastCode(t.dataDir, email)));
        await page.locator('form[action="/login/code"] button[type=submit]').click();
        await page.locator('.error-summary').waitFor();
      };
      await badCode();
      await sweep('code: wrong', badCode);
      // Five wrong codes in all lock the code.
      for (let i = 0; i < 3; i++) await badCode().catch(() => undefined);
      await page.locator('#code').waitFor({ state: 'detached' });
      await sweep('code: locked');
      await page.locator('form[action="/login/resend"] button[type=submit]').click();
      await page.locator('#code').fill(lastCode(t.dataDir, email));
      await page.locator('form[action="/login/code"] button[type=submit]').click();
      await page.locator('button[value=allow]').waitFor();
      await sweep('consent');
      const consentUrl = page.url();
      await page.locator('button[value=allow]').click();
      await page.waitForURL((u) => u.href.startsWith(callback.url));
      await page.goto(consentUrl);
      await sweep('already done');
      await page.goto(`${t.urls.issuer}/oauth2/sessions/logout`);
      await page.locator('button[value=yes]').waitFor();
      await sweep('sign out?');
      await page.locator('button[value=yes]').click();
      await page.waitForURL((u) => u.pathname === '/logged-out');
      await sweep('signed out');
      const account = await page.goto(`${t.urls.ui}/account`);
      if (account?.ok()) await sweep('account area');
    });

    await step(page, 'two-step verification', async () => {
      const totpEmail = 'axe-totp@example.com';
      await enrolTotp(t.stack.identity!, totpEmail, (to) => lastCode(t.dataDir, to));
      await page.goto(await start());
      await page.locator('input[type=email]').fill(totpEmail);
      await page.locator('form[action="/login"] button[type=submit]').click();
      await page.locator('#code').fill(lastCode(t.dataDir, totpEmail));
      await page.locator('form[action="/login/code"] button[type=submit]').click();
      await page.locator('#totp').waitFor();
      await sweep('authenticator code');
    });

    await step(page, "the auth server's pages", async () => {
      await page.goto(`${t.urls.issuer}/oauth2/auth?response_type=code&scope=openid&client_id=nobody`);
      await sweep('auth: unknown app');
      await page.goto(`${t.urls.issuer}/oauth2/auth?response_type=code&scope=openid&client_id=${created.value.client_id}&redirect_uri=https%3A%2F%2Fevil.example%2F`);
      const open = async () => {
        await page.reload();
        await page.locator('details.dev summary').click();
      };
      await page.locator('details.dev summary').click();
      await sweep('auth: unregistered redirect_uri', open);
    });

    await step(page, 'the portal', async () => {
      await page.goto(t.urls.portal);
      await sweep('portal: sign in');
      const signIn = async (who: string) => {
        const value = (await h.session(who)).split('=')[1]!;
        await context.addCookies([{ name: SESSION_COOKIE, value, url: t.urls.portal }]);
      };
      await signIn('dev@example.com');
      await page.goto(`${t.urls.portal}/apps/new`);
      const emptyForm = async () => {
        await page.locator('.card form[method=post] button[type=submit]').first().click();
        await page.locator('.error-summary').waitFor();
      };
      await emptyForm();
      await sweep('portal: application form with errors', async () => {
        await page.reload();
        await emptyForm();
      });
      await page.locator('#f-name').fill('Axe Shop POS');
      await page.locator('#f-purpose').fill('Payments at the counter');
      await page.locator('#f-website').fill('https://shop.example');
      await page.locator('#f-scopes-0').check();
      await page.locator('#f-redirect_uris').fill(callback.url);
      await page.locator('#f-auth_method-0').check();
      await page.locator('.card form[method=post] button[type=submit]').first().click();
      await page.waitForURL((u) => /\/apps\/[^/]+$/.test(u.pathname));
      const appUrl = page.url();
      await sweep('portal: app');
      await signIn(ADMIN_EMAIL);
      await page.goto(`${t.urls.portal}/admin`);
      await page.locator('a[href*="/approve?version="]').first().click();
      await sweep('portal: approve confirmation');
      await page.locator('.card.confirm button[type=submit]').click();
      await page.waitForURL((u) => u.pathname === '/admin');
      await signIn('dev@example.com');
      await page.goto(`${appUrl}/integration`);
      await sweep('portal: integration guide');
      await signIn(ADMIN_EMAIL);
      const pages = new Set(['/apps', '/keys', '/admin', '/admin/audit', '/account/apps', '/account/security', '/account/activity']);
      await page.goto(`${t.urls.portal}/apps`);
      for (const href of await page.locator('nav.portal-nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) if (href.startsWith('/')) pages.add(href);
      for (const path of pages) {
        await page.goto(`${t.urls.portal}${path}`);
        await sweep(`portal: ${path}`);
      }
    });
  } finally {
    await context.close();
  }
  assert.ok(seen.length >= 36, `pages swept: ${seen.join(', ')}`);
  assert.deepEqual(found, [], 'serious or critical axe violations, or a page that does not fit the phone');
});
