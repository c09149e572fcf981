// Browser tests of the login & consent app: chromium (playwright-core) from an openid-client
// authorization URL to the callback and a code exchange, through both HydraAdmin adapters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { BrowserContext, Page } from 'playwright-core';
import { totpCodeAt } from '../../src/identity/services/totp.ts';
import { signInOnLoginPage } from '../support/browser.ts';
import { enrolTotp } from '../support/users.ts';
import type { DatabaseKind } from '../support/databases.ts';
import { shot, startHarness, type AdapterKind, type Harness } from './harness.ts';

interface Visit {
  path: string;
  status: number;
}

// In-process adapter on PGlite, HTTP adapter on PostgreSQL: both ports and both engines.
const RUNS: [AdapterKind, DatabaseKind][] = [
  ['in-process', 'pglite'],
  ['http', 'postgres'],
];

for (const [adapter, kind] of RUNS) {
  describe(`browser sign-in through the ${adapter} HydraAdmin adapter (${kind})`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness(adapter, kind);
    });
    after(async () => {
      await h?.close();
    });

    /** Runs body with a fresh browser context; on failure saves a screenshot and tells where the page was. */
    async function withPage(name: string, body: (page: Page, visits: Visit[], context: BrowserContext) => Promise<void>, context?: BrowserContext) {
      const ctx = context ?? (await h.browser.newContext());
      ctx.setDefaultTimeout(8000);
      const page = await ctx.newPage();
      const visits: Visit[] = [];
      page.on('response', (r) => {
        const url = new URL(r.url());
        if (url.origin === h.uiUrl && r.request().resourceType() === 'document') visits.push({ path: url.pathname, status: r.status() });
      });
      try {
        await body(page, visits, ctx);
      } catch (error) {
        await shot(page, `${adapter}-${name}-failure`);
        const text = (await page.locator('main').innerText().catch(() => '')).slice(0, 400);
        throw new Error(`${(error as Error).message}\nat ${page.url()}\n${text}`, { cause: error });
      } finally {
        await page.close();
        if (!context) await ctx.close();
      }
    }

    async function enterEmailAndCode(page: Page, email: string, options: { keep?: boolean; shots?: string } = {}) {
      const shots = options.shots;
      await signInOnLoginPage(page, email, (to) => h.code(to.toLowerCase()), {
        keep: options.keep,
        atPage: async () => (shots ? shot(page, `${shots}-login-email`) : undefined),
        atCodePage: async () => (shots ? shot(page, `${shots}-code`) : undefined),
      });
    }

    async function callback(page: Page): Promise<URL> {
      await page.waitForURL((u) => u.href.startsWith(h.callbackUrl));
      return new URL(page.url());
    }

    test('email code, consent with scopes, callback and code exchange', async () => {
      const client = await h.createClient();
      const rp = await h.relyingParty(client);
      const auth = await h.authorize(rp, 'openid offline_access read receive');
      await withPage('email', async (page) => {
        await page.goto(auth.url.href);
        assert.equal(new URL(page.url()).origin, h.uiUrl);
        assert.ok(await page.getByText('Satoshi Savings').isVisible());
        await enterEmailAndCode(page, 'Ada@Example.com', { shots: `${adapter}-01` });

        await page.getByRole('button', { name: 'Allow' }).waitFor();
        assert.equal(new URL(page.url()).pathname, '/consent');
        for (const words of ['See your balances and transactions', 'Create invoices and addresses']) assert.ok(await page.getByText(words).isVisible(), words);
        assert.equal(await page.getByText('Send payments and change settings').count(), 0, 'write was not asked for');
        assert.ok(await page.getByText('ada@example.com').isVisible(), 'shows who is signed in');
        assert.equal(await page.getByRole('link', { name: /Privacy policy/ }).getAttribute('href'), 'https://savings.example/privacy');
        await shot(page, `${adapter}-01-consent`);

        await page.getByRole('button', { name: 'Allow' }).click();
        const landed = await callback(page);
        await shot(page, `${adapter}-01-callback`);
        const tokens = await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
        assert.ok(tokens.access_token);
        assert.ok(tokens.refresh_token, 'offline_access granted');
        assert.deepEqual(new Set(tokens.scope?.split(' ')), new Set(['openid', 'offline_access', 'read', 'receive']));
        const user = await h.identity.getUser(tokens.claims()!.sub);
        assert.equal(user?.email, 'ada@example.com', 'the subject is the user id');
        const introspected = await h.hydra.introspect(tokens.access_token);
        assert.ok(introspected.ok && introspected.value.active && introspected.value.sub === user!.id);
      });
    });

    test('deny consent sends access_denied to the app', async () => {
      const client = await h.createClient({ client_name: 'Nosy App' });
      const rp = await h.relyingParty(client);
      const auth = await h.authorize(rp, 'openid read write');
      await withPage('deny', async (page) => {
        await page.goto(auth.url.href);
        await enterEmailAndCode(page, 'deny@example.com');
        await page.getByText('Send payments and change settings').waitFor();
        await shot(page, `${adapter}-02-consent-write`);
        await page.getByRole('button', { name: 'Deny' }).click();
        const landed = await callback(page);
        assert.equal(landed.searchParams.get('error'), 'access_denied');
        assert.equal(landed.searchParams.get('state'), auth.state);
        assert.equal(landed.searchParams.get('code'), null);
      });
    });

    test('remembered consent and "keep me signed in" skip the screens next time', async () => {
      const client = await h.createClient({ client_name: 'Regular App' });
      const rp = await h.relyingParty(client);
      const first = await h.authorize(rp, 'openid read');
      const context = await h.browser.newContext();
      try {
        await withPage(
          'remember-1',
          async (page) => {
            await page.goto(first.url.href);
            await enterEmailAndCode(page, 'regular@example.com', { keep: true });
            await page.getByLabel('Don’t ask again for Regular App').check();
            await page.getByRole('button', { name: 'Allow' }).click();
            const landed = await callback(page);
            assert.ok((await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: first.verifier, expectedState: first.state, expectedNonce: first.nonce })).access_token);
          },
          context,
        );
        // Same browser: signed in and consent remembered, so no page is shown at all.
        const second = await h.authorize(rp, 'openid read');
        await withPage(
          'remember-2',
          async (page, visits) => {
            await page.goto(second.url.href);
            const landed = await callback(page);
            assert.ok(visits.every((v) => v.status === 302), `only redirects through the app: ${JSON.stringify(visits)}`);
            const tokens = await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: second.verifier, expectedState: second.state, expectedNonce: second.nonce });
            assert.equal(tokens.scope, 'openid read');
          },
          context,
        );
      } finally {
        await context.close();
      }
      // Another browser: the person signs in again, but the remembered consent is not asked again.
      const third = await h.authorize(rp, 'openid read');
      await withPage('remember-3', async (page, visits) => {
        await page.goto(third.url.href);
        await enterEmailAndCode(page, 'regular@example.com');
        const landed = await callback(page);
        assert.deepEqual(
          visits.filter((v) => v.path === '/consent'),
          [{ path: '/consent', status: 302 }],
          'the consent page was skipped',
        );
        assert.ok((await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: third.verifier, expectedState: third.state, expectedNonce: third.nonce })).access_token);
      });
    });

    test('sign in with a TOTP second factor', async () => {
      // Enrol through the identity service, as the wallet app would through /auth/totp/register/*.
      const email = `totp-${adapter}@example.com`;
      const { userId, secret } = await enrolTotp(h.identity, email, h.code);

      const client = await h.createClient({ client_name: 'Careful App' });
      const rp = await h.relyingParty(client);
      const auth = await h.authorize(rp, 'openid read');
      await withPage('totp', async (page) => {
        await page.goto(auth.url.href);
        await enterEmailAndCode(page, email);
        await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
        await shot(page, `${adapter}-04-totp`);
        await page.getByLabel('Authenticator code').fill('000000' === totpCodeAt(secret, new Date(Date.now() + 30_000)) ? '111111' : '000000');
        await page.getByRole('button', { name: 'Verify and continue' }).click();
        await page.getByRole('alert').waitFor();
        assert.match(await page.getByRole('alert').innerText(), /authenticator code is not right/);
        await shot(page, `${adapter}-04-totp-wrong`);
        // The enrolment used the current step; the next step's code is accepted (clock drift window).
        await page.getByLabel('Authenticator code').fill(totpCodeAt(secret, new Date(Date.now() + 30_000)));
        await page.getByRole('button', { name: 'Verify and continue' }).click();
        await page.getByRole('button', { name: 'Allow' }).click();
        const landed = await callback(page);
        const tokens = await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
        assert.equal(tokens.claims()!.sub, userId);
      });
    });

    test('sign in by phone', async () => {
      const client = await h.createClient({ client_name: 'Phone App' });
      const rp = await h.relyingParty(client);
      const auth = await h.authorize(rp, 'openid receive');
      const phone = adapter === 'http' ? '+447700900123' : '+12025550148';
      await withPage('phone', async (page) => {
        await page.goto(auth.url.href);
        await page.getByRole('link', { name: 'Phone' }).click();
        await page.getByLabel('Phone number').waitFor();
        await shot(page, `${adapter}-05-phone`);
        await page.getByLabel('Phone number').fill('12345');
        await page.getByRole('button', { name: 'Send me a code' }).click();
        await page.getByRole('alert').waitFor();
        assert.match(await page.getByRole('alert').innerText(), /country code/);
        await page.getByLabel('Phone number').fill(phone.replace(/(\d{3})(\d{3})$/, ' $1 $2'));
        await page.getByLabel('Text message (SMS)').check();
        await page.getByRole('button', { name: 'Send me a code' }).click();
        await page.getByText(phone).waitFor();
        await page.getByLabel('Sign-in code').fill(h.code(phone));
        await page.getByRole('button', { name: /Sign in to/ }).click();
        await page.getByText('Create invoices and addresses').waitFor();
        await page.getByRole('button', { name: 'Allow' }).click();
        const landed = await callback(page);
        const tokens = await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
        assert.equal((await h.identity.getUser(tokens.claims()!.sub))?.phone, phone);
      });
    });

    test('an empty grant is refused: unticking every permission asks again', async () => {
      const client = await h.createClient({ client_name: 'Picky App' });
      const rp = await h.relyingParty(client);
      const auth = await h.authorize(rp, 'openid read write');
      await withPage('empty-grant', async (page) => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(auth.url.href);
        await enterEmailAndCode(page, 'picky@example.com');
        await page.getByLabel(/See your balances and transactions/).uncheck();
        await page.getByLabel(/Send payments and change settings/).uncheck();
        await shot(page, `${adapter}-07-consent-phone-size`);
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.getByRole('alert').waitFor();
        assert.match(await page.getByRole('alert').innerText(), /Choose at least one permission/);
        assert.equal(new URL(page.url()).pathname, '/consent');
        await page.getByLabel(/See your balances and transactions/).check();
        await page.getByLabel(/Send payments and change settings/).uncheck();
        await page.getByRole('button', { name: 'Allow' }).click();
        const landed = await callback(page);
        const tokens = await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
        assert.equal(tokens.scope, 'openid read', 'only what was kept');
      });
    });

    test('sign out from the app: confirm, stay signed in, or sign out', async () => {
      const client = await h.createClient({ client_name: 'Leaving App' });
      const rp = await h.relyingParty(client);
      const bye = h.callbackUrl.replace('/callback', '/bye');
      const context = await h.browser.newContext();
      try {
        const auth = await h.authorize(rp, 'openid read');
        let idToken = '';
        await withPage(
          'logout-login',
          async (page) => {
            await page.goto(auth.url.href);
            await enterEmailAndCode(page, 'leaving@example.com', { keep: true });
            await page.getByRole('button', { name: 'Allow' }).click();
            const tokens = await oidc.authorizationCodeGrant(rp, await callback(page), { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
            idToken = tokens.id_token!;
          },
          context,
        );
        await withPage(
          'logout',
          async (page) => {
            await page.goto(oidc.buildEndSessionUrl(rp, { id_token_hint: idToken, post_logout_redirect_uri: bye, state: 'stay' }).href);
            await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
            assert.ok(await page.getByText('Leaving App').isVisible());
            await page.getByRole('button', { name: 'Stay signed in' }).click();
            await page.getByRole('heading', { name: 'You are still signed in' }).waitFor();

            await page.goto(oidc.buildEndSessionUrl(rp, { id_token_hint: idToken, post_logout_redirect_uri: bye, state: 'bye-state' }).href);
            await shot(page, `${adapter}-08-logout`);
            await page.getByRole('button', { name: 'Sign out' }).click();
            await page.waitForURL((u) => u.href.startsWith(bye));
            assert.equal(new URL(page.url()).searchParams.get('state'), 'bye-state');

            // Signed out: the next authorization asks to sign in again.
            const next = await h.authorize(rp, 'openid read');
            await page.goto(next.url.href);
            await page.getByRole('heading', { name: 'Sign in' }).waitFor();
          },
          context,
        );
      } finally {
        await context.close();
      }
    });

    test('a wrong code is explained, cancel returns access_denied, a used challenge is a clear page', async () => {
      const client = await h.createClient({ client_name: 'Cancel App' });
      const rp = await h.relyingParty(client);
      const auth = await h.authorize(rp, 'openid read');
      await withPage('cancel', async (page) => {
        await page.goto(auth.url.href);
        const loginUrl = page.url();
        await page.getByLabel('Email address').fill('cancel@example.com');
        await page.getByRole('button', { name: 'Send me a code' }).click();
        const code = h.code('cancel@example.com');
        await page.getByLabel('Sign-in code').fill(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
        await page.getByRole('button', { name: /Sign in to/ }).click();
        await page.getByRole('alert').waitFor();
        assert.match(await page.getByRole('alert').innerText(), /not right.*4 tries left/s);
        await shot(page, `${adapter}-06-wrong-code`);
        await page.getByRole('button', { name: 'Cancel sign-in' }).click();
        const landed = await callback(page);
        assert.equal(landed.searchParams.get('error'), 'access_denied');
        const again = await page.goto(loginUrl);
        assert.ok(again && [404, 410].includes(again.status()), `status ${again?.status()}`);
        await page.getByRole('heading').first().waitFor();
        await shot(page, `${adapter}-06-used-challenge`);
      });
    });
  });
}
