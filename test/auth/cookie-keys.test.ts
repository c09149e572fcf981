// The cookie signer (src/auth/oidc/cookie-keys.ts) against Keygrip's definition: the same signatures, so cookies
// issued before the change stay valid, and the same answers for every kind of bad signature.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { cookieKeys } from '../../src/auth/oidc/cookie-keys.ts';

// Keygrip 1.1's sign(), as written there: base64 with / + = replaced.
const keygripSign = (data: string, key: string) =>
  createHmac('sha1', key)
    .update(data)
    .digest('base64')
    .replace(/\/|\+|=/g, (x) => ({ '/': '_', '+': '-', '=': '' })[x]!);

test('signs as Keygrip does with the first key, and finds the key of a signature made with any of them', () => {
  const secrets = ['new-secret-é', 'older secret'];
  const keys = cookieKeys(secrets);
  for (const data of ['lg_session=abc', 'lg_interaction=' + 'x'.repeat(300), '', 'ünïcode=✓']) {
    assert.equal(keys.sign(data), keygripSign(data, secrets[0]!));
    assert.equal(keys.index(data, keygripSign(data, secrets[0]!)), 0);
    assert.equal(keys.index(data, keygripSign(data, secrets[1]!)), 1);
    assert.equal(keys.verify(data, keygripSign(data, secrets[1]!)), true);
  }
});

test('refuses a signature of other data, of an unknown key, tampered, truncated, padded or not a string', () => {
  const keys = cookieKeys(['k1']);
  const good = keys.sign('lg_session=abc');
  assert.equal(keys.index('lg_session=abd', good), -1);
  assert.equal(keys.index('lg_session=abc', keygripSign('lg_session=abc', 'k2')), -1);
  const flipped = (good[0] === 'A' ? 'B' : 'A') + good.slice(1);
  assert.equal(keys.index('lg_session=abc', flipped), -1);
  assert.equal(keys.index('lg_session=abc', good.slice(0, -1)), -1);
  assert.equal(keys.index('lg_session=abc', good + '='), -1);
  assert.equal(keys.index('lg_session=abc', good.replace(/-/g, '+').replace(/_/g, '/')) === 0, !/[-_]/.test(good));
  // Base64url's last character carries 4 spare bits: another last character decoding to the same bytes is not it.
  const last = good.at(-1)!;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
  assert.equal(keys.index('lg_session=abc', good.slice(0, -1) + twin), -1);
  assert.equal(keys.index('lg_session=abc', undefined as unknown as string), -1);
  assert.equal(keys.verify('lg_session=abc', ''), false);
  assert.throws(() => cookieKeys([]));
});
