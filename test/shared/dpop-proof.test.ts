// The DPoP proof check (src/shared/dpop/proof.ts, RFC 9449 section 4.3) with its per-header key cache: a
// header seen before never skips the signature, the typ or the binding; a key pushed out of the cache by
// many others is imported again and still works; a replay is refused after all that.
import assert from 'node:assert/strict';
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
});
