import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { authRoutes } from '../../src/identity/http/auth-routes.ts';
import { createIdentityService } from '../../src/identity/identity-service.ts';
import { totpCodeAt } from '../../src/identity/services/totp.ts';
import { createTestDatabase } from '../support/databases.ts';
import { movableClock, testConfig } from '../support/config.ts';
import { lastCode, readOutbox, wrongCode } from '../support/users.ts';

async function setup() {
  const database = await createTestDatabase('pglite');
  const config = testConfig();
  const clock = movableClock();
  const identity = createIdentityService({ db: database.db, config, onUserCreated: async () => {}, now: clock.now });
  const app = Fastify();
  await app.register(authRoutes, { identity });
  await app.ready();
  const post = (url: string, payload?: object, token?: string) =>
    app.inject({ method: 'POST', url, ...(payload ? { payload } : {}), headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { ...database, config, clock, identity, app, post };
}

test('POST /auth/email/code and /auth/email/login in Blink shapes; the token works as Bearer; logout ends it', async () => {
  const t = await setup();
  try {
    const code = await t.post('/auth/email/code', { email: 'dana@example.com' });
    assert.equal(code.statusCode, 200);
    const emailLoginId = code.json().result as string;
    assert.match(emailLoginId, /^[0-9a-f-]{36}$/);

    const wrong = await t.post('/auth/email/login', { emailLoginId, code: wrongCode(lastCode(t.config.dataDir, 'dana@example.com')) });
    assert.equal(wrong.statusCode, 422);
    assert.equal(wrong.json().error.code, 'code_invalid');
    assert.equal(wrong.json().error.attemptsLeft, 4);
    assert.match(wrong.json().error.message, /not right/);

    const login = await t.post('/auth/email/login', { emailLoginId, code: lastCode(t.config.dataDir, 'dana@example.com') });
    assert.equal(login.statusCode, 200);
    const { authToken, totpRequired, id } = login.json().result;
    assert.equal(totpRequired, false);
    assert.equal((await t.identity.getUser(id))?.email, 'dana@example.com');
    assert.deepEqual((await t.identity.verifySessionToken(authToken))?.userId, id);

    const initiate = await t.post('/auth/totp/register/initiate', {}, authToken);
    assert.equal(initiate.statusCode, 200);
    const { totpRegistrationId, totpSecret, totpUri, qrSvgDataUrl } = initiate.json().result;
    assert.ok(totpRegistrationId && totpSecret && totpUri && qrSvgDataUrl);
    const confirm = await t.post('/auth/totp/register/validate', { totpRegistrationId, totpCode: totpCodeAt(totpSecret, t.clock.now()) }, authToken);
    assert.deepEqual(confirm.json(), { success: true });

    const out = await t.post('/auth/logout', {}, authToken);
    assert.deepEqual([out.statusCode, out.json()], [200, { success: true }]);
    const after = await t.post('/auth/totp/register/initiate', {}, authToken);
    assert.equal(after.statusCode, 401);
    assert.equal(after.headers['www-authenticate'], 'Bearer error="invalid_token"');
    assert.equal(after.json().error.code, 'session_invalid');

    // TOTP sign-in through the routes.
    t.clock.advance(31);
    const again = await t.post('/auth/email/code', { email: 'dana@example.com' });
    const pending = await t.post('/auth/email/login', { emailLoginId: again.json().result, code: lastCode(t.config.dataDir, 'dana@example.com') });
    assert.equal(pending.json().result.totpRequired, true);
    const pendingToken = pending.json().result.authToken as string;
    assert.equal((await t.post('/auth/totp/register/initiate', {}, pendingToken)).statusCode, 401, 'pending sessions are not accepted');
    const bad = await t.post('/auth/totp/validate', { totpCode: '12345', authToken: pendingToken });
    assert.equal(bad.statusCode, 422);
    const validated = await t.post('/auth/totp/validate', { totpCode: totpCodeAt(totpSecret, t.clock.now()), authToken: pendingToken });
    assert.equal(validated.statusCode, 200);
    assert.deepEqual(validated.json(), { result: { authToken: pendingToken, id } });
    t.clock.advance(30);
    const noCode = await t.post('/auth/totp/delete', {}, pendingToken);
    assert.equal(noCode.statusCode, 400, 'over HTTP a code is required');
    const del = await t.post('/auth/totp/delete', { totpCode: totpCodeAt(totpSecret, t.clock.now()) }, pendingToken);
    assert.deepEqual(del.json(), { success: true });
  } finally {
    await t.app.close();
    await t.drop();
  }
});

test('issue 17: POST /auth/email/code writes the code in the app\'s Accept-Language (Spanish), English without one', async () => {
  const t = await setup();
  try {
    const es = await t.app.inject({ method: 'POST', url: '/auth/email/code', payload: { email: 'lang-es@example.com' }, headers: { 'accept-language': 'es-AR,es;q=0.9,en;q=0.8' } });
    assert.equal(es.statusCode, 200);
    assert.match(readOutbox(t.config.dataDir).at(-1)!.subject, /^Tu código de inicio de sesión de /);
    const en = await t.post('/auth/email/code', { email: 'lang-en@example.com' });
    assert.equal(en.statusCode, 200);
    assert.match(readOutbox(t.config.dataDir).at(-1)!.subject, /^Your .+ sign-in code: \d{6}$/);
  } finally {
    await t.drop();
  }
});

test('answers do not reveal whether an account exists', async () => {
  const t = await setup();
  try {
    // Make an existing account.
    const first = await t.post('/auth/email/code', { email: 'known@example.com' });
    await t.post('/auth/email/login', { emailLoginId: first.json().result, code: lastCode(t.config.dataDir, 'known@example.com') });
    t.clock.advance(31);

    const known = await t.post('/auth/email/code', { email: 'known@example.com' });
    const unknown = await t.post('/auth/email/code', { email: 'nobody@example.com' });
    assert.equal(known.statusCode, unknown.statusCode);
    assert.deepEqual(Object.keys(known.json()), Object.keys(unknown.json()));
    assert.equal(typeof known.json().result, typeof unknown.json().result);

    const knownWrong = await t.post('/auth/email/login', { emailLoginId: known.json().result, code: wrongCode(lastCode(t.config.dataDir, 'known@example.com')) });
    const unknownWrong = await t.post('/auth/email/login', { emailLoginId: unknown.json().result, code: wrongCode(lastCode(t.config.dataDir, 'nobody@example.com')) });
    assert.deepEqual([knownWrong.statusCode, knownWrong.json()], [unknownWrong.statusCode, unknownWrong.json()]);

    const knownPhone = await t.post('/auth/phone/code', { phone: '+12025550100', channel: 'SMS' });
    const unknownPhone = await t.post('/auth/phone/code', { phone: '+12025550199', channel: 'SMS' });
    assert.deepEqual([knownPhone.statusCode, knownPhone.json()], [unknownPhone.statusCode, unknownPhone.json()]);
    assert.deepEqual(knownPhone.json(), { success: true });
  } finally {
    await t.app.close();
    await t.drop();
  }
});

test('bad input is a clear 4xx with a stable code, throttling is 429 with Retry-After', async () => {
  const t = await setup();
  try {
    const cases: [string, unknown, number, string][] = [
      ['/auth/email/code', { email: 'not-an-email' }, 400, 'invalid_email'],
      ['/auth/email/code', {}, 400, 'invalid_email'],
      ['/auth/email/login', { emailLoginId: 5, code: '123456' }, 400, 'invalid_request'],
      ['/auth/email/login', { emailLoginId: 'nope', code: '123456' }, 422, 'code_expired'],
      ['/auth/phone/code', { phone: '2025550148' }, 400, 'invalid_phone'],
      ['/auth/phone/code', { phone: '+12025550148', channel: 'fax' }, 400, 'invalid_channel'],
      ['/auth/phone/login', { phone: '+12025550148' }, 400, 'invalid_request'],
      ['/auth/totp/validate', { authToken: 'x', totpCode: '123456' }, 401, 'session_invalid'],
      ['/auth/logout', {}, 400, 'invalid_request'],
      ['/auth/totp/register/initiate', {}, 401, 'session_invalid'],
    ];
    for (const [url, payload, status, code] of cases) {
      const res = await t.post(url, payload as object);
      assert.equal(res.statusCode, status, `${url} ${JSON.stringify(payload)}`);
      assert.equal(res.json().error.code, code, url);
    }
    const notJson = await t.app.inject({ method: 'POST', url: '/auth/email/code', headers: { 'content-type': 'application/json' }, payload: '{oops' });
    assert.equal(notJson.statusCode, 400);
    assert.equal(notJson.json().error.code, 'invalid_request');

    assert.equal((await t.post('/auth/phone/code', { phone: '+12025550148' })).statusCode, 200);
    const throttled = await t.post('/auth/phone/code', { phone: '+12025550148' });
    assert.equal(throttled.statusCode, 429);
    assert.equal(throttled.json().error.code, 'rate_limited');
    assert.ok(Number(throttled.headers['retry-after']) > 0);
  } finally {
    await t.app.close();
    await t.drop();
  }
});

test('issue 17 #4: asking again within the cooldown is an honest 429 with Retry-After, no id and nothing sent; after it, a new code', async () => {
  const t = await setup();
  try {
    const first = await t.post('/auth/email/code', { email: 'cool@example.com' });
    assert.equal(first.statusCode, 200);
    const sent = readOutbox(t.config.dataDir).length;
    const again = await t.post('/auth/email/code', { email: 'cool@example.com' });
    assert.equal(again.statusCode, 429);
    assert.equal(again.json().result, undefined, 'no id that leads nowhere');
    assert.equal(again.json().error.code, 'rate_limited');
    const wait = Number(again.headers['retry-after']);
    assert.ok(wait > 0 && wait <= 30, `Retry-After ${wait}`);
    assert.equal(again.json().error.retryAfter, wait);
    assert.equal(readOutbox(t.config.dataDir).length, sent, 'nothing sent during the cooldown');
    t.clock.advance(31);
    const later = await t.post('/auth/email/code', { email: 'cool@example.com' });
    assert.equal(later.statusCode, 200);
    assert.notEqual(later.json().result, first.json().result);
  } finally {
    await t.app.close();
    await t.drop();
  }
});
