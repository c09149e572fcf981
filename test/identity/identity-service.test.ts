import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Queryable } from '../../src/db/database.ts';
import { createIdentityService } from '../../src/identity/identity-service.ts';
import { totpCodeAt } from '../../src/identity/services/totp.ts';
import type { UserId } from '../../src/shared/brand.ts';
import { createTestDatabase, DATABASE_KINDS } from '../support/databases.ts';
import { movableClock, testConfig } from '../support/config.ts';
import { lastCode, readOutbox, wrongCode } from '../support/users.ts';

async function setup(kind: (typeof DATABASE_KINDS)[number], env: Record<string, string> = {}) {
  const database = await createTestDatabase(kind);
  const config = testConfig(env);
  const clock = movableClock();
  const created: UserId[] = [];
  let failNext = false;
  // Stands in for the wallet module's hook: it writes in the caller's transaction.
  await database.db.exec('CREATE TABLE hook_accounts (user_id uuid PRIMARY KEY)');
  const onUserCreated = async (tx: Queryable, userId: UserId) => {
    await tx.query('INSERT INTO hook_accounts (user_id) VALUES ($1)', [userId]);
    if (failNext) {
      failNext = false;
      throw new Error('account creation failed');
    }
    created.push(userId);
  };
  const identity = createIdentityService({ db: database.db, config, onUserCreated, now: clock.now });
  return { ...database, config, clock, identity, created, failNextHook: () => (failNext = true) };
}

async function latestLoginId(db: Queryable): Promise<string> {
  const [row] = await db.query<{ id: string }>('SELECT id FROM login_codes ORDER BY created_at DESC LIMIT 1');
  return row!.id;
}

for (const kind of DATABASE_KINDS) {
  test(`${kind}: email sign-in creates the user once, inside the transaction, and gives a session token`, async () => {
    const t = await setup(kind);
    try {
      const requested = await t.identity.requestEmailCode({ email: '  Alice@Example.COM ' });
      assert.ok(requested.ok);
      const [message] = readOutbox(t.config.dataDir);
      assert.equal(message!.channel, 'email');
      assert.equal(message!.to, 'alice@example.com');
      assert.match(message!.code, /^\d{6}$/);
      assert.ok(message!.text.includes(message!.code) && message!.subject && message!.at);

      // The hook fails: nothing of the sign-in stays, and the code is still usable.
      t.failNextHook();
      await assert.rejects(t.identity.loginWithEmail({ emailLoginId: requested.value.emailLoginId, code: message!.code }));
      assert.deepEqual(await t.db.query('SELECT * FROM users'), []);
      assert.deepEqual(await t.db.query('SELECT * FROM hook_accounts'), []);

      const login = await t.identity.loginWithEmail({ emailLoginId: requested.value.emailLoginId, code: message!.code });
      assert.ok(login.ok);
      assert.equal(login.value.totpRequired, false);
      assert.equal(login.value.created, true);
      assert.deepEqual(t.created, [login.value.userId]);
      const user = await t.identity.getUser(login.value.userId);
      assert.equal(user?.email, 'alice@example.com');
      assert.equal(user?.phone, undefined);

      const session = await t.identity.verifySessionToken(login.value.authToken);
      assert.deepEqual(session, { userId: login.value.userId, sessionId: login.value.sessionId });
      const [stored] = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM identity_sessions');
      assert.notEqual(stored!.token_hash, login.value.authToken, 'tokens are stored hashed');

      // Single use.
      const again = await t.identity.loginWithEmail({ emailLoginId: requested.value.emailLoginId, code: message!.code });
      assert.deepEqual(again, { ok: false, error: { code: 'code_expired' } });

      // Second sign-in: same user, no second account.
      t.clock.advance(31);
      const second = await t.identity.requestEmailCode({ email: 'alice@example.com' });
      assert.ok(second.ok);
      const login2 = await t.identity.loginWithEmail({ emailLoginId: second.value.emailLoginId, code: lastCode(t.config.dataDir, 'alice@example.com') });
      assert.ok(login2.ok);
      assert.equal(login2.value.userId, login.value.userId);
      assert.equal(login2.value.created, false);
      assert.equal(t.created.length, 1);

      assert.equal(await t.identity.logout(login.value.authToken), true);
      assert.equal(await t.identity.verifySessionToken(login.value.authToken), undefined);
      assert.equal(await t.identity.logout(login.value.authToken), false);
      assert.ok(await t.identity.verifySessionToken(login2.value.authToken), 'other sessions stay');
      assert.equal(await t.identity.verifySessionToken('not-a-token'), undefined);
      t.clock.advance(t.config.ttl.loginSession + 1);
      assert.equal(await t.identity.verifySessionToken(login2.value.authToken), undefined, 'sessions expire');
      t.clock.advance(24 * 3600 + 1);
      assert.equal(await t.identity.purgeExpired(), 4, 'two codes and two sessions are purged');
      assert.deepEqual(await t.db.query('SELECT id FROM login_codes'), []);
      assert.equal((await t.db.query('SELECT id FROM users')).length, 1, 'users stay');
    } finally {
      await t.drop();
    }
  });

  test(`${kind}: codes expire after 10 minutes and die after 5 wrong tries`, async () => {
    const t = await setup(kind);
    try {
      const a = await t.identity.requestEmailCode({ email: 'expiry@example.com' });
      assert.ok(a.ok);
      t.clock.advance(600);
      const expired = await t.identity.loginWithEmail({ emailLoginId: a.value.emailLoginId, code: lastCode(t.config.dataDir, 'expiry@example.com') });
      assert.deepEqual(expired, { ok: false, error: { code: 'code_expired' } });

      const b = await t.identity.requestEmailCode({ email: 'tries@example.com' });
      assert.ok(b.ok);
      const code = lastCode(t.config.dataDir, 'tries@example.com');
      for (let left = 4; left >= 0; left--) {
        const wrong = await t.identity.loginWithEmail({ emailLoginId: b.value.emailLoginId, code: wrongCode(code) });
        assert.deepEqual(wrong, { ok: false, error: { code: 'code_invalid', attemptsLeft: left } });
      }
      const dead = await t.identity.loginWithEmail({ emailLoginId: b.value.emailLoginId, code });
      assert.deepEqual(dead, { ok: false, error: { code: 'code_expired' } }, 'the right code no longer works after 5 wrong tries');
      assert.deepEqual(await t.db.query('SELECT * FROM users'), []);

      const unknown = await t.identity.loginWithEmail({ emailLoginId: '00000000-0000-4000-8000-000000000000', code });
      assert.deepEqual(unknown, { ok: false, error: { code: 'code_expired' } });
      const garbage = await t.identity.loginWithEmail({ emailLoginId: "'; drop table users; --", code });
      assert.deepEqual(garbage, { ok: false, error: { code: 'code_expired' } });
    } finally {
      await t.drop();
    }
  });
}

test('resend is throttled per address in the database, a new code replaces the old one, and the IP limit holds', async () => {
  const t = await setup('pglite', { LOGIN_CODE_IP_LIMIT: '4' });
  try {
    const first = await t.identity.requestEmailCode({ email: 'bob@example.com', ip: '203.0.113.7' });
    assert.ok(first.ok);
    const firstCode = lastCode(t.config.dataDir, 'bob@example.com');
    const throttled = await t.identity.requestEmailCode({ email: 'BOB@example.com', ip: '203.0.113.7' });
    assert.equal(throttled.ok, false);
    assert.equal(!throttled.ok && throttled.error.code, 'rate_limited');
    assert.ok(!throttled.ok && throttled.error.retryAfter! > 0 && throttled.error.retryAfter! <= 30);
    assert.equal(readOutbox(t.config.dataDir).length, 1, 'no second message');
    const [row] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM rate_limits WHERE key LIKE 'identity:code-resend:%'");
    assert.equal(row!.n, 1, 'the throttle lives in rate_limits');
    const keys = await t.db.query<{ key: string }>('SELECT key FROM rate_limits');
    assert.ok(keys.every((k) => !k.key.includes('bob')), 'keys do not hold the address');

    // Another address is not affected.
    assert.ok((await t.identity.requestEmailCode({ email: 'carol@example.com', ip: '203.0.113.7' })).ok);

    t.clock.advance(30);
    const resent = await t.identity.requestEmailCode({ email: 'bob@example.com', ip: '203.0.113.7' });
    assert.ok(resent.ok);
    const old = await t.identity.loginWithEmail({ emailLoginId: first.value.emailLoginId, code: firstCode });
    assert.deepEqual(old, { ok: false, error: { code: 'code_expired' } }, 'the earlier code was replaced');

    // Fifth request from the same IP within the hour (limit 4, throttled ones count).
    const byIp = await t.identity.requestEmailCode({ email: 'dave@example.com', ip: '203.0.113.7' });
    assert.equal(!byIp.ok && byIp.error.code, 'rate_limited');
    assert.ok((await t.identity.requestEmailCode({ email: 'dave@example.com', ip: '198.51.100.1' })).ok, 'other IPs are fine');
  } finally {
    await t.drop();
  }
});

test('phone sign-in: E.164 validation, SMS/WhatsApp channel, login by number and code', async () => {
  const t = await setup('pglite');
  try {
    for (const phone of ['12025550148', '+0123456789', '+1 202', 'abc', 42]) {
      const bad = await t.identity.requestPhoneCode({ phone });
      assert.deepEqual(bad, { ok: false, error: { code: 'invalid_phone' } }, String(phone));
    }
    assert.deepEqual(await t.identity.requestPhoneCode({ phone: '+12025550148', channel: 'pigeon' }), { ok: false, error: { code: 'invalid_channel' } });
    assert.ok((await t.identity.requestPhoneCode({ phone: '+1 (202) 555-0148', channel: 'WHATSAPP' })).ok);
    const [message] = readOutbox(t.config.dataDir);
    assert.equal(message!.to, '+12025550148');
    assert.equal(message!.channel, 'whatsapp');
    const wrong = await t.identity.loginWithPhone({ phone: '+12025550148', code: wrongCode(message!.code) });
    assert.deepEqual(wrong, { ok: false, error: { code: 'code_invalid', attemptsLeft: 4 } });
    const login = await t.identity.loginWithPhone({ phone: '+1 202 555 0148', code: message!.code });
    assert.ok(login.ok);
    assert.equal((await t.identity.getUser(login.value.userId))?.phone, '+12025550148');
    const never = await t.identity.loginWithPhone({ phone: '+442071838750', code: message!.code });
    assert.deepEqual(never, { ok: false, error: { code: 'code_expired' } });
  } finally {
    await t.drop();
  }
});

test('TOTP: enroll with a QR code, confirm, sign in with it (pending session until then), no replay, disable', async () => {
  const t = await setup('pglite');
  try {
    await t.identity.requestEmailCode({ email: 'totp@example.com' });
    const loginId = await latestLoginId(t.db);
    const login = await t.identity.loginWithEmail({ emailLoginId: loginId, code: lastCode(t.config.dataDir, 'totp@example.com') });
    assert.ok(login.ok);
    const userId = login.value.userId;

    const enrollment = await t.identity.initiateTotp(userId);
    assert.ok(enrollment.ok);
    assert.match(enrollment.value.totpSecret, /^[A-Z2-7]{32}$/);
    assert.match(enrollment.value.totpUri, /^otpauth:\/\/totp\/Lightgate:totp%40example\.com\?/);
    assert.match(enrollment.value.qrSvgDataUrl, /^data:image\/svg\+xml;base64,/);
    assert.match(Buffer.from(enrollment.value.qrSvgDataUrl.split(',')[1]!, 'base64').toString(), /<svg/);
    const secret = enrollment.value.totpSecret;
    const [stored] = await t.db.query<{ secret: string }>('SELECT secret FROM totp_registrations');
    assert.ok(!stored!.secret.includes(secret), 'the secret is sealed at rest');

    const badConfirm = await t.identity.confirmTotp({ userId, totpRegistrationId: enrollment.value.totpRegistrationId, totpCode: wrongCode(totpCodeAt(secret, t.clock.now())) });
    assert.deepEqual(badConfirm, { ok: false, error: { code: 'totp_invalid' } });
    assert.ok((await t.identity.confirmTotp({ userId, totpRegistrationId: enrollment.value.totpRegistrationId, totpCode: totpCodeAt(secret, t.clock.now()) })).ok);
    assert.equal((await t.identity.getUser(userId))?.totpEnabled, true);
    assert.deepEqual(await t.identity.initiateTotp(userId), { ok: false, error: { code: 'totp_already_enabled' } });

    t.clock.advance(31);
    await t.identity.requestEmailCode({ email: 'totp@example.com' });
    const loginId2 = await latestLoginId(t.db);
    const pending = await t.identity.loginWithEmail({ emailLoginId: loginId2, code: lastCode(t.config.dataDir, 'totp@example.com') });
    assert.ok(pending.ok);
    assert.equal(pending.value.totpRequired, true);
    assert.equal(await t.identity.verifySessionToken(pending.value.authToken), undefined, 'a TOTP-pending session is not a session yet');
    assert.deepEqual(await t.identity.validateTotp({ authToken: pending.value.authToken, totpCode: '000000' === totpCodeAt(secret, t.clock.now()) ? '111111' : '000000' }), {
      ok: false,
      error: { code: 'totp_invalid' },
    });
    const code = totpCodeAt(secret, t.clock.now());
    const validated = await t.identity.validateTotp({ authToken: pending.value.authToken, totpCode: code });
    assert.ok(validated.ok);
    assert.deepEqual(await t.identity.verifySessionToken(pending.value.authToken), { userId, sessionId: pending.value.sessionId });
    assert.deepEqual(await t.identity.validateTotp({ authToken: pending.value.authToken, totpCode: code }), { ok: false, error: { code: 'totp_not_pending' } });

    // The same code cannot be used twice (RFC 6238 section 5.2), and 5 wrong tries end the pending session.
    t.clock.advance(31);
    await t.identity.requestEmailCode({ email: 'totp@example.com' });
    const loginId3 = await latestLoginId(t.db);
    const third = await t.identity.loginWithEmail({ emailLoginId: loginId3, code: lastCode(t.config.dataDir, 'totp@example.com') });
    assert.ok(third.ok);
    const replay = await t.identity.validateTotp({ authToken: third.value.authToken, totpCode: code });
    assert.equal(!replay.ok && replay.error.code, 'totp_invalid');
    for (let i = 0; i < 3; i++) assert.equal((await t.identity.validateTotp({ authToken: third.value.authToken, totpCode: 'abcdef' })).ok, false);
    const last = await t.identity.validateTotp({ authToken: third.value.authToken, totpCode: 'abcdef' });
    assert.deepEqual(last, { ok: false, error: { code: 'session_invalid' } });
    assert.deepEqual(await t.identity.validateTotp({ authToken: third.value.authToken, totpCode: totpCodeAt(secret, t.clock.now()) }), { ok: false, error: { code: 'session_invalid' } });

    assert.deepEqual(await t.identity.disableTotp({ userId, totpCode: '12345' }), { ok: false, error: { code: 'totp_invalid' } });
    t.clock.advance(30);
    assert.ok((await t.identity.disableTotp({ userId, totpCode: totpCodeAt(secret, t.clock.now()) })).ok);
    assert.equal((await t.identity.getUser(userId))?.totpEnabled, false);
    assert.deepEqual(await t.identity.disableTotp({ userId, totpCode: totpCodeAt(secret, t.clock.now()) }), { ok: false, error: { code: 'totp_not_enabled' } });

    // Blink's userTotpDelete takes no code: the authenticated session suffices.
    const again = await t.identity.initiateTotp(userId);
    assert.ok(again.ok);
    t.clock.advance(30);
    assert.ok((await t.identity.confirmTotp({ userId, totpRegistrationId: again.value.totpRegistrationId, totpCode: totpCodeAt(again.value.totpSecret, t.clock.now()) })).ok);
    assert.ok((await t.identity.disableTotp({ userId })).ok);
    assert.equal((await t.identity.getUser(userId))?.totpEnabled, false);
  } finally {
    await t.drop();
  }
});
