// The DPoP proof check (src/shared/dpop/proof.ts, RFC 9449 section 4.3) with its per-header key cache: a
// header seen before never skips the signature, the typ or the binding; a key pushed out of the cache by
// many others is imported again and still works; a replay is refused after all that.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createDpopNonces } from '../../src/shared/dpop/nonce.ts';
import { createDpopVerifier, type DpopVerifier } from '../../src/shared/dpop/proof.ts';
import { createDpopReplays } from '../../src/shared/dpop/replays.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { dpopKey, dpopProof, type DpopKey } from '../support/dpop.ts';

const URL_ = 'https://api.example.com/graphql';
const TOKEN = 'access-token';

describe('DPoP proof check with cached keys', () => {
  let t: TestDatabase;
  let verify: DpopVerifier;
  let key: DpopKey;
  before(async () => {
    t = await createTestDatabase('pglite');
    verify = createDpopVerifier({ replays: createDpopReplays(t.db), place: 'api', nonces: createDpopNonces(Buffer.alloc(32, 1)), requireNonce: false });
    key = await dpopKey();
  });
  after(() => t?.drop());
  const check = (proof: string, jkt = key.jkt) => verify({ proof, method: 'POST', url: URL_, accessToken: TOKEN, jkt });
  const fresh = (k: DpopKey = key) => dpopProof(k, { htm: 'POST', htu: URL_, accessToken: TOKEN });

  test('a cached header still needs a good signature, the bound key and typ dpop+jwt', async () => {
    const good = await fresh();
    assert.equal((await check(good)).ok, true);
    // Same header (cached now), another payload under the old signature.
    const [header, , signature] = (await fresh()).split('.');
    const otherPayload = good.split('.')[1];
    const forged = await check(`${header}.${otherPayload}.${signature}`);
    assert.equal(forged.ok, false);
    assert.match(forged.ok ? '' : forged.error.description, /not a valid dpop\+jwt/);
    const other = await dpopKey();
    const wrongKey = await check(await fresh(other));
    assert.match(wrongKey.ok ? '' : wrongKey.error.description, /not the key the token is bound to/);
    // typ JWT under the same key: another header, refused.
    const { SignJWT, exportJWK } = await import('jose');
    const jwt = await new SignJWT({ htm: 'POST', htu: URL_, jti: 'typ-jwt' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', jwk: await exportJWK(key.publicKey) })
      .setIssuedAt()
      .sign(key.privateKey);
    assert.equal((await check(jwt)).ok, false);
  });

  test('after more keys than the cache holds, the first key is imported again and its replays are still refused', async () => {
    const keys = await Promise.all(Array.from({ length: 2100 }, () => dpopKey()));
    for (let i = 0; i < keys.length; i += 100) {
      const some = keys.slice(i, i + 100);
      const results = await Promise.all(some.map(async (k) => check(await fresh(k), k.jkt)));
      assert.ok(results.every((r) => r.ok));
    }
    const proof = await fresh();
    assert.equal((await check(proof)).ok, true);
    const replay = await check(proof);
    assert.equal(replay.ok, false);
    assert.match(replay.ok ? '' : replay.error.description, /already used/);
  });

  test('htu (RFC 9449 section 4.3, check 9): the query and fragment are ignored on both sides; another path, host, scheme or port is refused', async () => {
    const withHtu = async (htu: string, url = URL_) => verify({ proof: await dpopProof(key, { htm: 'POST', htu, accessToken: TOKEN }), method: 'POST', url, accessToken: TOKEN, jkt: key.jkt });
    for (const htu of [URL_, `${URL_}?a=1`, `${URL_}#f`, 'https://api.example.com:443/graphql']) assert.equal((await withHtu(htu)).ok, true, htu);
    assert.equal((await withHtu(URL_, `${URL_}?x=2`)).ok, true, 'a query on the configured URL');
    for (const htu of ['https://api.example.com/graphql/', 'https://api.example.com/other', 'http://api.example.com/graphql', 'https://api.example.com:8443/graphql', 'https://evil.example.com/graphql', 'not a url', '']) {
      const r = await withHtu(htu);
      assert.equal(r.ok, false, htu);
      assert.match(r.ok ? '' : r.error.description, /another URL/, htu);
    }
  });

  test('ECDSA proofs (node:crypto, DER signatures): ES384 passes; a header that lies about its alg or key, a critical extension, exp or nbf out of range, a mangled signature or a fourth part is refused', async () => {
    const { SignJWT, exportJWK, generateKeyPair, calculateJwkThumbprint } = await import('jose');
    const sign = async (alg: string, k: { privateKey: CryptoKey; publicKey: CryptoKey }, header: Record<string, unknown> = {}, claims: Record<string, unknown> = {}) => {
      const jwk = await exportJWK(k.publicKey);
      const proof = await new SignJWT({ htm: 'POST', htu: URL_, jti: crypto.randomUUID(), ath: createHash('sha256').update(TOKEN).digest('base64url'), ...claims })
        .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk, ...header })
        .setIssuedAt()
        .sign(k.privateKey);
      return { proof, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
    };
    const p384 = await generateKeyPair('ES384', { extractable: true });
    const es384 = await sign('ES384', p384);
    assert.equal((await check(es384.proof, es384.jkt)).ok, true, 'ES384');
    // A P-384 key announced as ES256 (its signature made as ES384): the key does not fit the alg.
    const [, payload, signature] = (await sign('ES384', p384)).proof.split('.');
    const lyingHeader = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(p384.publicKey) })).toString('base64url');
    assert.equal((await check(`${lyingHeader}.${payload}.${signature}`, es384.jkt)).ok, false, 'alg ES256 with a P-384 key');
    const refusals: Array<[string, Promise<{ proof: string; jkt: string }>]> = [
      ['crit', sign('ES256', key, { crit: ['b64'], b64: true })],
      ['exp in the past', sign('ES256', key, {}, { exp: Math.floor(Date.now() / 1000) - 5 })],
      ['exp not a number', sign('ES256', key, {}, { exp: 'tomorrow' })],
      ['nbf in the future', sign('ES256', key, {}, { nbf: Math.floor(Date.now() / 1000) + 300 })],
    ];
    for (const [what, made] of refusals) {
      const { proof, jkt } = await made;
      assert.equal((await check(proof, jkt)).ok, false, what);
    }
    const good = (await sign('ES256', key, {}, { exp: Math.floor(Date.now() / 1000) + 60 })).proof;
    const [h, p, sig] = good.split('.') as [string, string, string];
    for (const [what, mangled] of [
      ['signature cut short', `${h}.${p}.${sig.slice(0, -4)}`],
      ['signature of the wrong curve size', `${h}.${p}.${sig}${sig}`],
      ['a fourth part', `${good}.${sig}`],
      ['a character outside base64url', `${h}.${p}.${sig.slice(0, -1)}+`],
      ['no signature', `${h}.${p}.`],
      // Node's base64 decoder skips whitespace: only the compact-form check refuses this one.
      ['whitespace inside the signature', `${h}.${p}.${sig.slice(0, 10)} ${sig.slice(10)}`],
    ] as Array<[string, string]>) {
      const r = await check(mangled);
      assert.equal(r.ok, false, what);
      assert.match(r.ok ? '' : r.error.description, /not a valid dpop\+jwt/, what);
    }
    assert.equal((await check(good)).ok, true, 'the unmangled proof with a future exp');
  });
});
