// The portal in a real browser (chromium via playwright-core) on a whole stack: a developer applies,
// an admin approves, the developer copies the secret, the new client runs a real authorization code
// flow (openid-client) and calls the wallet API with Oauth2-Token; the user revokes the app in
// Connected apps and the API refuses it within 5 s; the user creates an API key, uses it with
// X-API-KEY and revokes it; the developer deletes the app and its tokens stop working. Sign-in goes
// through the real login UI with the emailed code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as oidc from 'openid-client';
import { type Browser, type Page } from 'playwright-core';
import { lastCode } from '../support/users.ts';
import { launchBrowser, profiles, screenshots, signInOnLoginPage, stepper, startCallbackServer, type CallbackServer } from '../support/browser.ts';
import { ADMIN_EMAIL, startPortalHarness, type PortalHarness } from './harness.ts';

const DEV_EMAIL = 'dev@example.com';
const USER_EMAIL = 'wallet-user@example.com';

let h: PortalHarness;
let browser: Browser;
let callbackServer: CallbackServer;
let callbackUrl: string;
const pages = profiles(() => browser, { permissions: ['clipboard-read', 'clipboard-write'] });

before(async () => {
  h = await startPortalHarness();
  callbackServer = await startCallbackServer();
  callbackUrl = callbackServer.url;
  browser = await launchBrowser();
});

after(async () => {
  await pages.closeAll();
  await browser?.close();
  await callbackServer?.close();
  await h?.close();
});

const newPage = pages.newPage;

const shot = screenshots('portal');

/** Runs a step; on failure, a screenshot and where the page was. */
const step = stepper(shot);

/** The login UI: email, the code from the outbox, back to where the flow goes. */
async function signInAtLoginUi(page: Page, email: string, options: { keep?: boolean } = {}) {
  await signInOnLoginPage(page, email, (to) => lastCode(h.t.dataDir, to), {
    keep: options.keep,
    atPage: async () => assert.equal(new URL(page.url()).origin, h.t.urls.ui),
  });
}

async function signInToPortal(page: Page, email: string, shotName?: string) {
  await page.goto(h.t.urls.portal);
  if (shotName) await shot(page, shotName);
  await page.getByRole('link', { name: 'Sign in with Lightgate' }).click();
  if (new URL(page.url()).origin === h.t.urls.ui) await signInAtLoginUi(page, email);
  await page.waitForURL(`${h.t.urls.portal}/apps`);
  await page.getByText(email).first().waitFor();
}

async function graphql(headers: Record<string, string>, body = JSON.stringify({ query: 'query { me { id } }' })) {
  const res = await fetch(`${h.t.urls.api}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as { data?: { me?: { id: string; defaultAccount?: { wallets: unknown[] } } }; errors?: unknown } };
}

/** Polls the API until it refuses the credential; returns how long that took. */
async function refusedWithin(headers: Record<string, string>, limitMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const r = await graphql(headers);
    if (r.status === 401) return Date.now() - started;
    if (Date.now() - started > limitMs) assert.fail(`still accepted after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('apply → approve → copy the secret → authorization code flow → API → revoke in Connected apps; API key create, use, revoke', async () => {
  // 1. The developer signs in with Lightgate and applies.
  const dev = await newPage();
  const appUrl = await step(dev, 'apply', async () => {
    await signInToPortal(dev, DEV_EMAIL, '01-sign-in');
    const session = (await dev.context().cookies(h.t.urls.portal)).find((c) => c.name === 'lg_portal_session');
    assert.ok(session?.httpOnly && session.sameSite === 'Lax', 'HttpOnly SameSite=Lax session cookie');
    await shot(dev, '02-apps-empty');
    await dev.getByRole('link', { name: 'Apply for an app' }).click();
    await dev.getByLabel('App name').fill('Lightning Tips');
    await dev.getByLabel('Purpose').fill('Let readers tip writers over Lightning');
    await dev.getByLabel('Website').fill('https://tips.example');
    await dev.getByLabel('Privacy policy URL (optional)').fill('https://tips.example/privacy');
    await dev.getByLabel(/^read/).check();
    await dev.getByLabel(/^receive/).check();
    await dev.getByLabel('Callback URLs').fill('http://example.com/cb');
    await dev.getByLabel('Confidential (client_secret_basic)').check();
    await dev.getByRole('button', { name: 'Submit application' }).click();
    // Inline error next to the field, the rest kept.
    await dev.locator('#f-redirect_uris-error').getByText('Use https, or http only on localhost or 127.0.0.1: http://example.com/cb').waitFor();
    assert.equal(await dev.getByLabel('App name').inputValue(), 'Lightning Tips');
    await shot(dev, '03-apply-inline-error');
    await dev.getByLabel('Callback URLs').fill(callbackUrl);
    await dev.getByRole('button', { name: 'Submit application' }).click();
    await dev.getByText('Your application is waiting for review.').waitFor();
    await shot(dev, '04-app-pending');
    return dev.url();
  });

  // 2. An admin (ADMIN_EMAILS) approves it from the queue.
  const admin = await newPage();
  await step(admin, 'approve', async () => {
    await signInToPortal(admin, ADMIN_EMAIL);
    await admin.getByRole('link', { name: 'Review queue' }).click();
    await admin.getByRole('heading', { name: /Lightning Tips/ }).waitFor();
    assert.ok(await admin.getByText('Let readers tip writers over Lightning').isVisible());
    assert.ok(await admin.getByText(DEV_EMAIL).first().isVisible());
    await shot(admin, '05-admin-queue');
    await admin.getByRole('link', { name: 'Approve Lightning Tips' }).click();
    // Issue 17 #5: approving asks first, on a page of its own.
    await admin.getByRole('heading', { name: 'Approve Lightning Tips?' }).waitFor();
    await admin.getByRole('button', { name: 'Approve', exact: true }).click();
    await admin.getByText('Lightning Tips was approved.').waitFor();
    await shot(admin, '06-admin-approved');
    await admin.getByRole('link', { name: 'Audit log' }).click();
    await admin.getByText('application.approve').waitFor();
    await shot(admin, '07-audit-log');
  });

  // 3. The developer sees the client ID and copies the secret, shown once.
  const { clientId, secret, curlBody } = await step(dev, 'credentials', async () => {
    await dev.goto(appUrl);
    await dev.getByText('Your client secret — copy it now.').waitFor();
    await dev.getByRole('button', { name: 'Copy client secret' }).click();
    await dev.getByText('Copied to the clipboard').waitFor();
    const copied = await dev.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, await dev.locator('#client-secret').innerText());
    const id = await dev.locator('#client-id').innerText();
    await shot(dev, '08-app-approved-secret-once');
    await dev.reload();
    assert.equal(await dev.locator('#client-secret').count(), 0, 'the secret is shown only once');
    await dev.getByRole('link', { name: 'Integration guide' }).click();
    await dev.getByRole('heading', { name: 'Integrate Lightning Tips' }).waitFor();
    assert.match(await dev.locator('#nextauth-snippet').innerText(), new RegExp(`CLIENT_ID: "${id}"`));
    const curl = await dev.locator('#curl-snippet').innerText();
    assert.ok(curl.includes(`${h.t.urls.api}/graphql`) && curl.includes("-H 'Oauth2-Token: "));
    await shot(dev, '09-integration');
    await dev.getByRole('link', { name: 'Apps', exact: true }).click();
    await dev.getByRole('link', { name: 'Lightning Tips' }).waitFor();
    await shot(dev, '10-apps-list');
    return { clientId: id, secret: copied, curlBody: /-d '(.+)'$/m.exec(curl)![1]! };
  });

  // 4. The new client runs a real authorization code flow for a wallet user and calls the API.
  const user = await newPage();
  const rp = await oidc.discovery(new URL(h.t.urls.issuer), clientId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizeUrl = oidc.buildAuthorizationUrl(rp, { redirect_uri: callbackUrl, scope: 'openid read receive', state, nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const accessToken = await step(user, 'oauth-flow', async () => {
    await user.goto(authorizeUrl.href);
    await signInAtLoginUi(user, USER_EMAIL, { keep: true });
    await user.getByRole('button', { name: 'Allow' }).waitFor();
    assert.ok(await user.getByText('Lightning Tips').first().isVisible());
    await shot(user, '11-consent');
    await user.getByRole('button', { name: 'Allow' }).click();
    await user.waitForURL((u) => u.href.startsWith(callbackUrl));
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(user.url()), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    assert.ok(tokens.access_token);
    return tokens.access_token;
  });
  // The integration page's own curl call, with the token the app just got.
  const me = await graphql({ 'Oauth2-Token': accessToken }, curlBody);
  assert.equal(me.status, 200, JSON.stringify(me.body));
  assert.equal(me.body.errors, undefined, JSON.stringify(me.body));
  assert.ok(me.body.data?.me?.defaultAccount?.wallets.length);
  const userId = me.body.data?.me?.id;
  assert.ok(userId);

  // 5. The user revokes the app in Connected apps; the API refuses its token within 5 s.
  await step(user, 'connected-apps', async () => {
    await signInToPortal(user, USER_EMAIL);
    // Connected apps are in the account area, in plain words (issue 17 #9), and removing one asks first (#5).
    await user.getByRole('link', { name: 'Your account' }).click();
    await user.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Connected apps' }).click();
    const item = user.locator('li.connected-app').filter({ hasText: 'Lightning Tips' });
    await item.waitFor();
    assert.match(await item.innerText(), /See your balance and transactions[^]*Create invoices to receive payments/);
    assert.equal(await user.locator('li.connected-app').filter({ hasText: /developer portal/i }).count(), 0, 'the portal itself is not listed');
    await shot(user, '12-connected-apps');
    await user.getByRole('link', { name: 'Remove access: Lightning Tips' }).click();
    await user.getByRole('heading', { name: 'Remove the access of Lightning Tips?' }).waitFor();
    await user.getByRole('button', { name: 'Remove access' }).click();
    await user.getByText('Access removed').waitFor();
    await shot(user, '13-connected-apps-revoked');
  });
  const tookOAuth = await refusedWithin({ 'Oauth2-Token': accessToken }, 5000);
  assert.ok(tookOAuth <= 5000, `refused after ${tookOAuth} ms`);

  // 6. An API key: created, shown once, used with X-API-KEY, revoked.
  const key = await step(user, 'api-key', async () => {
    await user.getByRole('link', { name: 'For developers' }).click();
    await user.getByRole('link', { name: 'API keys' }).click();
    await shot(user, '14-api-keys-empty');
    await user.getByLabel('Name').fill('point of sale');
    await user.getByLabel('in 90 days').check();
    await user.getByLabel(/^receive/).check();
    await user.getByRole('button', { name: 'Create key' }).click();
    await user.getByText(/New key point of sale/).waitFor();
    await user.getByRole('button', { name: 'Copy API key' }).click();
    const copied = await user.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /^lg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    await shot(user, '15-api-key-created');
    return copied;
  });
  const withKey = await graphql({ 'X-API-KEY': key });
  assert.equal(withKey.status, 200, JSON.stringify(withKey.body));
  assert.equal(withKey.body.data?.me?.id, userId);
  await step(user, 'api-key-revoke', async () => {
    await user.reload();
    assert.equal(await user.getByText(/New key point of sale/).count(), 0, 'the key is shown only once');
    await user.getByRole('link', { name: 'Revoke point of sale' }).click();
    await user.getByRole('heading', { name: /Revoke the key “point of sale”\?/ }).waitFor();
    await user.getByRole('button', { name: 'Revoke the key' }).click();
    await user.getByText('The key was revoked.').waitFor();
    await shot(user, '16-api-key-revoked');
  });
  const tookKey = await refusedWithin({ 'X-API-KEY': key }, 5000);
  assert.ok(tookKey <= 5000);

  // 7. The user allows the app again (signed in and remembered: straight to consent); the new token works.
  const verifier2 = oidc.randomPKCECodeVerifier();
  const state2 = oidc.randomState();
  const again = oidc.buildAuthorizationUrl(rp, { redirect_uri: callbackUrl, scope: 'openid read', state: state2, code_challenge: await oidc.calculatePKCECodeChallenge(verifier2), code_challenge_method: 'S256' });
  const secondToken = await step(user, 'oauth-again', async () => {
    await user.goto(again.href);
    await user.getByRole('button', { name: 'Allow' }).click();
    await user.waitForURL((u) => u.href.startsWith(callbackUrl));
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(user.url()), { pkceCodeVerifier: verifier2, expectedState: state2 });
    return tokens.access_token;
  });
  assert.equal((await graphql({ 'Oauth2-Token': secondToken })).status, 200);

  // 8. The developer edits the app, then deletes it: the client is gone and its tokens stop working.
  await step(dev, 'edit-delete', async () => {
    await dev.goto(appUrl);
    await dev.getByRole('link', { name: 'Edit' }).click();
    await dev.getByLabel('Terms of service URL (optional)').fill('https://tips.example/terms');
    await shot(dev, '17-app-edit');
    await dev.getByRole('button', { name: 'Save changes' }).click();
    // After approval a change waits for review; the live client keeps its approved terms (issue 19 #8).
    await dev.getByText(/Saved\. Your changes wait for review/).waitFor();
    await dev.getByText('Change in review').first().waitFor();
    const edited = await h.t.stack.admin!.getClient(clientId);
    assert.ok(edited.ok && edited.value.tos_uri !== 'https://tips.example/terms');
    await dev.getByRole('link', { name: 'Delete' }).click();
    await shot(dev, '18-app-delete');
    await dev.getByRole('button', { name: 'Delete the app' }).click();
    await dev.getByText('The app was deleted and its tokens revoked.').waitFor();
    const gone = await h.t.stack.admin!.getClient(clientId);
    assert.ok(!gone.ok && gone.error.status === 404);
  });
  assert.ok((await refusedWithin({ 'Oauth2-Token': secondToken }, 5000)) <= 5000);
});

test('issue 17: in Spanish by the language switch — apply, the app page, an API key; the choice holds from page to page', async () => {
  const dev = await newPage();
  await step(dev, 'es: switch', async () => {
    await signInToPortal(dev, 'dev-es@example.com');
    await dev.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: 'Español' }).click();
    await dev.waitForURL(`${h.t.urls.portal}/apps`);
    assert.equal(await dev.locator('html').getAttribute('lang'), 'es');
    await dev.getByRole('heading', { name: 'Tus apps OAuth2' }).waitFor();
  });
  const appUrl = await step(dev, 'es: apply', async () => {
    await dev.getByRole('link', { name: 'Solicitar una app' }).click();
    await dev.getByLabel('Nombre de la app').fill('Propinas Lightning');
    await dev.getByLabel('Propósito').fill('Propinas para quienes escriben');
    await dev.getByLabel('Sitio web').fill('https://propinas.example');
    await dev.getByLabel(/^read — ver saldos/).check();
    await dev.getByLabel('URL de callback').fill(callbackUrl);
    await dev.getByLabel('Confidencial (client_secret_basic)').check();
    await dev.getByRole('button', { name: 'Enviar solicitud' }).click();
    await dev.getByText('Solicitud enviada. Un operador la revisará.').waitFor();
    await dev.getByText('Tu solicitud espera revisión.').waitFor();
    await dev.getByText('Pendiente de revisión').waitFor();
    await shot(dev, '20-es-app-pending');
    return dev.url();
  });
  await step(dev, 'es: keys', async () => {
    await dev.getByRole('link', { name: 'Claves de API' }).click();
    await dev.getByRole('heading', { name: 'Claves de API', level: 1 }).waitFor();
    await dev.getByLabel('Nombre', { exact: true }).fill('caja');
    await dev.getByLabel('en 90 días').check();
    await dev.getByRole('button', { name: 'Crear la clave' }).click();
    await dev.getByText('Nueva clave caja: cópiala ahora. Solo se muestra esta vez.').waitFor();
    assert.equal(await dev.getByText('Create a key').count(), 0, 'no English heading');
    await shot(dev, '21-es-key-created');
    // Back to English by the switch: the same page, in English.
    await dev.goto(appUrl);
    await dev.getByRole('navigation', { name: 'Idioma' }).getByRole('link', { name: 'English' }).click();
    await dev.getByText('Your application is waiting for review.').waitFor();
  });
});
