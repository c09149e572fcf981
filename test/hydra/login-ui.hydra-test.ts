// Issue 8: the browser sign-in through Lightgate's login & consent app, and a wallet API call, with a
// real Ory Hydra as the authorization server. The app and the API talk to Hydra only through the
// HTTP HydraAdmin adapter (HYDRA_ADMIN_URL); Chromium drives the pages. `npm run test:hydra`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { type Browser, type Page } from 'playwright-core';
import { startHydra, type RunningHydra } from '../../scripts/hydra/start.ts';
import { launchBrowser, signInOnLoginPage, startCallbackServer, type CallbackServer } from '../support/browser.ts';
import { registerClient, relyingParty } from '../support/clients.ts';
import { graphql } from '../support/graphql.ts';
import { freePort, startTestStack, type TestStack } from '../support/stack.ts';
import { authorizationUrl } from '../support/tokens.ts';
import { lastCode } from '../support/users.ts';

describe('login & consent app and wallet API against Ory Hydra', () => {
  let hydra: RunningHydra;
  let stack: TestStack;
  let browser: Browser;
  let callbackServer: CallbackServer;
  let callbackUrl: string;
  let uiUrl: string;

  before(async () => {
    const uiPort = await freePort();
    uiUrl = `http://127.0.0.1:${uiPort}`;
    hydra = await startHydra({ loginUrl: `${uiUrl}/login`, consentUrl: `${uiUrl}/consent`, logoutUrl: `${uiUrl}/logout` });
    stack = await startTestStack({
      kind: 'postgres',
      env: { LIGHTGATE_SERVICES: 'ui,api', HYDRA_ADMIN_URL: hydra.adminUrl, UI_PORT: String(uiPort), URLS_UI: uiUrl },
    });
    callbackServer = await startCallbackServer();
    callbackUrl = callbackServer.url;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await callbackServer?.close();
    await stack?.close();
    await hydra?.stop();
  });

  async function hydraClient(name: string): Promise<oidc.Configuration> {
    const c = await registerClient(hydra.adminUrl, callbackUrl, {
      client_name: name,
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid offline_access read receive write',
      policy_uri: 'https://savings.example/privacy',
    });
    return relyingParty({ publicUrl: hydra.publicUrl }, c);
  }

  async function authorize(rp: oidc.Configuration, scope: string) {
    const a = await authorizationUrl(rp, scope, { redirect_uri: callbackUrl });
    return { url: a.url, state: a.state, nonce: a.nonce, verifier: a.codeVerifier };
  }

  const signIn = (page: Page, email: string, keep = false) => signInOnLoginPage(page, email, (to) => lastCode(stack.dataDir, to), { keep });

  async function landed(page: Page): Promise<URL> {
    await page.waitForURL((u) => u.href.startsWith(callbackUrl));
    return new URL(page.url());
  }

  async function withPage(body: (page: Page) => Promise<void>, context = undefined as Awaited<ReturnType<Browser['newContext']>> | undefined) {
    const ctx = context ?? (await browser.newContext());
    ctx.setDefaultTimeout(10_000);
    const page = await ctx.newPage();
    try {
      await body(page);
    } catch (error) {
      const text = (await page.locator('body').innerText().catch(() => '')).slice(0, 400);
      throw new Error(`${(error as Error).message}\nat ${page.url()}\n${text}`, { cause: error });
    } finally {
      await page.close();
      if (!context) await ctx.close();
    }
  }

  const gql = (token: string) => graphql(stack.urls.api, { 'oauth2-token': token }, '{ me { id } }');

  test('email code, consent, Hydra code exchange, then the wallet API with the Hydra token', async () => {
    const rp = await hydraClient('Satoshi Savings');
    const auth = await authorize(rp, 'openid offline_access read receive');
    await withPage(async (page) => {
      await page.goto(auth.url.href);
      assert.equal(new URL(page.url()).origin, uiUrl, 'Hydra sent the browser to the login & consent app');
      assert.ok(await page.getByText('Satoshi Savings').isVisible(), 'the app shows the client from Hydra');
      await signIn(page, 'ada@example.com');
      await page.getByRole('button', { name: 'Allow' }).click();
      const cb = await landed(page);
      const tokens = await oidc.authorizationCodeGrant(rp, cb, { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
      assert.deepEqual(new Set(tokens.scope?.split(' ')), new Set(['openid', 'offline_access', 'read', 'receive']));
      const sub = tokens.claims()!.sub;
      const user = await stack.stack.identity!.getUser(sub);
      assert.equal(user?.email, 'ada@example.com', 'Hydra subject = Lightgate user id');

      const me = await gql(tokens.access_token);
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.equal(me.body.data?.me?.id, sub);

      // Revoking in Hydra reaches the API once its introspection cache (CACHE_TTL) expires.
      const revoke = await fetch(`${hydra.adminUrl}/admin/oauth2/auth/sessions/consent?subject=${encodeURIComponent(sub)}&all=true`, { method: 'DELETE' });
      assert.equal(revoke.status, 204);
      const deadline = Date.now() + stack.config.cacheTtlSeconds * 1000 + 3000;
      let status = 200;
      while (Date.now() < deadline && status === 200) {
        status = (await gql(tokens.access_token)).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(status, 401, 'a token revoked in Hydra is refused');
    });
    assert.equal((await gql('not-a-hydra-token')).status, 401);
  });

  test('deny consent sends access_denied from Hydra to the app', async () => {
    const rp = await hydraClient('Nosy App');
    const auth = await authorize(rp, 'openid read write');
    await withPage(async (page) => {
      await page.goto(auth.url.href);
      await signIn(page, 'bob@example.com');
      await page.getByRole('button', { name: 'Deny' }).click();
      const cb = await landed(page);
      assert.equal(cb.searchParams.get('error'), 'access_denied');
      assert.equal(cb.searchParams.get('state'), auth.state);
    });
  });

  test('a remembered sign-in skips the login page on the next authorization', async () => {
    const rp = await hydraClient('Returning App');
    const ctx = await browser.newContext();
    try {
      const first = await authorize(rp, 'openid read');
      await withPage(async (page) => {
        await page.goto(first.url.href);
        await signIn(page, 'carol@example.com', true);
        await page.getByRole('button', { name: 'Allow' }).click();
        await landed(page);
      }, ctx);
      const second = await authorize(rp, 'openid read');
      await withPage(async (page) => {
        await page.goto(second.url.href);
        await page.waitForURL((u) => u.href.startsWith(callbackUrl) || (u.origin === uiUrl && u.pathname !== '/'));
        assert.notEqual(new URL(page.url()).pathname, '/login', 'Hydra skipped the login (skip=true)');
        // Consent is asked again unless the app remembered it; either way no new sign-in.
        if (new URL(page.url()).pathname === '/consent') await page.getByRole('button', { name: 'Allow' }).click();
        const cb = await landed(page);
        assert.ok(cb.searchParams.get('code'));
      }, ctx);
    } finally {
      await ctx.close();
    }
  });
});
