// Issue 19 #15 and issue 11 #5 ("the account's identity"): listing and revoking API keys and setting the
// permanent username are first-party only, like creating keys and changing TOTP. A third-party app's
// Oauth2-Token or an API key gets FIRST_PARTY_ONLY whatever its scopes, and nothing changes; the account
// holder's own session (Authorization: Bearer) still can.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/api-keys/app/create-api-key.ts';
import { ALL_SCOPES, type Scope } from '../../src/api/scopes.ts';
import { apiKey, bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';
import { storedApiKey } from './scope-operations.ts';

const codes = (body: { errors?: { extensions?: { code?: string } }[] }) => (body.errors ?? []).map((e) => e.extensions?.code);

describe("issue 19 #15 / issue 11 #5: the account's identity (API keys, username) is first-party only", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  async function victimKey(user: TestUser) {
    const made = await createApiKey(h.stack.database.db, { userId: user.userId, name: 'victim', scopes: ['read'], callerScopes: new Set(ALL_SCOPES) });
    assert.ok(made.ok);
    return made.value;
  }

  const thirdParty: { label: string; headers: (u: TestUser) => Promise<Record<string, string>> }[] = [];
  for (const scopes of [['read'], ['read', 'write'], ['read', 'receive', 'write']] as Scope[][]) {
    thirdParty.push({ label: `Oauth2-Token {${scopes.join(' ')}}`, headers: async (u) => oauth(await h.oauthToken(u, scopes)) });
    thirdParty.push({ label: `X-API-KEY {${scopes.join(' ')}}`, headers: (u) => storedApiKey(h, u, scopes) });
  }

  for (const credential of thirdParty) {
    test(`${credential.label}: cannot list, revoke or set the username`, async () => {
      const user = await h.signUp();
      const victim = await victimKey(user);
      const headers = await credential.headers(user);

      const list = await h.gql('{ me { id apiKeys { id name scopes lastUsedAt } } }', {}, headers);
      assert.equal(list.status, 200);
      assert.deepEqual(codes(list.body), ['FIRST_PARTY_ONLY'], JSON.stringify(list.body));
      assert.ok(!JSON.stringify(list.body).includes(victim.apiKey.id), 'no key id leaked');

      const revoke = await h.gql('mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { apiKey { revoked } } }', { id: victim.apiKey.id }, headers);
      const canWrite = credential.label.includes('write');
      assert.deepEqual(codes(revoke.body), [canWrite ? 'FIRST_PARTY_ONLY' : 'INSUFFICIENT_SCOPE'], JSON.stringify(revoke.body));
      assert.equal(revoke.body.data ?? null, null);
      const still = await h.gql('{ me { id } }', {}, apiKey(victim.secret));
      assert.equal(still.status, 200, 'the victim key still works');

      const rename = await h.gql('mutation { userUpdateUsername(input: { username: "stolen_name" }) { errors { code } user { id } } }', {}, headers);
      assert.deepEqual(codes(rename.body), [canWrite ? 'FIRST_PARTY_ONLY' : 'INSUFFICIENT_SCOPE'], JSON.stringify(rename.body));
      const [account] = await h.stack.database.db.query<{ username: string | null }>('SELECT username FROM wallet_accounts WHERE user_id = $1', [user.userId]);
      assert.equal(account!.username, null, 'the permanent username was not set');
    });
  }

  test('the account holder\'s session lists and revokes keys and sets the username', async () => {
    const user = await h.signUp();
    const victim = await victimKey(user);
    const headers = bearer(user.session);
    const list = await h.gql('{ me { apiKeys { id name } } }', {}, headers);
    assert.deepEqual(list.body.errors, undefined, JSON.stringify(list.body));
    assert.deepEqual(
      list.body.data!.me.apiKeys.map((k: { id: string }) => k.id),
      [victim.apiKey.id],
    );
    const revoke = await h.gql('mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { apiKey { revoked } } }', { id: victim.apiKey.id }, headers);
    assert.equal(revoke.body.data!.apiKeyRevoke.apiKey.revoked, true, JSON.stringify(revoke.body));
    const name = `own_${user.userId.slice(0, 8)}`;
    const rename = await h.gql('mutation($u: Username!) { userUpdateUsername(input: { username: $u }) { errors { code } user { username } } }', { u: name }, headers);
    assert.deepEqual(rename.body.data!.userUpdateUsername, { errors: [], user: { username: name } }, JSON.stringify(rename.body));
  });
});
