import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildApiServer } from '../../src/api/server.ts';
import { TtlCache } from '../../src/api/ttl-cache.ts';
import { apiKey, bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

/** Polls until the request is refused with 401; returns the milliseconds it took. */
async function refusedWithin(h: Harness, headers: Record<string, string>, ms: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    const res = await h.gql('{ me { id } }', {}, headers);
    if (res.status === 401) return Date.now() - start;
    assert.equal(res.status, 200);
    if (Date.now() - start > ms) assert.fail(`still accepted after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('credentials', () => {
  let h: Harness;
  let user: TestUser;
  before(async () => {
    h = await startHarness();
    user = await h.signUp();
  });
  after(async () => h.close());

  test('a present but bad credential is a 401 with a JSON error, never an anonymous call', async () => {
    const cases: Record<string, string>[] = [
      { 'oauth2-token': 'not-a-token' },
      { 'oauth2-token': '' },
      { 'x-api-key': 'nope' },
      { 'x-api-key': `lg_00000000_${'A'.repeat(43)}` },
      { 'x-api-key': '' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: 'Bearer not-a-session' },
      { authorization: 'Bearer' },
      { ...bearer(user.session), 'x-api-key': 'two credentials' },
    ];
    for (const headers of cases) {
      const res = await h.gql('{ globals { network } }', {}, headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.ok(res.body.error && res.body.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED', JSON.stringify(res.body));
      assert.equal(res.body.data, undefined, 'nothing was executed');
    }
    const anonymous = await h.gql('{ globals { network } }');
    assert.equal(anonymous.status, 200);
    assert.equal(anonymous.body.data?.globals.network, 'regtest');
  });

  test('API keys: shown once, stored hashed with a visible prefix, scoped, lastUsedAt kept, revoked and expired keys refused', async () => {
    const created = await h.gql('mutation { apiKeyCreate(input: { name: "bot", scopes: [READ], expireInDays: 30 }) { apiKey { id name scopes readOnly expiresAt revoked expired lastUsedAt } apiKeySecret } }', {}, bearer(user.session));
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const { apiKey: key, apiKeySecret: secret } = created.body.data!.apiKeyCreate;
    assert.match(secret, /^lg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([key.name, key.scopes, key.readOnly, key.revoked, key.expired, key.lastUsedAt], ['bot', ['READ'], true, false, false, null]);
    assert.ok(key.expiresAt > Date.now() / 1000 + 29 * 86400);

    const [stored] = await h.stack.database.db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [key.id]);
    assert.equal(stored!.key_hash, createHash('sha256').update(secret).digest('hex'));
    assert.equal(stored!.prefix, secret.slice(0, 11));
    assert.ok(!JSON.stringify(stored).includes(secret.slice(12)), 'the secret part is not stored');

    const me = await h.gql('{ me { id } authorization { scopes } }', {}, apiKey(secret));
    assert.equal(me.body.data?.me.id, user.userId);
    assert.deepEqual(me.body.data?.authorization.scopes, ['READ']);
    // Keys are listed by the account holder's session only (issue 19 #15), not by a key.
    const keys = await h.gql('{ me { apiKeys { id lastUsedAt } } }', {}, bearer(user.session));
    const listed = keys.body.data?.me.apiKeys.find((k: { id: string }) => k.id === key.id);
    assert.ok(listed.lastUsedAt > 0, 'lastUsedAt is kept');
    const write = await h.gql('mutation { accountUpdateDisplayCurrency(input: { currency: "EUR" }) { errors { code } } }', {}, apiKey(secret));
    assert.equal(write.body.errors?.[0]?.extensions?.code, 'INSUFFICIENT_SCOPE');

    // A key cannot mint keys at all (it would outlive its own revocation), whatever its scopes.
    const writer = await h.gql('mutation { apiKeyCreate(input: { name: "w", scopes: [WRITE] }) { apiKeySecret } }', {}, bearer(user.session));
    const escalate = await h.gql('mutation { apiKeyCreate(input: { name: "x", scopes: [READ, WRITE] }) { apiKeySecret } }', {}, apiKey(writer.body.data!.apiKeyCreate.apiKeySecret));
    assert.equal(escalate.body.errors?.[0]?.extensions?.code, 'FIRST_PARTY_ONLY');

    const revoked = await h.gql('mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { apiKey { revoked } } }', { id: key.id }, bearer(user.session));
    assert.equal(revoked.body.data?.apiKeyRevoke.apiKey.revoked, true);
    assert.ok((await refusedWithin(h, apiKey(secret), 5000)) <= 5000);

    const other = await h.gql('mutation { apiKeyCreate(input: { name: "soon", scopes: [READ] }) { apiKey { id } apiKeySecret } }', {}, bearer(user.session));
    const soon = other.body.data!.apiKeyCreate;
    assert.equal((await h.gql('{ me { id } }', {}, apiKey(soon.apiKeySecret))).status, 200);
    await h.stack.database.db.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [soon.apiKey.id]);
    assert.ok((await refusedWithin(h, apiKey(soon.apiKeySecret), 5000)) <= 5000, 'an expired key is refused within the cache TTL');

    // Somebody else cannot revoke my key.
    const stranger = await h.signUp();
    const foreign = await h.gql('mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { apiKey { revoked } } }', { id: soon.apiKey.id }, bearer(stranger.session));
    assert.equal(foreign.body.errors?.[0]?.extensions?.code, 'API_KEY_NOT_FOUND');
  });

  test('Oauth2-Token: revoking the grant or suspending the client takes effect within 5 seconds', async () => {
    const token = await h.oauthToken(user, ['read']);
    assert.equal((await h.gql('{ me { id } }', {}, oauth(token))).status, 200);
    const revoked = await h.stack.stack.hydra!.revokeConsentSessions(user.userId, h.oauthClientId());
    assert.ok(revoked.ok);
    assert.ok((await refusedWithin(h, oauth(token), 5000)) <= 5000);

    const second = await h.oauthToken(user, ['read', 'write']);
    assert.equal((await h.gql('{ me { id } }', {}, oauth(second))).status, 200);
    const suspended = await h.stack.stack.admin!.setClientStatus(h.oauthClientId(), 'suspended');
    assert.ok(suspended.ok);
    assert.ok((await refusedWithin(h, oauth(second), 5000)) <= 5000);
    await h.stack.stack.admin!.setClientStatus(h.oauthClientId(), 'active');
  });

  test('revocation reaches another API server (its own caches) within 5 seconds', async () => {
    const other = await buildApiServer({ config: h.stack.config, db: h.stack.database.db, hydra: h.stack.stack.hydra!, identity: h.identity });
    try {
      const ask = async (headers: Record<string, string>) => (await other.inject({ method: 'POST', url: '/graphql', payload: { query: '{ me { id } }' }, headers })).statusCode;
      const token = await h.oauthToken(user, ['read']);
      const made = await h.gql('mutation { apiKeyCreate(input: { name: "two", scopes: [READ] }) { apiKey { id } apiKeySecret } }', {}, bearer(user.session));
      const { apiKey: k, apiKeySecret } = made.body.data!.apiKeyCreate;
      assert.equal(await ask(oauth(token)), 200);
      assert.equal(await ask(apiKey(apiKeySecret)), 200);
      assert.ok((await h.stack.stack.hydra!.revokeConsentSessions(user.userId, h.oauthClientId())).ok);
      await h.gql('mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { apiKey { revoked } } }', { id: k.id }, bearer(user.session));
      const start = Date.now();
      while ((await ask(oauth(token))) !== 401 || (await ask(apiKey(apiKeySecret))) !== 401) {
        assert.ok(Date.now() - start < 5000, 'still accepted by the other server after 5 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await other.close();
    }
  });

  test('an Oauth2-Token without a user (client_credentials) is refused with 401', async () => {
    const token = await h.clientCredentialsToken('read');
    const res = await h.gql('{ globals { network } }', {}, oauth(token));
    assert.equal(res.status, 401, JSON.stringify(res.body));
  });

  test('Bearer session: logout ends it', async () => {
    const someone = await h.signUp();
    assert.equal((await h.gql('{ me { id } }', {}, bearer(someone.session))).status, 200);
    await h.identity.logout(someone.session);
    assert.equal((await h.gql('{ me { id } }', {}, bearer(someone.session))).status, 401);
  });
});

test('the introspection cache expires entries and holds a bounded number', () => {
  let now = 0;
  const cache = new TtlCache<number>({ ttlSeconds: 2, maxEntries: 3, now: () => now });
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('c', 3);
  cache.set('d', 4);
  assert.equal(cache.size, 3);
  assert.equal(cache.get('a'), undefined, 'the oldest entry was dropped');
  assert.equal(cache.get('d'), 4);
  cache.set('short', 5, 0.5);
  now = 600;
  assert.equal(cache.get('short'), undefined, 'a shorter per-entry TTL (token expiry) wins');
  now = 2001;
  assert.equal(cache.get('d'), undefined, 'nothing outlives the TTL');
});
