// The credential × scope table: every operation of the issue under anonymous, Oauth2-Token and
// X-API-KEY with scope sets {read} {receive} {write} {read write} {} and a first-party session (every
// scope). Each cell checks allowed or refused, and that a refused call changed nothing in the database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ALL_SCOPES, type Scope } from '../../src/api/scopes.ts';
import { bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';
import { allowed, OPERATIONS, storedApiKey } from './scope-operations.ts';

const SCOPE_SETS: Scope[][] = [['read'], ['receive'], ['write'], ['read', 'write'], []];

async function snapshot(h: Harness): Promise<unknown> {
  const [row] = await h.stack.database.db.query(`SELECT
    (SELECT count(*) FROM ledger_journals) AS journals,
    (SELECT coalesce(string_agg(w.id || ':' || w.balance, ',' ORDER BY w.id), '') FROM wallets w) AS balances,
    (SELECT coalesce(string_agg(payment_hash || status, ',' ORDER BY payment_hash), '') FROM ln_invoices) AS invoices,
    (SELECT coalesce(string_agg(id || ':' || (revoked_at IS NULL), ',' ORDER BY id), '') FROM api_keys) AS keys,
    (SELECT count(*) FROM onchain_addresses) AS addresses,
    (SELECT coalesce(string_agg(coalesce(username, '-') || default_wallet_id || display_currency, ',' ORDER BY id), '') FROM wallet_accounts WHERE user_id IS NOT NULL) AS accounts,
    (SELECT count(*) FROM identity_sessions WHERE revoked_at IS NOT NULL) AS ended_sessions,
    (SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM users WHERE totp_enabled_at IS NOT NULL) AS totp_users,
    (SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM totp_registrations) AS totp_registrations`);
  return row;
}

describe('credential × scope table', () => {
  let h: Harness;
  let merchant: TestUser;
  before(async () => {
    h = await startHarness();
    merchant = await h.signUp();
    await h.stack.database.db.query("UPDATE wallet_accounts SET username = 'merchant_1' WHERE user_id = $1", [merchant.userId]);
  });
  after(async () => h.close());

  const kinds: { label: string; scopes: Scope[]; credential: (h: Harness, u: TestUser) => Promise<Record<string, string>> }[] = [
    { label: 'anonymous', scopes: [], credential: async () => ({}) },
    { label: 'session (every scope)', scopes: [...ALL_SCOPES], credential: async (_h, u) => bearer(u.session) },
  ];
  for (const set of SCOPE_SETS) {
    kinds.push({ label: `Oauth2-Token {${set.join(' ')}}`, scopes: set, credential: async (hh, u) => oauth(await hh.oauthToken(u, set)) });
    kinds.push({ label: `X-API-KEY {${set.join(' ')}}`, scopes: set, credential: (hh, u) => storedApiKey(hh, u, set) });
  }

  for (const kind of kinds) {
    test(kind.label, async () => {
      const user = await h.signUp();
      await h.fund(user.btcWalletId, 100_000);
      await h.fund(user.usdWalletId, 10_000);
      const headers = await kind.credential(h, user);
      const scopes = new Set(kind.scopes);
      const cell = { user, merchant };
      for (const op of OPERATIONS) {
        const { query, variables } = await op.build(h, cell);
        const before = await snapshot(h);
        const res = await h.gql(query, variables, headers);
        const where = `${kind.label} / ${op.name}: ${JSON.stringify(res.body).slice(0, 400)}`;
        assert.equal(res.status, 200, where);
        const codes = (res.body.errors ?? []).map((e) => e.extensions?.code);
        const firstParty = kind.label.startsWith('session');
        if (op.firstPartyOnly && !firstParty && allowed(op.need, scopes)) {
          // A third-party app or an API key must not mint or manage credentials, nor change the account's identity.
          assert.deepEqual(codes, ['FIRST_PARTY_ONLY'], where);
          assert.deepEqual(await snapshot(h), before, `refused and changed nothing: ${where}`);
        } else if (allowed(op.need, scopes)) {
          assert.deepEqual(res.body.errors, undefined, where);
          const payload = Object.values(res.body.data ?? {})[0] as { errors?: unknown[] } | null | boolean;
          assert.ok(payload !== null && payload !== undefined, where);
          if (typeof payload === 'object' && payload.errors) assert.deepEqual(payload.errors, [], where);
          if (op.name === 'authorization') assert.deepEqual(res.body.data?.authorization.scopes, kind.scopes.map((x) => x.toUpperCase()), where);
        } else {
          assert.deepEqual(codes, [kind.label === 'anonymous' ? 'NOT_AUTHENTICATED' : 'INSUFFICIENT_SCOPE'], where);
          assert.deepEqual(await snapshot(h), before, `refused and changed nothing: ${where}`);
        }
      }
      if (kind.label.startsWith('session')) {
        const afterLogout = await h.gql('{ me { id } }', {}, headers);
        assert.equal(afterLogout.status, 401, 'userLogout ended the session');
      }
    });
  }
});
