// The portal's Security page over fastify inject() on a real stack (PGlite): two-step verification set up
// (QR code as an SVG data URL, the key as text, a first code), turned off with a current code; CSRF on
// every form, 303 after success, wrong codes explained next to the field, 5 wrong codes then a pause.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { formBody as form } from '../support/forms.ts';
import { csrfFrom, startPortalHarness, type PortalHarness } from './harness.ts';

const codeFor = (secret: string, offsetSteps = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
const wrongCodeFor = (secret: string) => {
  const valid = new Set([-1, 0, 1, 2].map((o) => codeFor(secret, o)));
  for (let n = 0; ; n++) if (!valid.has(String(n).padStart(6, '0'))) return String(n).padStart(6, '0');
};

/** The cookies a browser would keep for the portal (name → value). */
class Jar {
  readonly values = new Map<string, string>();
  constructor(header: string) {
    for (const part of header.split('; ')) {
      const [k, ...v] = part.split('=');
      this.values.set(k!, v.join('='));
    }
  }
  take(res: { cookies: { name: string; value: string; maxAge?: number; expires?: Date }[] }) {
    for (const c of res.cookies) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.values.delete(c.name);
      else this.values.set(c.name, c.value);
    }
  }
  get header() {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

describe('portal Security page: two-step verification (inject)', () => {
  let h: PortalHarness;
  before(async () => {
    h = await startPortalHarness();
  });
  after(async () => h?.close());

  async function get(jar: Jar, url: string) {
    const res = await h.portal.inject({ method: 'GET', url, headers: { cookie: jar.header } });
    jar.take(res);
    return res;
  }

  /** POST a form with the CSRF token of the page last shown (or none / a wrong one). */
  async function post(jar: Jar, pageBody: { body: string; cookies: { name: string; value: string }[] }, url: string, fields: Record<string, string>, csrf: 'ok' | 'none' | 'wrong' = 'ok') {
    const { token } = csrfFrom(pageBody);
    const body = csrf === 'none' ? fields : { ...fields, _csrf: csrf === 'wrong' ? token.slice(0, -2) + 'xx' : token };
    const res = await h.portal.inject({ method: 'POST', url, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(body) });
    jar.take(res);
    return res;
  }

  const secretOn = (body: string) => {
    const shown = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(body)?.[1];
    assert.ok(shown, 'the setup key is on the page');
    return shown.replace(/ /g, '');
  };

  test('set up with the QR code and a first code, then turn off with a current code', async () => {
    const jar = new Jar(await h.session('security-1@example.com'));
    const userId = await h.user('security-1@example.com');
    const page = await get(jar, '/account/security');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<a href="\/account\/security" aria-current="page">Security<\/a>/);
    assert.match(page.body, /Status: <span class="badge">Off<\/span>/);
    // The CSP lets the QR code (a data: image) show, and nothing else changes.
    assert.match(String(page.headers['content-security-policy']), /img-src 'self' data: https:/);

    // CSRF: no token, or a wrong one, changes nothing.
    for (const csrf of ['none', 'wrong'] as const) {
      const refused = await post(jar, page, '/account/security/totp/setup', {}, csrf);
      assert.equal(refused.statusCode, 403);
    }
    assert.equal((await h.t.stack.db.query('SELECT 1 FROM totp_registrations WHERE user_id = $1', [userId])).length, 0);

    const started = await post(jar, page, '/account/security/totp/setup', {});
    assert.equal(started.statusCode, 303);
    assert.equal(started.headers.location, '/account/security/totp');
    const setupCookie = started.cookies.find((c) => c.name === 'lg_portal_totp');
    assert.ok(setupCookie?.httpOnly && setupCookie.sameSite === 'Lax' && setupCookie.path === '/account/security', 'signed HttpOnly cookie for the setup');

    const setup = await get(jar, '/account/security/totp');
    assert.equal(setup.statusCode, 200);
    assert.match(setup.body, /<img class="qr" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code that adds Lightgate to your authenticator app"/);
    const secret = secretOn(setup.body);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    // Reloading shows the same registration (the same key), not a new one.
    const again = await get(jar, '/account/security/totp');
    assert.equal(secretOn(again.body), secret);

    // A wrong code: 400, the reason next to the field, still off.
    const wrong = await post(jar, again, '/account/security/totp/confirm', { totp_code: wrongCodeFor(secret) });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /<span class="field-error" id="f-confirm-code-error">That code is not right\. Enter the code your authenticator app shows now\.<\/span>/);
    assert.match(wrong.body, /aria-invalid="true"/);
    const short = await post(jar, wrong, '/account/security/totp/confirm', { totp_code: '12' });
    assert.equal(short.statusCode, 400);
    assert.match(short.body, /Enter the 6-digit code from your authenticator app\./);
    assert.equal((await h.t.stack.identity!.getUser(userId))?.totpEnabled, false);

    // The right code (typed with a space, as people do).
    const code = codeFor(secret);
    const confirmed = await post(jar, short, '/account/security/totp/confirm', { totp_code: `${code.slice(0, 3)} ${code.slice(3)}` });
    // Issue 17 #7: the answer shows the ten recovery codes, once (not cached, not stored readable).
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /Two-step verification is on\./);
    const shownCodes = [...confirmed.body.matchAll(/<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/g)].map((m) => m[1]);
    assert.equal(shownCodes.length, 10, 'ten recovery codes');
    assert.equal(confirmed.headers['cache-control'], 'no-store');
    assert.equal(jar.values.has('lg_portal_totp'), false, 'the setup cookie is cleared');
    assert.equal((await h.t.stack.identity!.getUser(userId))?.totpEnabled, true);
    const on = await get(jar, '/account/security');
    assert.match(on.body, /10 of 10 codes left/);
    assert.ok(!shownCodes.some((c) => on.body.includes(c!)), 'the codes are not shown again');
    assert.match(on.body, /Status: <span class="badge approved">On<\/span>/);
    assert.match(on.body, /Current authenticator code/);

    // The old setup page is gone.
    const stale = await get(jar, '/account/security/totp');
    assert.equal(stale.statusCode, 303);

    // Turning off needs a current code.
    const noCode = await post(jar, on, '/account/security/totp/disable', { totp_code: '' });
    assert.equal(noCode.statusCode, 400);
    assert.match(noCode.body, /id="f-disable-code-error">Enter the 6-digit code/);
    const badCode = await post(jar, noCode, '/account/security/totp/disable', { totp_code: wrongCodeFor(secret) });
    assert.equal(badCode.statusCode, 400);
    assert.match(badCode.body, /That code is not right/);
    assert.equal((await h.t.stack.identity!.getUser(userId))?.totpEnabled, true);
    const csrfOff = await post(jar, badCode, '/account/security/totp/disable', { totp_code: codeFor(secret, 1) }, 'wrong');
    assert.equal(csrfOff.statusCode, 403);
    assert.equal((await h.t.stack.identity!.getUser(userId))?.totpEnabled, true);

    const off = await post(jar, badCode, '/account/security/totp/disable', { totp_code: codeFor(secret, 1) });
    assert.equal(off.statusCode, 303);
    assert.equal(off.headers.location, '/account/security');
    assert.equal((await h.t.stack.identity!.getUser(userId))?.totpEnabled, false);
    const offPage = await get(jar, '/account/security');
    assert.match(offPage.body, /Two-step verification is off\./);
  });

  test('after 5 wrong codes the person must wait, even with the right code', async () => {
    const jar = new Jar(await h.session('security-2@example.com'));
    const userId = await h.user('security-2@example.com');
    let page = await get(jar, '/account/security');
    await post(jar, page, '/account/security/totp/setup', {});
    page = await get(jar, '/account/security/totp');
    const secret = secretOn(page.body);
    for (let i = 0; i < 5; i++) {
      page = await post(jar, page, '/account/security/totp/confirm', { totp_code: wrongCodeFor(secret) });
      assert.equal(page.statusCode, 400, `try ${i + 1}`);
    }
    const blocked = await post(jar, page, '/account/security/totp/confirm', { totp_code: codeFor(secret) });
    assert.equal(blocked.statusCode, 429);
    assert.match(blocked.body, /Too many wrong codes\. For your safety, try again in 1[45] minutes\./);
    assert.equal((await h.t.stack.identity!.getUser(userId))?.totpEnabled, false);
  });

  test('a setup cookie of another person, or none, leads back to the Security page', async () => {
    const a = new Jar(await h.session('security-3@example.com'));
    const b = new Jar(await h.session('security-4@example.com'));
    const pageA = await get(a, '/account/security');
    await post(a, pageA, '/account/security/totp/setup', {});
    b.values.set('lg_portal_totp', a.values.get('lg_portal_totp')!);
    const stolen = await get(b, '/account/security/totp');
    assert.equal(stolen.statusCode, 303);
    assert.equal(stolen.headers.location, '/account/security');
    const explained = await get(b, '/account/security');
    assert.match(explained.body, /This setup expired\. Start the setup again/);
    const none = await get(new Jar(await h.session('security-4@example.com')), '/account/security/totp');
    assert.equal(none.statusCode, 303);
  });

  test('signed out: the Security page asks to sign in, its forms are refused', async () => {
    const res = await h.portal.inject({ method: 'GET', url: '/account/security' });
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/auth/login?return_to=%2Faccount%2Fsecurity');
    const postOut = await h.portal.inject({ method: 'POST', url: '/account/security/totp/disable', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'totp_code=123456' });
    assert.equal(postOut.statusCode, 401);
  });
});
