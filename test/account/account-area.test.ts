// Issue 17 #9: the account area, apart from the developer portal (its own frame and navigation), over fastify
// inject() on a real stack: connected apps in plain words with "Remove access" behind a confirmation page,
// activity (sign-ins and grants), passkeys listed and removable, and "sign out everywhere" (the person's
// login sessions at the auth server, every portal session, every API session token; nobody else's).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { formBody as form } from '../support/forms.ts';
import { createBrowser } from '../support/http-browser.ts';
import { authorizeUrl, pkce, signInThroughLoginUi } from '../support/ui-sign-in.ts';
import { csrfFrom, startPortalHarness, type PortalHarness } from '../portal/harness.ts';

const EMAIL = 'account-owner@example.com';
const REDIRECT = 'https://tips.example/cb';
let h: PortalHarness;
let clientId = '';

before(async () => {
  h = await startPortalHarness({ env: { LIGHTGATE_SERVICES: 'auth,ui,portal' } });
  const created = await h.t.stack.admin!.createClient({ client_name: 'Lightning Tips', client_uri: 'https://tips.example', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid read receive', token_endpoint_auth_method: 'client_secret_basic' });
  assert.ok(created.ok);
  clientId = created.value.client_id;
  // The person allows the app through the login app: a grant (consent session) and a sign-in in the activity.
  const same = (u: URL) => u;
  await signInThroughLoginUi(createBrowser(), { via: { start: same, afterLogin: same }, authorizeUrl: authorizeUrl(h.t.urls.issuer, clientId, REDIRECT, 'openid read receive', pkce()), redirectUri: REDIRECT, email: EMAIL, outboxes: [h.t.dataDir] });
});
after(() => h?.close());

const get = (cookie: string, url: string, headers: Record<string, string> = {}) => h.portal.inject({ method: 'GET', url, headers: { cookie, ...headers } });

/** Submits the confirmation page's form as a browser would. */
async function confirmOn(cookie: string, url: string) {
  const page = await get(cookie, url);
  assert.equal(page.statusCode, 200, `${url}: ${page.statusCode}`);
  const formHtml = /<form method="post" action="([^"]+)">([^]*?)<\/form>/.exec(page.body.split('class="card confirm"')[1] ?? '');
  assert.ok(formHtml, 'the confirmation page has one form');
  const fields: Record<string, string> = {};
  for (const m of formHtml[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!;
  const { cookie: csrfCookie } = csrfFrom(page);
  return h.portal.inject({ method: 'POST', url: formHtml[1]!, headers: { cookie: `${cookie}; ${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) });
}

test('the account area has its own frame; connected apps in plain words; removing access asks first', async () => {
  const me = await h.session(EMAIL);
  assert.equal((await h.portal.inject({ method: 'GET', url: '/account' })).headers.location, '/auth/login?return_to=%2Faccount', 'signed out: sign in first');
  const overview = await get(me, '/account');
  assert.equal(overview.statusCode, 200);
  assert.match(overview.body, /<span class="brand-name">Your Lightgate account<\/span>/);
  assert.doesNotMatch(overview.body, /Lightgate Developers/);
  assert.match(overview.body, /<nav class="portal-nav" aria-label="Account">/);
  assert.equal((await get(me, '/connected')).headers.location, '/account/apps', 'the old path leads here');
  assert.equal((await get(me, '/security')).headers.location, '/account/security');

  const apps = await get(me, '/account/apps');
  assert.match(apps.body, /Lightning Tips/);
  assert.match(apps.body, /See your balance and transactions/);
  assert.match(apps.body, /Create invoices to receive payments/);
  assert.doesNotMatch(apps.body, /\bread, receive\b|>read<|>receive</, 'no raw scope names');
  const removeHref = `/account/apps/remove?client_id=${encodeURIComponent(clientId)}`;
  assert.ok(apps.body.includes(`href="${removeHref}"`), 'Remove access is a link to a confirmation page');
  const asked = await get(me, removeHref);
  assert.match(asked.body, /Remove the access of Lightning Tips\?/);
  assert.equal((await h.t.stack.admin!.listConsentSessions(await h.user(EMAIL))).ok, true);
  const stillThere = await h.t.stack.admin!.listConsentSessions(await h.user(EMAIL));
  assert.ok(stillThere.ok && stillThere.value.some((s) => s.consent_request?.client?.client_id === clientId), 'opening the page removes nothing');
  assert.equal((await get(await h.session('someone-else@example.com'), removeHref)).statusCode, 404, 'not connected for another person');
  const noCsrf = await h.portal.inject({ method: 'POST', url: '/account/apps/remove', headers: { cookie: me, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ client_id: clientId }) });
  assert.equal(noCsrf.statusCode, 403, 'the form needs its CSRF token');
  const done = await confirmOn(me, removeHref);
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, '/account/apps');
  const gone = await h.t.stack.admin!.listConsentSessions(await h.user(EMAIL));
  assert.ok(gone.ok && !gone.value.some((s) => s.consent_request?.client?.client_id === clientId));
});

test('passkeys in the account area: CSRF, bad input and other people\'s passkeys answered plainly', async () => {
  const me = await h.session(EMAIL);
  const security = await get(me, '/account/security');
  assert.match(security.body, /data-passkey="register" data-options="\{/, 'the registration options come with the page');
  const handle = security.cookies.find((c) => c.name === 'lg_portal_passkey');
  assert.ok(handle?.httpOnly && handle.path === '/account/security/passkeys', 'the challenge handle: HttpOnly, only for the passkey routes');
  const post = (cookie: string, url: string, fields: Record<string, string>) => h.portal.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) });
  const { cookie: csrfCookie, token } = csrfFrom(security);
  const withAll = `${me}; ${csrfCookie}; lg_portal_passkey=${handle.value}`;
  assert.equal((await post(`${me}; lg_portal_passkey=${handle.value}`, '/account/security/passkeys', { credential: '{}' })).statusCode, 403, 'no CSRF token');
  for (const credential of ['', 'nope', '{"id":"AAAA","response":{}}', 'x'.repeat(20_000)]) {
    const res = await post(withAll, '/account/security/passkeys', { _csrf: token, credential, name: 'Bad' });
    assert.equal(res.statusCode, 303, credential.slice(0, 20));
    assert.equal(res.headers.location, '/account/security');
  }
  const [none] = await h.t.stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM passkeys');
  assert.equal(none!.n, 0, 'nothing was registered');
  // Somebody else's passkey (and a malformed id) is not found for me.
  const otherId = await h.user('passkey-owner@example.com');
  await h.t.stack.db.query("INSERT INTO passkeys (id, user_id, credential_id, public_key, name, created_at) VALUES ('00000000-0000-4000-8000-000000000001', $1, 'cred-1', 'pk', 'Theirs', now())", [otherId]);
  assert.equal((await get(me, '/account/security/passkeys/00000000-0000-4000-8000-000000000001/remove')).statusCode, 404);
  assert.equal((await get(me, '/account/security/passkeys/not-a-uuid/remove')).statusCode, 404);
  const removed = await post(`${me}; ${csrfCookie}`, '/account/security/passkeys/00000000-0000-4000-8000-000000000001/remove', { _csrf: token });
  assert.equal(removed.statusCode, 404);
  const [still] = await h.t.stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM passkeys WHERE name = 'Theirs'");
  assert.equal(still!.n, 1, 'their passkey stays');
  await h.t.stack.db.query('DELETE FROM passkeys');
});

test('activity lists sign-ins with how and where, and security changes; Spanish by Accept-Language', async () => {
  const me = await h.session(EMAIL);
  const activity = await get(me, '/account/activity');
  assert.match(activity.body, /Signed in \(otp · Lightning Tips\)/);
  const es = await get(me, '/account/activity', { 'accept-language': 'es' });
  assert.match(es.body, /<html lang="es">/);
  assert.match(es.body, /Inicio de sesión \(otp · Lightning Tips\)/);
  assert.match(es.body, /Tu cuenta de Lightgate/);
  const security = await get(me, '/account/security', { 'accept-language': 'es-ES,es;q=0.9' });
  for (const words of ['Verificación en dos pasos', 'Configurar la verificación en dos pasos', 'Llaves de acceso', 'Añadir una llave de acceso', 'Cerrar sesión en todas partes']) assert.ok(security.body.includes(words), words);
});

test('sign out everywhere: asks first, then ends every session of this person and nobody else’s', async () => {
  const userId = await h.user(EMAIL);
  const here = await h.session(EMAIL);
  const there = await h.session(EMAIL);
  const other = await h.session('bystander@example.com');
  const apiToken = await (async () => {
    await h.t.stack.db.query("UPDATE rate_limits SET window_start = window_start - interval '1 minute' WHERE key LIKE 'identity:code-resend:%'");
    const requested = await h.t.stack.identity!.requestEmailCode({ email: EMAIL });
    assert.ok(requested.ok, JSON.stringify(requested));
    const { lastCode } = await import('../support/users.ts');
    const login = await h.t.stack.identity!.loginWithEmail({ emailLoginId: requested.value.emailLoginId, code: lastCode(h.t.dataDir, EMAIL) });
    assert.ok(login.ok);
    return login.value.authToken;
  })();
  assert.ok(await h.t.stack.identity!.verifySessionToken(apiToken));

  const security = await get(here, '/account/security');
  assert.match(security.body, /href="\/account\/security\/sign-out-everywhere"/);
  assert.match(security.body, /<span class="badge">this browser<\/span>/);
  const asked = await get(here, '/account/security/sign-out-everywhere');
  assert.match(asked.body, /Sign out everywhere\?/);
  assert.equal((await get(there, '/account')).statusCode, 200, 'opening the page signs nobody out');

  const sessionsAtAuth = () => h.t.stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM oidc_payloads WHERE model = 'Session' AND subject = $1", [userId]);
  assert.ok((await sessionsAtAuth())[0]!.n > 0, 'the person has a login session at the auth server');
  const done = await confirmOn(here, '/account/security/sign-out-everywhere');
  assert.equal(done.statusCode, 200);
  assert.match(done.body, /You were signed out everywhere\./);
  assert.equal((await get(here, '/account')).statusCode, 302, 'this browser');
  assert.equal((await get(there, '/account')).statusCode, 302, 'the other browser');
  assert.equal(await h.t.stack.identity!.verifySessionToken(apiToken), undefined, 'the API session token');
  assert.equal((await get(other, '/account')).statusCode, 200, 'somebody else stays signed in');
  assert.equal((await sessionsAtAuth())[0]!.n, 0, 'no login session of the person at the auth server');
  const activity = await get(await h.session(EMAIL), '/account/activity');
  assert.match(activity.body, /Signed out everywhere/);
});
