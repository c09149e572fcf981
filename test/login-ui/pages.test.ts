// The login & consent app without a browser (fastify inject) against a real authorization server:
// security headers, cookies, CSRF, 303 after POST, clear 4xx pages, non-enumeration.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createIdentityService } from '../../src/identity/identity-service.ts';
import { buildLoginUiServer } from '../../src/login-ui/server.ts';
import { readOutbox } from '../support/users.ts';
import { csrfToken } from '../support/forms.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const cookieHeader = (res: LightMyRequestResponse) =>
  res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

function csrfOf(html: string): string {
  const token = csrfToken(html);
  assert.ok(token, 'the form has a CSRF token');
  return token;
}

describe('login & consent app pages', () => {
  let stack: TestStack;
  let ui: FastifyInstance;
  let clientId: string;

  before(async () => {
    stack = await startTestStack({ env: { LIGHTGATE_SERVICES: 'auth' } });
    const identity = createIdentityService({ db: stack.database.db, config: stack.config, onUserCreated: async () => {} });
    ui = buildLoginUiServer({ config: stack.config, hydra: stack.stack.hydra!, identity });
    await ui.ready();
    const created = await stack.stack.hydra!.createClient({
      client_name: 'Inject App',
      redirect_uris: ['http://127.0.0.1:9/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'openid read',
      token_endpoint_auth_method: 'none',
    });
    assert.ok(created.ok);
    clientId = created.value.client_id;
  });
  after(async () => {
    await ui?.close();
    await stack?.close();
  });

  /** A fresh login challenge, as the authorization server hands it to the browser. */
  async function loginChallenge(): Promise<string> {
    const url = new URL('/oauth2/auth', stack.urls.issuer);
    url.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      scope: 'openid read',
      redirect_uri: 'http://127.0.0.1:9/callback',
      state: 'state-123456',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.pathname, '/login');
    return location.searchParams.get('login_challenge')!;
  }

  test('pages send anti-framing, referrer and CSP headers, and HttpOnly SameSite=Lax cookies', async () => {
    const challenge = await loginChallenge();
    const res = await ui.inject({ method: 'GET', url: `/login?login_challenge=${encodeURIComponent(challenge)}` });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.match(res.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
    assert.match(res.headers['content-security-policy'] as string, /default-src 'none'/);
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['cache-control'], 'no-store');
    const [csrfCookie] = res.cookies;
    assert.equal(csrfCookie?.httpOnly, true);
    assert.equal(csrfCookie?.sameSite, 'Lax');
    assert.notEqual(csrfCookie?.secure, true, 'not Secure over http');
    assert.match(res.body, /<label for="email">Email address<\/label>/);
    assert.match(res.body, /<html lang="en">/);
    // Issue 17: the kit's own script file only (countdowns, copy buttons): no inline script, nothing third-party.
    assert.doesNotMatch(res.body, /<script(?! src="\/assets\/(?:lightgate|passkey)\.js" defer><\/script>)|https?:\/\/(?!127\.0\.0\.1)[a-z]/i, 'no inline scripts, no third-party assets');
    assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/);

    const css = await ui.inject({ method: 'GET', url: '/assets/lightgate.css' });
    assert.equal(css.statusCode, 200);
    assert.match(css.headers['content-type'] as string, /^text\/css/);
    assert.equal((await ui.inject({ method: 'GET', url: '/assets/lightgate.css', headers: { 'if-none-match': css.headers.etag as string } })).statusCode, 304);
  });

  test('cookies are Secure when COOKIES_SECURE is set', async () => {
    const identity = createIdentityService({ db: stack.database.db, config: stack.config, onUserCreated: async () => {} });
    const secureConfig = { ...stack.config, cookiesSecure: true };
    const secureUi = buildLoginUiServer({ config: secureConfig, hydra: stack.stack.hydra!, identity });
    try {
      const res = await secureUi.inject({ method: 'GET', url: `/login?login_challenge=${encodeURIComponent(await loginChallenge())}` });
      assert.equal(res.cookies[0]?.secure, true);
    } finally {
      await secureUi.close();
    }
  });

  test('forms without a valid CSRF token are refused with 403 and change nothing', async () => {
    const challenge = await loginChallenge();
    const page = await ui.inject({ method: 'GET', url: `/login?login_challenge=${encodeURIComponent(challenge)}` });
    const token = csrfOf(page.body);
    const before = readOutbox(stack.dataDir).length;
    const attempts = [
      { cookie: '', token },
      { cookie: cookieHeader(page), token: '' },
      { cookie: cookieHeader(page), token: `${token.slice(0, -2)}xx` },
      { cookie: 'lg_ui_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', token },
    ];
    for (const { cookie, token: t } of attempts) {
      const res = await ui.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ login_challenge: challenge, _csrf: t, method: 'email', email: 'csrf@example.com' }).toString(),
      });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /This form has expired/);
    }
    assert.equal(readOutbox(stack.dataDir).length, before, 'no code was sent');
    for (const [url, field] of [
      ['/consent', 'consent_challenge'],
      ['/logout', 'logout_challenge'],
      ['/login/code', 'login_challenge'],
      ['/login/cancel', 'login_challenge'],
    ] as const) {
      const res = await ui.inject({ method: 'POST', url, payload: new URLSearchParams({ [field]: 'whatever', action: 'allow' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(res.statusCode, 403, url);
    }

    // With the token: 303 to the code step, and the code is sent.
    const ok = await ui.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: cookieHeader(page), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ login_challenge: challenge, _csrf: token, method: 'email', email: 'csrf@example.com' }).toString(),
    });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, `/login/code?login_challenge=${encodeURIComponent(challenge)}`);
    assert.equal(readOutbox(stack.dataDir).length, before + 1);
  });

  test('sign-in answers the same for known and unknown addresses', async () => {
    const send = async (email: string) => {
      const challenge = await loginChallenge();
      const page = await ui.inject({ method: 'GET', url: `/login?login_challenge=${encodeURIComponent(challenge)}` });
      const res = await ui.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: cookieHeader(page), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ login_challenge: challenge, _csrf: csrfOf(page.body), method: 'email', email }).toString(),
      });
      const next = await ui.inject({ method: 'GET', url: res.headers.location as string, headers: { cookie: `${cookieHeader(page)}; ${cookieHeader(res)}` } });
      return { status: res.statusCode, location: (res.headers.location as string).replace(/login_challenge=[^&]+/, ''), page: next.body.replace(/value="[^"]+"|login_challenge(=|%3D)[^"&]+|[a-z]+@example\.com/g, '') };
    };
    const identity = createIdentityService({ db: stack.database.db, config: stack.config, onUserCreated: async () => {} });
    const code = await identity.requestEmailCode({ email: 'known@example.com' });
    assert.ok(code.ok);
    const line = readOutbox(stack.dataDir).at(-1)!;
    assert.ok((await identity.loginWithEmail({ emailLoginId: code.value.emailLoginId, code: line.code })).ok);
    const [rows] = await stack.database.db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE email = 'known@example.com'");
    assert.equal(rows!.n, 1);
    await stack.database.db.query("DELETE FROM rate_limits WHERE key LIKE 'identity:code-%'");

    const known = await send('known@example.com');
    const unknown = await send('stranger@example.com');
    assert.deepEqual(known, unknown);
  });

  test('issue 12: a sign-in whose login cookie still has the one-letter keys finishes its code step', async () => {
    const challenge = await loginChallenge();
    const page = await ui.inject({ method: 'GET', url: `/login?login_challenge=${encodeURIComponent(challenge)}` });
    const sent = await ui.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: cookieHeader(page), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ login_challenge: challenge, _csrf: csrfOf(page.body), method: 'email', email: 'legacy-cookie@example.com' }).toString(),
    });
    assert.equal(sent.statusCode, 303);
    const written = sent.cookies.find((c) => c.name === 'lg_login');
    assert.ok(written, 'the login state cookie is set');
    const unsigned = ui.unsignCookie(decodeURIComponent(written.value));
    assert.ok(unsigned.valid && unsigned.value);
    const state = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.equal(state.challenge, challenge, 'new cookies use named keys');
    // The same state as the app wrote it before the keys were named, signed with the same secret.
    const legacy = Buffer.from(JSON.stringify({ c: challenge, m: 'email', a: 'legacy-cookie@example.com', id: state.emailLoginId, r: false })).toString('base64url');
    const cookie = `${cookieHeader(page)}; lg_login=${encodeURIComponent(ui.signCookie(legacy))}`;
    const codePage = await ui.inject({ method: 'GET', url: `/login/code?login_challenge=${encodeURIComponent(challenge)}`, headers: { cookie } });
    assert.equal(codePage.statusCode, 200, 'the code step is shown, not a restart');
    const code = readOutbox(stack.dataDir).at(-1)!.code;
    const done = await ui.inject({
      method: 'POST',
      url: '/login/code',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ login_challenge: challenge, _csrf: csrfOf(codePage.body), code }).toString(),
    });
    assert.equal(done.statusCode, 303);
    assert.match(done.headers.location as string, /login_verifier=/);
  });

  test('issue 17: the code e-mail is in the language of the page that asked for it (the switch cookie or Accept-Language)', async () => {
    const challenge = await loginChallenge();
    const headers = { 'accept-language': 'es-ES,es;q=0.9' };
    const page = await ui.inject({ method: 'GET', url: `/login?login_challenge=${encodeURIComponent(challenge)}`, headers });
    assert.match(page.body, /<html lang="es">/);
    const res = await ui.inject({
      method: 'POST',
      url: '/login',
      headers: { ...headers, cookie: cookieHeader(page), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ login_challenge: challenge, _csrf: csrfOf(page.body), method: 'email', email: 'lang@example.com' }).toString(),
    });
    assert.equal(res.statusCode, 303);
    const line = readOutbox(stack.dataDir).at(-1)!;
    assert.equal(line.to, 'lang@example.com');
    assert.match(line.subject, /^Tu código de inicio de sesión de .+: \d{6}$/);
  });

  test('missing, bogus and unknown challenges are clear 4xx pages, not 500', async () => {
    const cases: [string, number, RegExp][] = [
      ['/login', 400, /This link is incomplete/],
      ['/login?login_challenge=bogus', 404, /This request has expired/],
      [`/login?login_challenge=${'x'.repeat(5000)}`, 400, /incomplete/],
      ['/login/code?login_challenge=bogus', 302, /^$/],
      ['/consent', 400, /incomplete/],
      ['/consent?consent_challenge=bogus', 404, /permission request/],
      ['/logout?logout_challenge=bogus', 404, /sign-out request/],
      ['/nothing-here', 404, /Page not found/],
    ];
    for (const [url, status, text] of cases) {
      const res = await ui.inject({ method: 'GET', url });
      assert.equal(res.statusCode, status, url);
      assert.match(res.body, text, url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
    }
    const garbage = await ui.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/json' }, payload: '{nope' });
    assert.ok(garbage.statusCode >= 400 && garbage.statusCode < 500, `bad body is a 4xx, got ${garbage.statusCode}`);
    const logged = await ui.inject({ method: 'GET', url: '/logged-out' });
    assert.equal(logged.statusCode, 200);
    assert.match(logged.body, /signed out/);
  });
  test('issue 17 #4 without JavaScript: asking again during the cooldown keeps the code that works, says when a new one can come, sends nothing', async () => {
    const challenge = await loginChallenge();
    const page = await ui.inject({ method: 'GET', url: `/login?login_challenge=${encodeURIComponent(challenge)}`, headers: { 'accept-language': 'es-SV,es;q=0.9' } });
    // A cookie jar by name: the flash cookie is set by a POST and cleared by the GET after it.
    const jar = new Map<string, string>();
    const keep = (res: LightMyRequestResponse) => res.cookies.forEach((c) => (c.value ? jar.set(c.name, c.value) : jar.delete(c.name)));
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    keep(page);
    const post = async (url: string, fields: Record<string, string>) => {
      const res = await ui.inject({ method: 'POST', url, headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'es' }, payload: new URLSearchParams({ login_challenge: challenge, _csrf: csrfOf(page.body), ...fields }).toString() });
      keep(res);
      return res;
    };
    const get = async (url: string) => {
      const res = await ui.inject({ method: 'GET', url, headers: { cookie: cookie(), 'accept-language': 'es' } });
      keep(res);
      return res;
    };
    const sent = await post('/login', { method: 'email', email: 'nojs@example.com' });
    assert.equal(sent.statusCode, 303);
    const before = readOutbox(stack.dataDir).length;
    const resend = await post('/login/resend', {});
    assert.equal(resend.statusCode, 303);
    const codePage = await get(resend.headers.location as string);
    assert.match(codePage.body, /Tu código todavía sirve\. Puedes pedir uno nuevo en \d+ segundos\./);
    assert.doesNotMatch(codePage.body, /Demasiados intentos/);
    assert.match(codePage.body, /<button type="submit" class="button link" disabled data-wait="\d+"/);
    assert.match(codePage.body, /<noscript>/, 'the wait is said without the script too');
    const again = await post('/login', { method: 'email', email: 'nojs@example.com' });
    assert.match((await get(again.headers.location as string)).body, /Hace un momento enviamos un código a nojs@example\.com y todavía sirve\./);
    assert.equal(readOutbox(stack.dataDir).length, before, 'nothing sent during the cooldown');
  });
});
