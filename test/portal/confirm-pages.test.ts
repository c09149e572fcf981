// Issue 17 #5: destructive actions ask first, on a page that works without JavaScript. The list's button is a
// link to a confirmation page that changes nothing; only its form (with its CSRF token) acts. Rotation tells
// the developer the old secret keeps working for the grace period, and it does (token endpoint).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifySecret } from '../../src/shared/secret-hash.ts';
import { formBody as form } from '../support/forms.ts';
import { postForm } from '../support/http-from.ts';
import { ADMIN_EMAIL, csrfFrom, startPortalHarness, type PortalHarness } from './harness.ts';

let h: PortalHarness;
before(async () => {
  h = await startPortalHarness({ env: { LIGHTGATE_SERVICES: 'auth,ui,portal', CLIENT_SECRET_ROTATION_GRACE: '1h' } });
});
after(() => h?.close());

const get = (session: string, url: string) => h.portal.inject({ method: 'GET', url, headers: { cookie: session } });

/** Submits the confirmation page's form as a browser would: its action, its hidden fields, its CSRF token. */
async function confirmOn(session: string, url: string) {
  const page = await get(session, url);
  assert.equal(page.statusCode, 200, `${url}: ${page.statusCode}`);
  const formHtml = /<form method="post" action="([^"]+)">([^]*?)<\/form>/.exec(page.body.split('class="card confirm"')[1] ?? '');
  assert.ok(formHtml, 'the confirmation page has one form');
  const fields: Record<string, string> = {};
  for (const m of formHtml[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!;
  const { cookie } = csrfFrom(page);
  return h.portal.inject({ method: 'POST', url: formHtml[1]!.replace(/&amp;/g, '&'), headers: { cookie: `${session}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) });
}

async function approvedApp(dev: string, admin: string) {
  const page = await get(dev, '/apps/new');
  const { cookie, token } = csrfFrom(page);
  const applied = await h.portal.inject({
    method: 'POST', url: '/apps', headers: { cookie: `${dev}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: token, name: 'Coffee Corner', purpose: 'Pay for coffee with Lightning', website: 'https://coffee.example', scopes: ['read'], redirect_uris: 'https://coffee.example/cb', auth_method: 'client_secret_basic' }),
  });
  assert.equal(applied.statusCode, 303);
  const id = String(applied.headers.location).split('/').pop()!;
  const queue = await get(admin, '/admin');
  const approveHref = new RegExp(`href="(/admin/apps/${id}/approve\\?version=[0-9]+)"`).exec(queue.body)?.[1];
  assert.ok(approveHref, 'the queue links to the approval confirmation');
  const asked = await get(admin, approveHref);
  assert.match(asked.body, /<h1 id="confirm-h">Approve Coffee Corner\?<\/h1>/);
  const [still] = await h.t.stack.db.query<{ status: string }>('SELECT status FROM portal_applications WHERE id = $1', [id]);
  assert.equal(still!.status, 'pending', 'opening the confirmation page approves nothing');
  assert.equal((await confirmOn(admin, approveHref)).statusCode, 303);
  const [row] = await h.t.stack.db.query<{ status: string; client_id: string }>('SELECT status, client_id FROM portal_applications WHERE id = $1', [id]);
  assert.equal(row!.status, 'approved');
  return { id, clientId: row!.client_id };
}

test('rotate: a confirmation page first; after it the old secret keeps working beside the new one', async () => {
  const dev = await h.session('confirm-dev@example.com');
  const admin = await h.session(ADMIN_EMAIL);
  const { id, clientId } = await approvedApp(dev, admin);
  const first = /<code id="client-secret">([^<]+)<\/code>/.exec((await get(dev, `/apps/${id}`)).body)?.[1];
  assert.ok(first);

  const appPage = await get(dev, `/apps/${id}`);
  assert.match(appPage.body, new RegExp(`<a class="button secondary" href="/apps/${id}/rotate">Rotate secret</a>`), 'a link, not a one-click form');
  const asked = await get(dev, `/apps/${id}/rotate`);
  assert.match(asked.body, /Rotate the secret of Coffee Corner\?/);
  assert.match(asked.body, /keeps working for 1 hour beside the new one/);
  assert.match(asked.body, new RegExp(`<a class="button secondary" href="/apps/${id}">Keep the current secret</a>`));
  const [before] = await h.t.stack.db.query<{ secret_hash: string }>('SELECT secret_hash FROM oauth2_clients WHERE client_id = $1', [clientId]);
  assert.ok(verifySecret(first, before!.secret_hash), 'opening the page rotates nothing');

  const someoneElse = await h.session('not-the-owner@example.com');
  assert.equal((await get(someoneElse, `/apps/${id}/rotate`)).statusCode, 404, 'another person gets no confirmation page');

  const done = await confirmOn(dev, `/apps/${id}/rotate`);
  assert.equal(done.statusCode, 303);
  const flash = done.cookies.find((c) => c.name === 'lg_portal_flash');
  const shown = await get(`${dev}; lg_portal_flash=${flash?.value ?? ''}`, `/apps/${id}`);
  const second = /<code id="client-secret">([^<]+)<\/code>/.exec(shown.body)?.[1];
  assert.ok(second && second !== first);
  assert.match(shown.body, /The old one keeps working for 1 hour/);
  const basic = (s: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(s)}`).toString('base64')}` });
  const token = (s: string) => postForm('127.0.0.1', `${h.t.urls.issuer}/oauth2/token`, { grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: 'https://coffee.example/cb' }, basic(s));
  // Client authentication passes (the code is wrong: invalid_grant) with both secrets; a wrong one is invalid_client.
  assert.equal((await token(first)).json().error, 'invalid_grant', 'the old secret still authenticates');
  assert.equal((await token(second)).json().error, 'invalid_grant');
  assert.equal((await token('wrong-secret')).json().error, 'invalid_client');
});

test('revoke a key, suspend an app: confirmation pages that change nothing until confirmed; admin pages need the role', async () => {
  const user = await h.session('confirm-keys@example.com');
  const keysPage = await get(user, '/keys');
  const { cookie, token } = csrfFrom(keysPage);
  const created = await h.portal.inject({ method: 'POST', url: '/keys', headers: { cookie: `${user}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: token, name: 'till', expiry: 'never', scopes: 'read' }) });
  assert.equal(created.statusCode, 303);
  const listed = (await get(user, '/keys')).body;
  const keyId = /href="\/keys\/([0-9a-f-]{36})\/revoke" aria-label="Revoke till"/.exec(listed)?.[1];
  assert.ok(keyId, 'Revoke is a link to a confirmation page');
  const asked = await get(user, `/keys/${keyId}/revoke`);
  assert.match(asked.body, /Revoke the key “till”\?/);
  assert.match(asked.body, /stops working at once/);
  const [live] = await h.t.stack.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [keyId]);
  assert.equal(live!.revoked_at, null);
  assert.equal((await get(await h.session('other-keys@example.com'), `/keys/${keyId}/revoke`)).statusCode, 404, 'not for another person');
  assert.equal((await confirmOn(user, `/keys/${keyId}/revoke`)).statusCode, 303);
  const [gone] = await h.t.stack.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [keyId]);
  assert.ok(gone!.revoked_at);

  const dev = await h.session('confirm-dev2@example.com');
  const admin = await h.session(ADMIN_EMAIL);
  const { id } = await approvedApp(dev, admin);
  assert.match((await get(admin, '/admin')).body, new RegExp(`href="/admin/apps/${id}/suspend" aria-label="Suspend Coffee Corner"`));
  assert.equal((await get(dev, `/admin/apps/${id}/suspend`)).statusCode, 403, 'admins only');
  const suspendPage = await get(admin, `/admin/apps/${id}/suspend`);
  assert.match(suspendPage.body, /Suspend Coffee Corner\?/);
  const [approved] = await h.t.stack.db.query<{ status: string }>('SELECT status FROM portal_applications WHERE id = $1', [id]);
  assert.equal(approved!.status, 'approved');
  assert.equal((await confirmOn(admin, `/admin/apps/${id}/suspend`)).statusCode, 303);
  const [suspended] = await h.t.stack.db.query<{ status: string }>('SELECT status FROM portal_applications WHERE id = $1', [id]);
  assert.equal(suspended!.status, 'suspended');
});
