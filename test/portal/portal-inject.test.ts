// Portal over fastify inject() on a real stack (PGlite): sign-in start, guards, CSRF, inline validation
// errors, the review workflow with its audit log, secrets shown once, API key form errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifySecret } from '../../src/shared/secret-hash.ts';
import { PORTAL_CLIENT_ID } from '../../src/portal/app/ensure-portal-client.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { formBody as form } from '../support/forms.ts';
import { ADMIN_EMAIL, csrfFrom, startPortalHarness, type PortalHarness } from './harness.ts';

const VALID = {
  name: 'Satoshi Shop',
  purpose: 'Take Lightning payments for our shop',
  website: 'https://shop.example',
  logo_uri: 'https://shop.example/logo.png',
  policy_uri: 'https://shop.example/privacy',
  tos_uri: 'https://shop.example/terms',
  scopes: ['read', 'receive'],
  redirect_uris: 'https://shop.example/callback\nhttp://localhost:3000/cb',
  auth_method: 'client_secret_post',
};

for (const kind of DATABASE_KINDS) describe(`developer portal (inject, ${kind})`, () => {
  let h: PortalHarness;
  before(async () => {
    h = await startPortalHarness({ kind });
  });
  after(async () => {
    await h?.close();
  });

  /** GET with the session, then POST the form with the page's CSRF token. */
  async function post(session: string, page: string, url: string, fields: Record<string, string | string[]>, options: { csrf?: 'none' | 'wrong' } = {}) {
    const got = await h.portal.inject({ method: 'GET', url: page, headers: { cookie: session } });
    assert.equal(got.statusCode, 200, `GET ${page}: ${got.statusCode}`);
    const { cookie, token } = csrfFrom(got);
    // Review forms carry the version the admin saw (issue 11 #5): send the one on the page (the approve
    // link to its confirmation page carries it in its query, issue 17 #5).
    const seen = /^\/admin\/apps\/([^/]+)\/(approve|reject)$/.test(url) ? new RegExp(`action="${url}"[^]*?name="version" value="([0-9]+)"|href="${url}\\?version=([0-9]+)"`).exec(got.body) : undefined;
    const version = seen?.[1] ?? seen?.[2];
    const withVersion = version ? { version, ...fields } : fields;
    const body = options.csrf === 'none' ? withVersion : { ...withVersion, _csrf: options.csrf === 'wrong' ? token.slice(0, -2) + 'xx' : token };
    return h.portal.inject({ method: 'POST', url, headers: { cookie: `${session}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(body) });
  }

  test('signed out: the home page offers sign-in, other pages redirect to it, security headers are set', async () => {
    const home = await h.portal.inject({ method: 'GET', url: '/' });
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Sign in with Lightgate/);
    assert.match(String(home.headers['content-security-policy']), /default-src 'none'.*script-src 'self'/);
    assert.equal(home.headers['x-frame-options'], 'DENY');
    const apps = await h.portal.inject({ method: 'GET', url: '/apps' });
    assert.equal(apps.statusCode, 302);
    assert.equal(apps.headers.location, '/auth/login?return_to=%2Fapps');
    const postOut = await h.portal.inject({ method: 'POST', url: '/apps', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(VALID) });
    assert.equal(postOut.statusCode, 401);
  });

  test('the portal client exists after start: confidential, skip_consent, openid read write, its callback', async () => {
    const client = await h.t.stack.admin!.getClient(PORTAL_CLIENT_ID);
    assert.ok(client.ok);
    assert.equal(client.value.skip_consent, true);
    assert.equal(client.value.scope, 'openid read write');
    assert.deepEqual(client.value.redirect_uris, [`${h.t.urls.portal}/auth/callback`]);
    assert.equal(client.value.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(client.value.client_secret, undefined, 'the secret is never read back');
  });

  test('sign-in starts an authorization code flow with PKCE S256, state and nonce in a signed HttpOnly cookie', async () => {
    const res = await h.portal.inject({ method: 'GET', url: '/auth/login?return_to=/keys' });
    assert.equal(res.statusCode, 302);
    const to = new URL(String(res.headers.location));
    assert.equal(`${to.origin}${to.pathname}`, `${h.t.urls.issuer}/oauth2/auth`);
    assert.equal(to.searchParams.get('client_id'), PORTAL_CLIENT_ID);
    assert.equal(to.searchParams.get('redirect_uri'), `${h.t.urls.portal}/auth/callback`);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(to.searchParams.get('scope'), 'openid read write');
    assert.ok(to.searchParams.get('state') && to.searchParams.get('nonce') && to.searchParams.get('code_challenge'));
    const flow = res.cookies.find((c) => c.name === 'lg_portal_flow');
    assert.ok(flow?.httpOnly);
    assert.equal(flow?.sameSite, 'Lax');
    // An open redirect through return_to is refused.
    const evil = await h.portal.inject({ method: 'GET', url: '/auth/login?return_to=//evil.example/x' });
    const cookie = evil.cookies.find((c) => c.name === 'lg_portal_flow')!;
    const unsigned = h.portal.unsignCookie(cookie.value);
    assert.equal(JSON.parse(Buffer.from(unsigned.value!, 'base64url').toString()).returnTo, '/apps');
  });

  test('a callback without the flow cookie, or with a forged code, is a 400 page, not a session', async () => {
    const bare = await h.portal.inject({ method: 'GET', url: '/auth/callback?code=x&state=y' });
    assert.equal(bare.statusCode, 400);
    assert.equal(bare.cookies.find((c) => c.name === 'lg_portal_session'), undefined);
    const start = await h.portal.inject({ method: 'GET', url: '/auth/login' });
    const flow = start.cookies.find((c) => c.name === 'lg_portal_flow')!;
    const state = new URL(String(start.headers.location)).searchParams.get('state');
    const forged = await h.portal.inject({ method: 'GET', url: `/auth/callback?code=forged&state=${state}`, headers: { cookie: `lg_portal_flow=${flow.value}` } });
    assert.equal(forged.statusCode, 400);
    assert.match(forged.body, /Sign-in did not complete/);
  });

  test('CSRF: POSTs without the token or with a wrong one are refused (403) and change nothing', async () => {
    const dev = await h.session('csrf-dev@example.com');
    for (const csrf of ['none', 'wrong'] as const) {
      const res = await post(dev, '/apps/new', '/apps', VALID, { csrf });
      assert.equal(res.statusCode, 403, csrf);
      assert.match(res.body, /This form has expired/);
    }
    const list = await h.portal.inject({ method: 'GET', url: '/apps', headers: { cookie: dev } });
    assert.match(list.body, /You have no apps yet/);
    const key = await post(dev, '/keys', '/keys', { name: 'k', expiry: '30', scopes: 'read' }, { csrf: 'none' });
    assert.equal(key.statusCode, 403);
    const logout = await post(dev, '/apps', '/auth/logout', {}, { csrf: 'none' });
    assert.equal(logout.statusCode, 403);
  });

  test('the application form shows each error next to its field and keeps what was typed', async () => {
    const dev = await h.session('form-dev@example.com');
    const res = await post(dev, '/apps/new', '/apps', {
      name: '',
      purpose: 'x',
      website: 'javascript:alert(1)',
      logo_uri: 'http://shop.example/logo.png',
      scopes: ['admin'],
      redirect_uris: 'http://shop.example/cb',
      auth_method: 'password',
    });
    assert.equal(res.statusCode, 400);
    const errorOf = (field: string) => new RegExp(`id="f-${field}-error">([^<]+)<`).exec(res.body)?.[1];
    assert.equal(errorOf('name'), 'Enter the name of your app');
    assert.equal(errorOf('website'), 'Enter a full address starting with https://');
    assert.equal(errorOf('logo_uri'), 'Use an https address');
    assert.equal(errorOf('scopes'), 'Choose among read, receive and write');
    assert.equal(errorOf('redirect_uris'), 'Use https, or http only on localhost or 127.0.0.1: http://shop.example/cb');
    assert.equal(errorOf('auth_method'), 'Choose how your app authenticates');
    assert.equal(errorOf('purpose'), undefined);
    assert.match(res.body, /id="f-name"[^>]*aria-invalid="true"/);
    assert.match(res.body, /value="javascript:alert\(1\)"/, 'typed value kept, escaped in an attribute');
    const fragment = await post(dev, '/apps/new', '/apps', { ...VALID, redirect_uris: 'https://shop.example/cb#frag' });
    assert.equal(fragment.statusCode, 400);
    assert.match(fragment.body, /must not contain a fragment/);
    const many = await post(dev, '/apps/new', '/apps', { ...VALID, redirect_uris: Array.from({ length: 11 }, (_, i) => `https://shop.example/${i}`).join('\n') });
    assert.match(many.body, /Enter at most 10 callback URLs/);
  });

  test('apply, approve (exact client, secret shown once), scope increase back to review, suspend, reactivate, audit log', async () => {
    const dev = await h.session('shop-dev@example.com');
    const devId = await h.user('shop-dev@example.com');
    const admin = await h.session(ADMIN_EMAIL);

    const applied = await post(dev, '/apps/new', '/apps', VALID);
    assert.equal(applied.statusCode, 303);
    const appPath = String(applied.headers.location);
    assert.match(appPath, /^\/apps\/[0-9a-f-]{36}$/);
    const id = appPath.split('/')[2]!;
    const pending = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    assert.match(pending.body, /waiting for review/);

    // Only admins reach the queue; another developer cannot see the app.
    assert.equal((await h.portal.inject({ method: 'GET', url: '/admin', headers: { cookie: dev } })).statusCode, 403);
    assert.equal((await post(dev, '/apps', `/admin/apps/${id}/approve`, {})).statusCode, 403);
    const other = await h.session('other-dev@example.com');
    assert.equal((await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: other } })).statusCode, 404);
    assert.equal((await h.portal.inject({ method: 'GET', url: '/apps/not-a-uuid', headers: { cookie: dev } })).statusCode, 404);

    const queue = await h.portal.inject({ method: 'GET', url: '/admin', headers: { cookie: admin } });
    assert.equal(queue.statusCode, 200);
    for (const detail of ['Satoshi Shop', 'Take Lightning payments for our shop', 'https://shop.example/privacy', 'http://localhost:3000/cb', 'shop-dev@example.com']) assert.ok(queue.body.includes(detail), detail);
    const noReason = await post(admin, '/admin', `/admin/apps/${id}/reject`, { reason: '  ' });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /Give the developer a reason/);
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/approve`, {}, { csrf: 'none' })).statusCode, 403);

    const approved = await post(admin, '/admin', `/admin/apps/${id}/approve`, {});
    assert.equal(approved.statusCode, 303);
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/approve`, {})).statusCode, 409, 'approving twice is refused');

    const clients = await h.t.stack.admin!.listClients({ owner: devId });
    assert.ok(clients.ok);
    assert.equal(clients.value.length, 1);
    const client = clients.value[0]!;
    assert.equal(client.client_name, 'Satoshi Shop');
    assert.equal(client.client_uri, 'https://shop.example');
    assert.equal(client.logo_uri, 'https://shop.example/logo.png');
    assert.equal(client.policy_uri, 'https://shop.example/privacy');
    assert.equal(client.tos_uri, 'https://shop.example/terms');
    assert.deepEqual(client.redirect_uris, ['https://shop.example/callback', 'http://localhost:3000/cb']);
    assert.equal(client.scope, 'openid offline_access read receive');
    assert.equal(client.token_endpoint_auth_method, 'client_secret_post');
    assert.deepEqual(client.grant_types, ['authorization_code', 'refresh_token']);
    assert.equal(client.metadata.portal_application_id, id);
    assert.equal(client.status, 'active');

    const first = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    const secret = /<code id="client-secret">([^<]+)<\/code>/.exec(first.body)?.[1];
    assert.ok(secret, 'the secret is shown on the first view');
    assert.ok(first.body.includes(client.client_id));
    const [stored] = await h.t.stack.db.query<{ secret_hash: string }>('SELECT secret_hash FROM oauth2_clients WHERE client_id = $1', [client.client_id]);
    assert.ok(verifySecret(secret, stored!.secret_hash), 'the shown secret is the client secret (the auth server keeps only its hash)');
    const second = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    assert.ok(!second.body.includes(secret), 'shown exactly once');
    assert.match(second.body, /hidden \(shown once/);

    // Rotation shows a new secret once more.
    assert.equal((await post(dev, appPath, `${appPath}/rotate`, {})).statusCode, 303);
    const rotated = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    const secret2 = /<code id="client-secret">([^<]+)<\/code>/.exec(rotated.body)?.[1];
    assert.ok(secret2 && secret2 !== secret);

    // Integration page with the app's own values.
    const integration = await h.portal.inject({ method: 'GET', url: `${appPath}/integration`, headers: { cookie: dev } });
    for (const value of [`${h.t.urls.issuer}/.well-known/openid-configuration`, `${h.t.urls.issuer}/oauth2/auth`, `${h.t.urls.issuer}/oauth2/token`, `CLIENT_ID: &quot;${client.client_id}&quot;`, 'Oauth2-Token', `${h.t.urls.api}/graphql`]) {
      assert.ok(integration.body.includes(value), value);
    }

    // Fewer scopes apply at once, a new name waits for review (issue 19 #8); an http callback off
    // localhost is refused; more scopes go back to review.
    const edit = { ...VALID, name: 'Satoshi Shop 2', scopes: ['read'] };
    assert.equal((await post(dev, `${appPath}/edit`, appPath, edit)).statusCode, 303);
    let live = await h.t.stack.admin!.getClient(client.client_id);
    assert.ok(live.ok && live.value.client_name === 'Satoshi Shop' && live.value.scope === 'openid offline_access read');
    const badEdit = await post(dev, `${appPath}/edit`, appPath, { ...edit, redirect_uris: 'http://example.com/cb' });
    assert.equal(badEdit.statusCode, 400);
    assert.match(badEdit.body, /id="f-redirect_uris-error">Use https, or http only on localhost/);
    assert.equal((await post(dev, `${appPath}/edit`, appPath, { ...edit, scopes: ['read', 'write'] })).statusCode, 303);
    live = await h.t.stack.admin!.getClient(client.client_id);
    assert.ok(live.ok && live.value.scope === 'openid offline_access read', 'the client keeps its approved scopes while in review');
    const review = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    assert.match(review.body, /Change in review/);
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/reject`, { reason: 'write is not needed for a shop' })).statusCode, 303);
    const declined = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    assert.match(declined.body, /declined: write is not needed for a shop/);
    live = await h.t.stack.admin!.getClient(client.client_id);
    assert.ok(live.ok && live.value.client_name === 'Satoshi Shop', 'a declined change leaves the approved name');
    assert.equal((await post(dev, `${appPath}/edit`, appPath, { ...edit, scopes: ['read', 'receive', 'write'] })).statusCode, 303);
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/approve`, {})).statusCode, 303);
    live = await h.t.stack.admin!.getClient(client.client_id);
    assert.ok(live.ok && live.value.scope === 'openid offline_access read receive write' && live.value.client_name === 'Satoshi Shop 2');

    // Suspend and reactivate set the client's approval state.
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/suspend`, {})).statusCode, 303);
    live = await h.t.stack.admin!.getClient(client.client_id);
    assert.equal(live.ok && live.value.status, 'suspended');
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/suspend`, {})).statusCode, 409);
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/reactivate`, {})).statusCode, 303);
    live = await h.t.stack.admin!.getClient(client.client_id);
    assert.equal(live.ok && live.value.status, 'active');

    const audit = await h.portal.inject({ method: 'GET', url: '/admin/audit', headers: { cookie: admin } });
    assert.equal(audit.statusCode, 200);
    const actions = [...audit.body.matchAll(/<td[^>]*><code>(application\.[a-z_]+)<\/code><\/td>/g)].map((m) => m[1]);
    assert.deepEqual(actions, ['application.reactivate', 'application.suspend', 'application.approve_change', 'application.edit', 'application.reject_change', 'application.edit', 'application.edit', 'application.approve']);
    assert.ok(audit.body.includes(ADMIN_EMAIL));

    // Deleting the app deletes its client.
    assert.equal((await post(dev, `${appPath}/delete`, `${appPath}/delete`, {})).statusCode, 303);
    const gone = await h.t.stack.admin!.getClient(client.client_id);
    assert.ok(!gone.ok && gone.error.status === 404);
  });

  test('issue 16: an app asking for DPoP-bound tokens becomes a client with dpop_bound_access_tokens; switching it off waits for review', async () => {
    const dev = await h.session('dpop-dev@example.com');
    const admin = await h.session(ADMIN_EMAIL);
    const form = await h.portal.inject({ method: 'GET', url: '/apps/new', headers: { cookie: dev } });
    assert.match(form.body, /name="dpop_bound" value="on"/);
    const applied = await post(dev, '/apps/new', '/apps', { ...VALID, name: 'Bound Shop', dpop_bound: 'on' });
    assert.equal(applied.statusCode, 303);
    const appPath = String(applied.headers.location);
    const id = appPath.split('/')[2]!;
    assert.match((await h.portal.inject({ method: 'GET', url: '/admin', headers: { cookie: admin } })).body, /DPoP-bound tokens<\/dt><dd>yes/, 'the review queue shows it');
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/approve`, {})).statusCode, 303);
    const shown = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    assert.match(shown.body, /DPoP-bound tokens<\/dt><dd>yes/);
    const clients = await h.t.stack.admin!.listClients({ owner: await h.user('dpop-dev@example.com') });
    assert.ok(clients.ok);
    const clientId = clients.value[0]!.client_id;
    assert.equal(clients.value[0]!.dpop_bound_access_tokens, true);
    // Off (every other field the same): the live client stays bound until an admin approves the change.
    const { dpop_bound: _on, ...unbound } = { ...VALID, name: 'Bound Shop', dpop_bound: 'on' };
    assert.equal((await post(dev, `${appPath}/edit`, appPath, unbound)).statusCode, 303);
    const live = await h.t.stack.admin!.getClient(clientId);
    assert.ok(live.ok && live.value.dpop_bound_access_tokens === true, 'still bound while in review');
  });

  test('a rejected application shows the reason and goes back to review when edited', async () => {
    const dev = await h.session('rejected-dev@example.com');
    const admin = await h.session(ADMIN_EMAIL);
    const appPath = String((await post(dev, '/apps/new', '/apps', { ...VALID, name: 'Nope', auth_method: 'none' })).headers.location);
    const id = appPath.split('/')[2]!;
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/reject`, { reason: 'Website is not reachable' })).statusCode, 303);
    const page = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    assert.match(page.body, /Rejected: Website is not reachable/);
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/approve`, {})).statusCode, 409);
    assert.equal((await post(dev, `${appPath}/edit`, appPath, { ...VALID, name: 'Nope fixed', auth_method: 'none' })).statusCode, 303);
    const again = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    assert.match(again.body, /waiting for review/);
    // A public client is approved without a secret.
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/approve`, {})).statusCode, 303);
    const approved = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
    assert.doesNotMatch(approved.body, /id="client-secret"/);
    assert.match(approved.body, /none: a public client uses PKCE/);
    assert.equal((await post(dev, appPath, `${appPath}/rotate`, {})).statusCode, 409);
  });

  test('a developer may hold at most 25 apps; sign-out ends the session', async () => {
    const dev = await h.session('busy-dev@example.com');
    const userId = await h.user('busy-dev@example.com');
    for (let i = 0; i < 25; i++) {
      await h.t.stack.db.query(
        `INSERT INTO portal_applications (id, owner_id, status, name, purpose, website, scopes, redirect_uris, auth_method)
         VALUES (gen_random_uuid(), $1, 'pending', $2, 'p', 'https://x.example', '{read}', '{https://x.example/cb}', 'none')`,
        [userId, `App ${i}`],
      );
    }
    const refused = await post(dev, '/apps/new', '/apps', VALID);
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /the most one account may have/);
    assert.match(refused.body, /value="Satoshi Shop"/, 'what was typed is kept');

    const out = await post(dev, '/apps', '/auth/logout', {});
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/');
    const after = await h.portal.inject({ method: 'GET', url: '/apps', headers: { cookie: dev } });
    assert.equal(after.statusCode, 302, 'the old session cookie no longer works');
  });

  test('API key form: inline errors for a missing name, scopes and a bad custom expiry; unknown key revoke is 404', async () => {
    const user = await h.session('keys-user@example.com');
    const res = await post(user, '/keys', '/keys', { name: '', expiry: 'custom', custom_days: '0' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /id="f-name-error">Give the key a name/);
    assert.match(res.body, /id="f-custom_days-error">Enter a number of days from 1 to 3650/);
    assert.match(res.body, /id="f-scopes-error">Choose at least one permission/);
    const created = await post(user, '/keys', '/keys', { name: 'till', expiry: 'custom', custom_days: '7', scopes: ['read', 'receive'] });
    assert.equal(created.statusCode, 303);
    const page = await h.portal.inject({ method: 'GET', url: '/keys', headers: { cookie: user } });
    assert.match(page.body, /lg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/, 'the new key is shown');
    const again = await h.portal.inject({ method: 'GET', url: '/keys', headers: { cookie: user } });
    assert.doesNotMatch(again.body, /lg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/, 'only once');
    const missing = await post(user, '/keys', '/keys/00000000-0000-0000-0000-000000000000/revoke', {});
    assert.equal(missing.statusCode, 404);

    // Expired and revoked keys are listed apart, without a revoke button.
    assert.equal((await post(user, '/keys', '/keys', { name: 'old one', expiry: '30', scopes: 'read' })).statusCode, 303);
    assert.equal((await post(user, '/keys', '/keys', { name: 'gone one', expiry: 'never', scopes: 'read' })).statusCode, 303);
    const userId = await h.user('keys-user@example.com');
    await h.t.stack.db.query("UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE user_id = $1 AND name = 'old one'", [userId]);
    const listed = await h.portal.inject({ method: 'GET', url: '/keys', headers: { cookie: user } });
    const row = listed.body.split('<tr>').find((r) => r.includes('aria-label="Revoke gone one"'));
    const goneId = /href="\/keys\/([0-9a-f-]{36})\/revoke"/.exec(row ?? '')?.[1];
    assert.ok(goneId);
    assert.equal((await post(user, '/keys', `/keys/${goneId}/revoke`, {})).statusCode, 303);
    const lists = (await h.portal.inject({ method: 'GET', url: '/keys', headers: { cookie: user } })).body;
    const section = (title: string) => lists.split(`<h2>${title}</h2>`)[1]!.split('<h2')[0]!;
    assert.match(section('Active'), /till/);
    assert.match(section('Expired'), /old one/);
    assert.doesNotMatch(section('Expired'), /Revoke/);
    assert.match(section('Revoked'), /gone one/);
    assert.doesNotMatch(section('Active'), /old one|gone one/);
  });
});
