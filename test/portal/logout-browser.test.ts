// Issue 19 #7 (portal sign-out) in chromium on a whole stack: signing out of the portal ends the
// Lightgate session too (RP-initiated logout with id_token_hint), so "Sign in" asks again; and signing
// out of Lightgate elsewhere ends the portal session at once (OIDC Back-Channel Logout 1.0).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { lastCode } from '../support/users.ts';
import { launchBrowser, signInOnLoginPage } from '../support/browser.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { startPortalHarness, type PortalHarness } from './harness.ts';

for (const kind of DATABASE_KINDS) describe(`portal sign-out and Lightgate sign-out (${kind})`, () => {
  let h: PortalHarness;
  let browser: Browser;
  before(async () => {
    h = await startPortalHarness({ kind });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  async function withPage(body: (page: Page) => Promise<void>) {
    const context = await browser.newContext();
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    try {
      await body(page);
    } catch (error) {
      const text = (await page.locator('main').innerText().catch(() => '')).slice(0, 400);
      throw new Error(`${(error as Error).message}\nat ${page.url()}\n${text}`, { cause: error });
    } finally {
      await context.close();
    }
  }

  /** Portal → "Sign in with Lightgate" → login UI (email code, kept signed in) → the portal's apps. */
  async function signIn(page: Page, email: string) {
    await page.goto(h.t.urls.portal);
    await page.getByRole('link', { name: 'Sign in with Lightgate' }).click();
    await signInOnLoginPage(page, email, (to) => lastCode(h.t.dataDir, to), { keep: true });
    await page.waitForURL(`${h.t.urls.portal}/apps`);
  }

  const portalSessions = async (email: string) =>
    Number((await h.t.stack.db.query<{ n: string | number }>('SELECT count(*) AS n FROM portal_sessions s JOIN users u ON u.id::text = s.user_id WHERE u.email = $1', [email]))[0]!.n);

  test('issue 19 #7: signing out of the portal signs out of Lightgate: "Sign in" asks to sign in again', async () => {
    const email = `portal-out-${kind}@example.com`;
    await withPage(async (page) => {
      await signIn(page, email);
      // Before the fix the auth session stayed: "Sign in" went straight back in.
      // One click: the portal's RP-initiated logout carries a valid id_token_hint, so the login UI does not
      // ask again (skip_logout_consent, honoured only with that hint: issue 19 #6).
      const asked: string[] = [];
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame() && new URL(f.url()).pathname === '/logout') asked.push(f.url());
      });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${h.t.urls.portal}/`);
      assert.deepEqual(asked, [], 'no second confirmation');
      await page.getByRole('link', { name: 'Sign in with Lightgate' }).waitFor();
      assert.equal(await portalSessions(email), 0);
      await page.getByRole('link', { name: 'Sign in with Lightgate' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal(new URL(page.url()).origin, h.t.urls.ui, 'the login UI asks again');
    });
  });

  test('issue 19 #7: signing out of Lightgate ends the portal session at once (back-channel logout)', async () => {
    const email = `lightgate-out-${kind}@example.com`;
    await withPage(async (page) => {
      await signIn(page, email);
      assert.equal(await portalSessions(email), 1);
      // Sign out at the auth server directly (another app's sign-out, or a bare logout link).
      await page.goto(`${h.t.urls.issuer}/oauth2/sessions/logout`);
      await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL((u) => u.pathname === '/logged-out');
      assert.equal(await portalSessions(email), 0, 'the back-channel logout ended the portal session');
      await page.goto(`${h.t.urls.portal}/apps`);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal(new URL(page.url()).origin, h.t.urls.ui, 'the portal no longer knows the person, nor does Lightgate');
    });
  });
});
