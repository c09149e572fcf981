// The whole composed stack (src/main/stack.ts: auth, API, login & consent app): a first sign-in in
// the browser creates the user and an account with a BTC (default) and a USD wallet, the subject is
// the API's `me { id }`, and the /auth/* session token works on the same API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { lastCode } from '../support/users.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { launchBrowser } from '../support/browser.ts';
import { graphql } from '../support/graphql.ts';
import { shot } from './harness.ts';

const ME = '{ me { id defaultAccount { id wallets { walletCurrency } } } }';

describe('the composed stack', () => {
  let t: TestStack;
  let browser: Browser;
  before(async () => {
    t = await startTestStack();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('first sign-in in the browser creates the wallet account; the token reads me { id } = subject', async () => {
    const callback = 'http://127.0.0.1:9/callback';
    const created = await t.stack.admin!.createClient({
      client_name: 'Stack App',
      redirect_uris: [callback],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'openid read',
      token_endpoint_auth_method: 'client_secret_basic',
    });
    assert.ok(created.ok && created.value.client_secret);
    const rp = await oidc.discovery(new URL(t.urls.issuer), created.value.client_id, undefined, oidc.ClientSecretBasic(created.value.client_secret), {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(rp, { redirect_uri: callback, scope: 'openid read', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });

    const context = await browser.newContext();
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    let landed: URL | undefined;
    // The callback host is not listening: catch the navigation to it instead.
    await page.route(`${callback}**`, (route) => {
      landed = new URL(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>App</title><h1>Back at the app</h1>' });
    });
    try {
      await page.goto(url.href);
      assert.equal(new URL(page.url()).origin, t.urls.ui);
      await page.getByLabel('Email address').fill('stack@example.com');
      await page.getByRole('button', { name: 'Send me a code' }).click();
      await page.getByLabel('Sign-in code').fill(lastCode(t.dataDir, 'stack@example.com'));
      await page.getByRole('button', { name: /Sign in to/ }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('heading', { name: 'Back at the app' }).waitFor();
      await shot(page, 'stack-callback');
    } finally {
      await context.close();
    }
    assert.ok(landed);
    const tokens = await oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: verifier, expectedState: state });

    const me = await graphql(t.urls.api, { 'oauth2-token': tokens.access_token }, ME);
    assert.equal(me.status, 200, JSON.stringify(me.body));
    const data = me.body.data as { me: { id: string; defaultAccount: { wallets: { walletCurrency: string }[] } } };
    assert.equal(data.me.id, tokens.claims()!.sub, 'subject = me { id }');
    assert.deepEqual(data.me.defaultAccount.wallets.map((w) => w.walletCurrency).sort(), ['BTC', 'USD']);

    // The same person through Blink's core auth endpoints on the API port: same user, a Bearer session.
    // (A second code within 30 s would be throttled; this test skips the wait by clearing the counter.)
    await t.database.db.query("DELETE FROM rate_limits WHERE key LIKE 'identity:code-%'");
    const code = await fetch(`${t.urls.api}/auth/email/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'stack@example.com' }) });
    assert.equal(code.status, 200);
    const emailLoginId = ((await code.json()) as { result: string }).result;
    const login = await fetch(`${t.urls.api}/auth/email/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ emailLoginId, code: lastCode(t.dataDir, 'stack@example.com') }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const { authToken, id } = ((await login.json()) as { result: { authToken: string; id: string } }).result;
    assert.equal(id, data.me.id);
    const byBearer = await graphql(t.urls.api, { authorization: `Bearer ${authToken}` }, '{ me { id } }');
    assert.equal((byBearer.body.data as { me: { id: string } }).me.id, id);
    const out = await fetch(`${t.urls.api}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${authToken}` } });
    assert.equal(out.status, 200);
    assert.equal((await graphql(t.urls.api, { authorization: `Bearer ${authToken}` }, '{ me { id } }')).status, 401);
  });
});
