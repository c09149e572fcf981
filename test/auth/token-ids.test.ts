// Row ids of oidc_payloads (token-ids.ts): an HMAC-SHA256 keyed with HKDF of each system secret. Pinned
// against an independent computation, so a change in how the key is held cannot strand stored tokens.
import assert from 'node:assert/strict';
import { createHmac, hkdfSync } from 'node:crypto';
import { test } from 'node:test';
import { createTokenIds } from '../../src/auth/oidc/token-ids.ts';

const hmac = (secret: string, info: string, value: string) =>
  createHmac('sha256', Buffer.from(hkdfSync('sha256', secret, '', info, 32))).update(value, 'utf8').digest('base64url');

test('ids are HMAC-SHA256 under HKDF of each secret, newest first', () => {
  const ids = createTokenIds(['new-secret-0123456789abcdef0123456789', 'old-secret-0123456789abcdef0123456789']);
  const value = 'ory_at_example.value-ñ';
  const expected = ['new-secret-0123456789abcdef0123456789', 'old-secret-0123456789abcdef0123456789'].map((s) => hmac(s, 'lightgate oidc_payloads id v1', value));
  assert.equal(ids.current(value), expected[0]);
  assert.deepEqual(ids.candidates(value), expected);
});

test('a row reference carries a MAC under its own key and only that dereferences', () => {
  const ids = createTokenIds(['new-secret-0123456789abcdef0123456789']);
  const ref = ids.reference('row-1');
  assert.equal(ref, `lgref.row-1.${hmac('new-secret-0123456789abcdef0123456789', 'lightgate oidc_payloads row reference v1', 'row-1')}`);
  assert.equal(ids.dereference(ref), 'row-1');
  assert.equal(ids.dereference(ref.replace('row-1', 'row-2')), undefined);
  assert.equal(ids.dereference(`${ref.slice(0, -1)}${ref.endsWith('A') ? 'B' : 'A'}`), undefined);
});
