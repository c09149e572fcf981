// Blink's TOTP mutations on the wallet API: a first-party session enrolls (initiate, validate with a code
// from the secret) and deletes; a wrong code is refused; an app (Oauth2-Token) or an API key (X-API-KEY)
// is refused with FIRST_PARTY_ONLY whatever its scopes, and nothing changes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { createApiKey } from '../../src/api-keys/app/create-api-key.ts';
import { ALL_SCOPES } from '../../src/api/scopes.ts';
import { apiKey, bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

const INITIATE = 'mutation { userTotpRegistrationInitiate { totpRegistrationId totpSecret errors { code message } } }';
const VALIDATE =
  'mutation($id: TotpRegistrationId!, $code: TotpCode!) { userTotpRegistrationValidate(input: { totpRegistrationId: $id, totpCode: $code }) { me { id totpEnabled } errors { code message } } }';
const DELETE = 'mutation { userTotpDelete { me { id totpEnabled } errors { code message } } }';

/** What an authenticator app shows for this secret, `offsetSteps` periods from now. */
const codeFor = (secret: string, offsetSteps = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
/** A 6-digit code that is none of the accepted ones (window of one step either side). */
const wrongCodeFor = (secret: string) => {
  const valid = new Set([-1, 0, 1, 2].map((o) => codeFor(secret, o)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
};

describe('TOTP mutations', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  async function state(user: TestUser) {
    const [row] = await h.stack.database.db.query<{ enabled: boolean; registrations: number }>(
      'SELECT (SELECT totp_enabled_at IS NOT NULL FROM users WHERE id = $1) AS enabled, (SELECT count(*)::int FROM totp_registrations WHERE user_id = $1) AS registrations',
      [user.userId],
    );
    return row!;
  }

  test('a session enrolls with a code from the secret, me { totpEnabled } follows, and userTotpDelete turns it off', async () => {
    const user = await h.signUp();
    const started = await h.gql(INITIATE, {}, bearer(user.session));
    assert.equal(started.status, 200);
    const init = started.body.data?.userTotpRegistrationInitiate;
    assert.deepEqual(init.errors, []);
    assert.match(init.totpRegistrationId, /^[0-9a-f-]{36}$/);
    assert.match(init.totpSecret, /^[A-Z2-7]{32}$/, 'base32 secret of 160 bits');
    assert.deepEqual(await state(user), { enabled: false, registrations: 1 });

    // A wrong code: a payload error in plain words, TOTP stays off.
    const wrong = await h.gql(VALIDATE, { id: init.totpRegistrationId, code: wrongCodeFor(init.totpSecret) }, bearer(user.session));
    const wrongPayload = wrong.body.data?.userTotpRegistrationValidate;
    assert.equal(wrongPayload.me, null);
    assert.deepEqual(
      wrongPayload.errors.map((e: { code: string }) => e.code),
      ['TOTP_INVALID'],
    );
    assert.match(wrongPayload.errors[0].message, /authenticator code is not right/);
    assert.equal((await state(user)).enabled, false);

    // Not six digits: refused by the TotpCode scalar before any resolver.
    const malformed = await h.gql(VALIDATE, { id: init.totpRegistrationId, code: '12ab' }, bearer(user.session));
    assert.deepEqual(
      malformed.body.errors?.map((e) => e.extensions?.code),
      ['INVALID_INPUT'],
    );

    const ok = await h.gql(VALIDATE, { id: init.totpRegistrationId, code: codeFor(init.totpSecret) }, bearer(user.session));
    assert.deepEqual(ok.body.data?.userTotpRegistrationValidate, { me: { id: user.userId, totpEnabled: true }, errors: [] });
    assert.deepEqual(await state(user), { enabled: true, registrations: 0 });
    const me = await h.gql('{ me { totpEnabled } }', {}, bearer(user.session));
    assert.equal(me.body.data?.me.totpEnabled, true);

    // Enrolled already: a second initiate is refused in the payload.
    const again = await h.gql(INITIATE, {}, bearer(user.session));
    assert.deepEqual(again.body.data?.userTotpRegistrationInitiate, { totpRegistrationId: null, totpSecret: null, errors: [{ code: 'TOTP_ALREADY_ENABLED', message: 'Two-step verification is already on.' }] });

    const deleted = await h.gql(DELETE, {}, bearer(user.session));
    assert.deepEqual(deleted.body.data?.userTotpDelete, { me: { id: user.userId, totpEnabled: false }, errors: [] });
    assert.equal((await state(user)).enabled, false);
    const twice = await h.gql(DELETE, {}, bearer(user.session));
    assert.deepEqual(
      twice.body.data?.userTotpDelete.errors.map((e: { code: string }) => e.code),
      ['TOTP_NOT_ENABLED'],
    );
  });

  test('an expired or unknown registration is refused', async () => {
    const user = await h.signUp();
    const res = await h.gql(VALIDATE, { id: '00000000-0000-4000-8000-000000000000', code: '123456' }, bearer(user.session));
    assert.deepEqual(
      res.body.data?.userTotpRegistrationValidate.errors.map((e: { code: string }) => e.code),
      ['REGISTRATION_INVALID'],
    );
    // Another user's registration is unknown to this one.
    const other = await h.signUp();
    const theirs = await h.identity.initiateTotp(other.userId);
    assert.ok(theirs.ok);
    const stolen = await h.gql(VALIDATE, { id: theirs.value.totpRegistrationId, code: codeFor(theirs.value.totpSecret) }, bearer(user.session));
    assert.deepEqual(
      stolen.body.data?.userTotpRegistrationValidate.errors.map((e: { code: string }) => e.code),
      ['REGISTRATION_INVALID'],
    );
    assert.deepEqual(await state(other), { enabled: false, registrations: 1 });
    assert.deepEqual(await state(user), { enabled: false, registrations: 0 });
  });

  for (const kind of ['Oauth2-Token', 'X-API-KEY'] as const) {
    test(`${kind} with every scope is refused with FIRST_PARTY_ONLY, and nothing changes`, async () => {
      const user = await h.signUp();
      let headers: Record<string, string>;
      if (kind === 'Oauth2-Token') {
        headers = oauth(await h.oauthToken(user, ['read', 'receive', 'write']));
      } else {
        const key = await createApiKey(h.stack.database.db, { userId: user.userId, name: 'all', scopes: [...ALL_SCOPES], callerScopes: new Set(ALL_SCOPES) });
        assert.ok(key.ok);
        headers = apiKey(key.value.secret);
      }
      const refused = async (query: string, variables: Record<string, unknown> = {}) => {
        const res = await h.gql(query, variables, headers);
        assert.equal(res.status, 200);
        assert.deepEqual(
          res.body.errors?.map((e) => e.extensions?.code),
          ['FIRST_PARTY_ONLY'],
          JSON.stringify(res.body),
        );
        assert.equal(res.body.data, null);
      };
      // The credential works for other things.
      assert.equal((await h.gql('{ me { id totpEnabled } }', {}, headers)).body.data?.me.totpEnabled, false);

      await refused(INITIATE);
      assert.deepEqual(await state(user), { enabled: false, registrations: 0 });

      // Even with a correct code for a real registration of this user.
      const pending = await h.identity.initiateTotp(user.userId);
      assert.ok(pending.ok);
      await refused(VALIDATE, { id: pending.value.totpRegistrationId, code: codeFor(pending.value.totpSecret) });
      assert.deepEqual(await state(user), { enabled: false, registrations: 1 });

      // Enrolled by the user's session; the app cannot remove it.
      assert.ok((await h.identity.confirmTotp({ userId: user.userId, totpRegistrationId: pending.value.totpRegistrationId, totpCode: codeFor(pending.value.totpSecret) })).ok);
      await refused(DELETE);
      assert.deepEqual(await state(user), { enabled: true, registrations: 0 });
    });
  }

  test('anonymous callers are asked to authenticate', async () => {
    const res = await h.gql(DELETE);
    assert.deepEqual(
      res.body.errors?.map((e) => e.extensions?.code),
      ['NOT_AUTHENTICATED'],
    );
  });
});
