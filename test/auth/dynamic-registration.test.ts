// Dynamic client registration (RFC 7591) and its management (RFC 7592) at Hydra's /oauth2/register (issue 16),
// black-box over real HTTP: a registered client waits `pending` (no flow, no token) until an admin approves
// it in the portal's review queue, then works. One engine (PGlite): the SQL is one small table.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import { ADMIN_EMAIL, startPortalHarness, type PortalHarness } from '../portal/harness.ts';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshots, signInOnLoginPage, startCallbackServer, type CallbackServer } from '../support/browser.ts';
import { formBody } from '../support/forms.ts';
import { authorizationUrl } from '../support/tokens.ts';
import { lastCode, uniqueEmail } from '../support/users.ts';

const shot = screenshots('dcr');


describe('dynamic client registration (RFC 7591/7592) into review', () => {
  let h: PortalHarness;
  let issuer: string;
  let browser: Browser;
  let callback: CallbackServer;
  let CALLBACK: string;
  let kiosk: Record<string, unknown>;
  before(async () => {
    [h, browser, callback] = await Promise.all([startPortalHarness({ env: { LIGHTGATE_SERVICES: 'auth,ui,portal', DCR_ENABLED: 'true', DCR_ADDRESS_LIMIT: '30' } }), launchBrowser(), startCallbackServer()]);
    issuer = h.t.urls.issuer;
    CALLBACK = callback.url;
    kiosk = { client_name: 'Kiosk Reg', redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'client_credentials'], response_types: ['code'], scope: 'openid read', token_endpoint_auth_method: 'client_secret_basic' };
  });
  after(async () => {
    await browser?.close();
    await callback?.close();
    await h?.close();
  });

  const register = async (body: unknown, raw = false) => {
    const res = await fetch(`${issuer}/oauth2/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ? (body as string) : JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  const manage = async (uri: string, method: string, token: string | undefined, body?: unknown) => {
    const res = await fetch(uri, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  const clientCredentials = async (id: string, secret: string) => {
    const res = await fetch(`${issuer}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
      body: formBody({ grant_type: 'client_credentials', scope: 'read' }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const authorize = async (id: string) => {
    const url = new URL(`${issuer}/oauth2/auth`);
    for (const [k, v] of Object.entries({ client_id: id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid read', state: 'state-123456' })) url.searchParams.set(k, v);
    return fetch(url, { redirect: 'manual' });
  };

  test('discovery names the registration endpoint', async () => {
    const meta = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(meta.registration_endpoint, `${issuer}/oauth2/register`);
  });

  test('bad metadata gets RFC 7591 errors', async () => {
    const badUri = await register({ ...kiosk, redirect_uris: ['not a url'] });
    assert.equal(badUri.status, 400);
    assert.equal(badUri.body.error, 'invalid_redirect_uri');
    const badGrant = await register({ ...kiosk, grant_types: ['password'] });
    assert.equal(badGrant.status, 400);
    assert.equal(badGrant.body.error, 'invalid_client_metadata');
    const notJson = await register('{"client_name":', true);
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error, 'invalid_client_metadata');
  });

  test('a registered client is pending (no flow, no token) until an admin approves it in the portal, then it works', async () => {
    const created = await register({ ...kiosk, skip_consent: true, status: 'active', audience: ['https://elsewhere.example'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { client_id: id, client_secret: secret, registration_access_token: token, registration_client_uri: uri } = created.body as Record<string, string>;
    assert.equal(created.body.status, 'pending');
    assert.equal(created.body.skip_consent, false, 'a registrant cannot skip consent');
    assert.deepEqual(created.body.audience, []);
    assert.equal(uri, `${issuer}/oauth2/register/${id}`);
    assert.ok(token && secret);
    assert.equal(created.headers.get('cache-control'), 'no-store');
    const [row] = await h.t.stack.db.query<{ token_hash: string }>('SELECT token_hash FROM oauth2_client_registration_tokens WHERE client_id = $1', [id]);
    assert.ok(row && !row.token_hash.includes(token!), 'the registration access token is stored hashed');

    // Pending: neither a token nor an authorization request.
    assert.equal((await clientCredentials(id!, secret!)).status, 401);
    const refused = await authorize(id!);
    assert.equal(refused.status, 400);
    const device = await fetch(`${issuer}/oauth2/device/auth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody({ client_id: id!, client_secret: secret!, scope: 'read' }) });
    assert.equal(device.status, 401, 'nor a device authorization');

    // The admin's review queue lists it (Chromium, the admin's portal session); approving makes it work.
    const session = (await h.session(ADMIN_EMAIL)).split('=');
    const admin = await browser.newContext();
    admin.setDefaultTimeout(8000);
    await admin.addCookies([{ name: session[0]!, value: session.slice(1).join('='), url: h.t.urls.portal }]);
    const queue = await admin.newPage();
    await queue.goto(`${h.t.urls.portal}/admin`);
    await queue.getByRole('heading', { name: 'Registered through the API' }).waitFor();
    assert.ok(await queue.getByText(id!).isVisible());
    await shot(queue, 'dcr-review-queue');
    await queue.getByRole('link', { name: 'Approve registration Kiosk Reg' }).click();
    // Issue 17 #5: it asks first, on a page of its own.
    await queue.getByRole('heading', { name: 'Approve Kiosk Reg?' }).waitFor();
    await shot(queue, 'dcr-approve-confirm');
    await queue.getByRole('button', { name: 'Approve', exact: true }).click();
    await queue.getByText('Kiosk Reg was approved.').waitFor();
    await admin.close();
    const got = await h.t.stack.hydra!.getClient(id!);
    assert.ok(got.ok && got.value.status === 'active');

    // Now the client works: client credentials, and a person's authorization code flow in the browser.
    const config = await oidc.discovery(new URL(issuer), id!, undefined, oidc.ClientSecretBasic(secret!), { execute: [oidc.allowInsecureRequests] });
    assert.ok((await oidc.clientCredentialsGrant(config, { scope: 'read' })).access_token);
    const flow = await authorizationUrl(config, 'openid read', { redirect_uri: CALLBACK });
    const person = await browser.newContext();
    person.setDefaultTimeout(8000);
    const page = await person.newPage();
    try {
      await page.goto(flow.url.href);
      await signInOnLoginPage(page, uniqueEmail(), (to) => lastCode(h.t.dataDir, to));
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('heading', { name: 'Back at the app' }).waitFor();
    } finally {
      await person.close();
    }
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state, expectedNonce: flow.nonce });
    assert.ok(tokens.access_token && tokens.claims()?.sub);
  });

  test('RFC 7592: read, update (back to review) and delete with the registration access token only', async () => {
    const created = await register({ ...kiosk, client_name: 'Managed' });
    const { client_id: id, registration_access_token: token, registration_client_uri: uri } = created.body as Record<string, string>;
    const other = (await register({ ...kiosk, client_name: 'Other' })).body.registration_access_token as string;

    const read = await manage(uri!, 'GET', token);
    assert.equal(read.status, 200);
    assert.equal(read.body.client_id, id);
    assert.equal(read.body.client_secret, undefined, 'the secret is shown once, at registration');
    for (const wrong of [undefined, 'nope', other]) {
      const denied = await manage(uri!, 'GET', wrong);
      assert.equal(denied.status, 401);
      assert.equal(denied.body.error, 'invalid_token');
      assert.match(denied.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
    }

    // An approved client that changes its metadata goes back to review.
    assert.ok((await h.t.stack.hydra!.setClientStatus(id!, 'active')).ok);
    const updated = await manage(uri!, 'PUT', token, { ...kiosk, client_id: id, client_name: 'Managed v2', redirect_uris: ['https://managed.example/cb'] });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.client_name, 'Managed v2');
    assert.deepEqual(updated.body.redirect_uris, ['https://managed.example/cb']);
    assert.equal(updated.body.status, 'pending');
    const mismatch = await manage(uri!, 'PUT', token, { ...kiosk, client_id: 'someone-else' });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.error, 'invalid_client_metadata');
    assert.equal((await manage(uri!, 'PUT', token, { ...kiosk, client_id: id, redirect_uris: ['nope'] })).body.error, 'invalid_redirect_uri');

    assert.equal((await manage(uri!, 'DELETE', other)).status, 401);
    assert.equal((await manage(uri!, 'DELETE', token)).status, 204);
    assert.equal((await manage(uri!, 'GET', token)).status, 401);
    const gone = await h.t.stack.hydra!.getClient(id!);
    assert.ok(!gone.ok && gone.error.status === 404);
  });

  test('an admin declines a registration in the portal: the client is deleted', async () => {
    const created = await register({ ...kiosk, client_name: 'Spam Reg' });
    const id = created.body.client_id as string;
    const session = (await h.session(ADMIN_EMAIL)).split('=');
    const admin = await browser.newContext();
    admin.setDefaultTimeout(8000);
    await admin.addCookies([{ name: session[0]!, value: session.slice(1).join('='), url: h.t.urls.portal }]);
    const page = await admin.newPage();
    try {
      await page.goto(`${h.t.urls.portal}/admin`);
      await page.getByRole('link', { name: 'Decline registration Spam Reg' }).click();
      await page.getByRole('heading', { name: 'Decline Spam Reg?' }).waitFor();
      await page.getByRole('button', { name: 'Decline and delete' }).click();
      await page.getByText('Spam Reg was declined.').waitFor();
    } finally {
      await admin.close();
    }
    const gone = await h.t.stack.hydra!.getClient(id);
    assert.ok(!gone.ok && gone.error.status === 404);
    assert.equal((await manage(created.body.registration_client_uri as string, 'GET', created.body.registration_access_token as string)).status, 401);
  });

  test('registration is limited per address', async () => {
    let limited: Awaited<ReturnType<typeof register>> | undefined;
    for (let i = 0; i < 30 && !limited; i += 1) {
      const answer = await register({ client_name: 'x', redirect_uris: ['bad'] });
      if (answer.status === 429) limited = answer;
      else assert.equal(answer.status, 400);
    }
    assert.ok(limited, 'the address was limited');
    assert.equal(limited.body.error, 'too_many_requests');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });
});
