// Issue 17 #7: TOTP recovery codes. Made through the identity face (the account area shows them once), stored
// only as keyed hashes, each usable once at the login app's "Lost your device?" step, and wrong ones count
// against the same lockout as wrong authenticator codes. Plain HTTP through the real login & consent app, as
// a browser without JavaScript would.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { IdentityService } from '../../src/identity/identity-service.ts';
import { createBrowser, type Browser } from '../support/http-browser.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { authorizeUrl, go, pkce, post, readForm, type Hop } from '../support/ui-sign-in.ts';
import { totpCodeAt } from '../../src/identity/services/totp.ts';
import { enrolTotp, lastCode } from '../support/users.ts';

const EMAIL = 'lost-phone@example.com';
const REDIRECT = 'https://recovery-app.example/cb';

let t: TestStack;
let identity: IdentityService;
let clientId = '';
let userId = '';
let secret = '';
let codes: string[] = [];

before(async () => {
  t = await startTestStack({ env: { LIGHTGATE_SERVICES: 'auth,ui' } });
  identity = t.stack.identity!;
  const created = await t.stack.admin!.createClient({ client_name: 'Recovery App', redirect_uris: [REDIRECT], grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid read', token_endpoint_auth_method: 'client_secret_basic' });
  assert.ok(created.ok);
  clientId = created.value.client_id;
  ({ userId, secret } = await enrolTotp(identity, EMAIL, (to) => lastCode(t.dataDir, to)));
  const made = await identity.newRecoveryCodes(userId as never);
  assert.ok(made.ok);
  codes = made.value;
});
after(() => t?.close());

const same = (u: URL) => u;
const atApp = (u: URL) => u.href.startsWith(REDIRECT);
/** The resend throttle allows one code per address per 30 s; these sign-ins follow each other within seconds. */
const letTimePass = () => t.stack.db.query("UPDATE rate_limits SET window_start = window_start - interval '1 minute' WHERE key LIKE 'identity:code-resend:%'");

/** A fresh browser through the address and emailed-code steps, up to the authenticator step. */
async function atTotpStep(): Promise<{ b: Browser; page: Hop; challenge: string }> {
  await letTimePass();
  const b = createBrowser();
  const login = await go(b, authorizeUrl(t.urls.issuer, clientId, REDIRECT, 'openid read', pkce()), same, atApp);
  assert.equal(login.status, 200);
  const challenge = new URL(login.url).searchParams.get('login_challenge')!;
  const form = readForm(login.body, '/login');
  form.fields.set('email', EMAIL);
  const codePage = await post(b, login.url, form, same, atApp);
  const codeForm = readForm(codePage.body, '/login/code');
  codeForm.fields.set('code', lastCode(t.dataDir, EMAIL));
  const page = await post(b, codePage.url, codeForm, same, atApp);
  assert.equal(page.status, 200);
  assert.match(page.body, /Two-step verification/);
  return { b, page, challenge };
}

async function submitRecovery(b: Browser, challenge: string, code: string): Promise<Hop> {
  const page = await go(b, new URL(`${t.urls.ui}/login/recovery?login_challenge=${encodeURIComponent(challenge)}`), same, atApp);
  assert.equal(page.status, 200);
  const form = readForm(page.body, '/login/recovery');
  form.fields.set('recovery_code', code);
  return post(b, page.url, form, same, atApp);
}

test('a recovery code signs in once, in place of the authenticator code; the codes are stored only as keyed hashes', async () => {
  assert.equal(codes.length, 10);
  assert.ok(codes.every((c) => /^[a-z2-9]{5}-[a-z2-9]{5}$/.test(c)), codes.join(' '));
  const stored = await t.stack.db.query<{ code_hash: string }>('SELECT code_hash FROM recovery_codes WHERE user_id = $1', [userId]);
  assert.equal(stored.length, 10);
  for (const c of codes) assert.ok(!stored.some((s) => s.code_hash.includes(c) || s.code_hash.includes(c.replace('-', ''))), 'never in the clear');

  const first = await atTotpStep();
  assert.match(first.page.body, /Lost your device\?/);
  assert.match(first.page.body, /href="\/login\/recovery\?login_challenge=/);
  assert.doesNotMatch(first.page.body, /data-passkey="second-factor"/, 'no passkey offered to a person without one');
  // Typed with spaces and capitals, as from paper.
  const done = await submitRecovery(first.b, first.challenge, ` ${codes[0]!.toUpperCase()} `);
  assert.ok(atApp(done.url) || /consent/.test(done.url.href), `signed in: ${done.status} ${done.url.href} ${done.body.slice(0, 300)}`);
  const [used] = await t.stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NOT NULL', [userId]);
  assert.equal(used!.n, 1);
  assert.equal(await identity.recoveryCodesLeft(userId as never), 9);

  const second = await atTotpStep();
  const again = await submitRecovery(second.b, second.challenge, codes[0]!);
  assert.equal(again.status, 200, 'a used code is refused');
  assert.match(again.body, /already used\. 4 tries left/);
  assert.match(again.body, /aria-invalid="true"/);
  const next = await submitRecovery(second.b, second.challenge, codes[1]!);
  assert.ok(atApp(next.url) || /consent/.test(next.url.href), `another code works: ${next.url.href}`);
});

test('wrong recovery codes and wrong authenticator codes share one lockout; a recovery code from another browser is no help', async () => {
  const { b, page, challenge } = await atTotpStep();
  for (let i = 0; i < 3; i++) {
    const form = readForm(page.body, '/login/totp');
    form.fields.set('totp_code', String((Number(totpCodeAt(secret, new Date())) + 1 + i) % 1_000_000).padStart(6, '0'));
    const wrong = await post(b, page.url, form, same, atApp);
    assert.equal(wrong.status, 200);
  }
  const fourth = await submitRecovery(b, challenge, 'aaaaa-aaaaa');
  assert.match(fourth.body, /1 tries left|1 try left/, 'the TOTP failures counted');
  const fifth = await submitRecovery(b, challenge, codes[2]!.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')));
  assert.match(fifth.url.pathname, /^\/login$/, `the sign-in is stopped: ${fifth.url.href}`);
  assert.match(fifth.body, /too many wrong authenticator codes/);
  // Even a right code does not revive the stopped sign-in.
  const late = await submitRecovery(b, challenge, codes[2]!).catch((e: Error) => e);
  assert.ok(late instanceof Error || !atApp(late.url), 'no sign-in after the lockout');
  assert.equal(await identity.recoveryCodesLeft(userId as never), 8, 'no code was spent by the refused tries');

  // Another browser, without this flow's cookie, cannot use the recovery step of this login challenge.
  const other = await go(createBrowser(), new URL(`${t.urls.ui}/login/recovery?login_challenge=${encodeURIComponent(challenge)}`), same, atApp);
  assert.match(other.url.pathname, /^\/login$/, 'sent back to the start');
});

test('turning TOTP off removes the recovery codes; new codes replace the old set', async () => {
  const before = await identity.newRecoveryCodes(userId as never);
  assert.ok(before.ok);
  assert.equal(await identity.recoveryCodesLeft(userId as never), 10);
  const off = await identity.disableTotp({ userId: userId as never });
  assert.ok(off.ok);
  const [left] = await t.stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1', [userId]);
  assert.equal(left!.n, 0);
  const none = await identity.newRecoveryCodes(userId as never);
  assert.equal(!none.ok && none.error.code, 'totp_not_enabled');
  const kinds = (await identity.activity(userId as never)).map((x) => x.kind);
  for (const kind of ['totp-on', 'recovery-codes', 'recovery-code-used', 'totp-off']) assert.ok(kinds.includes(kind), `${kind} in the activity: ${kinds.join(', ')}`);
});

test('the passkey and recovery steps answer bad input plainly: CSRF, no credential, garbage, no flow state', async () => {
  await letTimePass();
  const b = createBrowser();
  const login = await go(b, authorizeUrl(t.urls.issuer, clientId, REDIRECT, 'openid read', pkce()), same, atApp);
  const challenge = new URL(login.url).searchParams.get('login_challenge')!;
  const form = readForm(login.body, '/login/passkey');
  assert.ok(form.fields.get('_csrf'), 'the passkey form carries the CSRF token');
  assert.match(login.body, /data-passkey="sign-in" data-options="\{/, 'the options come with the page');
  const send = (path: string, fields: Record<string, string>) =>
    b.fetch(`${t.urls.ui}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const csrf = form.fields.get('_csrf')!;

  assert.equal((await send('/login/passkey', { login_challenge: challenge, credential: '{}' })).status, 403, 'no CSRF token');
  assert.equal((await send('/login/passkey', { _csrf: csrf, credential: '{}' })).status, 400, 'no login challenge');
  for (const credential of ['', 'not json', '{"id":"AAAA","response":{}}', JSON.stringify({ id: 'x'.repeat(5000) }), 'x'.repeat(13_000)]) {
    const res = await send('/login/passkey', { _csrf: csrf, login_challenge: challenge, credential });
    assert.equal(res.status, 303, credential.slice(0, 30));
    assert.equal(res.headers.get('location'), `/login?login_challenge=${encodeURIComponent(challenge)}`, 'back to the sign-in page, nothing accepted');
  }
  const shown = await go(b, new URL(`${t.urls.ui}/login?login_challenge=${encodeURIComponent(challenge)}`), same, atApp);
  assert.match(shown.body, /could not be checked|needs JavaScript/);

  // The second step and the recovery page need this browser's flow at the authenticator step.
  const second = await send('/login/passkey/second-factor', { _csrf: csrf, login_challenge: challenge, credential: '{}' });
  assert.equal(second.status, 303);
  assert.equal(second.headers.get('location'), `/login?login_challenge=${encodeURIComponent(challenge)}`);
  const recovery = await send('/login/recovery', { _csrf: csrf, login_challenge: challenge, recovery_code: codes[3]! });
  assert.equal(recovery.status, 303);
  assert.equal(recovery.headers.get('location'), `/login?login_challenge=${encodeURIComponent(challenge)}`);
  assert.equal((await send('/login/recovery', { login_challenge: challenge, recovery_code: 'x' })).status, 403, 'no CSRF token');
  assert.equal((await b.fetch(`${t.urls.ui}/login/recovery`)).status, 400, 'no login challenge');
});
