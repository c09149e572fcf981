// The credential × scope table: every operation of the issue under anonymous, Oauth2-Token and
// X-API-KEY with scope sets {read} {receive} {write} {read write} {} and a first-party session (every
// scope). Each cell checks allowed or refused, and that a refused call changed nothing in the database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/api-keys/app/create-api-key.ts';
import { generateApiKey } from '../../src/api-keys/domain/api-key.ts';
import { ALL_SCOPES, type Scope } from '../../src/api-keys/domain/scopes.ts';
import { Secret, TOTP } from 'otpauth';
import { createInvoice } from '../../src/wallet/app/create-invoice.ts';
import { walletDeps } from '../wallet/helpers.ts';
import { apiKey, bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

type Need = 'public' | 'read' | 'receive' | 'write';

interface Cell {
  user: TestUser;
  merchant: TestUser;
}

interface Operation {
  name: string;
  need: Need;
  mutation?: boolean;
  /** Only the account holder's own session may do it, whatever the scopes (minting new credentials). */
  firstPartyOnly?: boolean;
  build(h: Harness, c: Cell): Promise<{ query: string; variables?: Record<string, unknown> }>;
}

const SCOPE_SETS: Scope[][] = [['read'], ['receive'], ['write'], ['read', 'write'], []];

async function invoiceFor(h: Harness, owner: TestUser, amount: { kind: 'sats'; sats: number } | { kind: 'none' } = { kind: 'sats', sats: 100 }) {
  const created = await createInvoice(walletDeps(h.stack.database.db), { walletId: owner.btcWalletId, amount });
  assert.ok(created.ok);
  return created.value;
}

const OPERATIONS: Operation[] = [
  // public
  { name: 'globals', need: 'public', build: async () => ({ query: '{ globals { network nodesIds } }' }) },
  { name: 'currencyList', need: 'public', build: async () => ({ query: '{ currencyList { id symbol } }' }) },
  { name: 'realtimePrice', need: 'public', build: async () => ({ query: '{ realtimePrice { btcSatPrice { base offset } } }' }) },
  { name: 'accountDefaultWallet', need: 'public', build: async () => ({ query: '{ accountDefaultWallet(username: "merchant_1") { id currency } }' }) },
  { name: 'usernameAvailable', need: 'public', build: async () => ({ query: '{ usernameAvailable(username: "nobody_here") }' }) },
  {
    name: 'lnInvoicePaymentStatus',
    need: 'public',
    build: async (h, c) => ({ query: 'query($r: LnPaymentRequest!) { lnInvoicePaymentStatus(input: { paymentRequest: $r }) { status errors { code } } }', variables: { r: (await invoiceFor(h, c.merchant)).paymentRequest } }),
  },
  {
    name: 'lnInvoicePaymentStatusByHash',
    need: 'public',
    build: async (h, c) => ({ query: 'query($p: PaymentHash!) { lnInvoicePaymentStatusByHash(input: { paymentHash: $p }) { status } }', variables: { p: (await invoiceFor(h, c.merchant)).paymentHash } }),
  },
  {
    name: 'lnInvoicePaymentStatusByPaymentRequest',
    need: 'public',
    build: async (h, c) => ({ query: 'query($r: LnPaymentRequest!) { lnInvoicePaymentStatusByPaymentRequest(input: { paymentRequest: $r }) { status } }', variables: { r: (await invoiceFor(h, c.merchant)).paymentRequest } }),
  },
  {
    name: 'lnInvoiceCreateOnBehalfOfRecipient',
    need: 'public',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { lnInvoiceCreateOnBehalfOfRecipient(input: { recipientWalletId: $w, amount: 21 }) { invoice { paymentRequest } errors { code } } }', variables: { w: c.merchant.btcWalletId } }),
  },
  {
    name: 'lnUsdInvoiceCreateOnBehalfOfRecipient',
    need: 'public',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { lnUsdInvoiceCreateOnBehalfOfRecipient(input: { recipientWalletId: $w, amount: 21 }) { invoice { paymentRequest } errors { code } } }', variables: { w: c.merchant.usdWalletId } }),
  },
  {
    name: 'lnNoAmountInvoiceCreateOnBehalfOfRecipient',
    need: 'public',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { lnNoAmountInvoiceCreateOnBehalfOfRecipient(input: { recipientWalletId: $w }) { invoice { paymentRequest } errors { code } } }', variables: { w: c.merchant.btcWalletId } }),
  },
  // read
  { name: 'me', need: 'read', build: async () => ({ query: '{ me { id username } }' }) },
  { name: 'defaultAccount', need: 'read', build: async () => ({ query: '{ me { defaultAccount { id defaultWalletId displayCurrency } } }' }) },
  { name: 'wallets balance', need: 'read', build: async () => ({ query: '{ me { defaultAccount { wallets { id walletCurrency balance } } } }' }) },
  { name: 'transactions', need: 'read', build: async () => ({ query: '{ me { defaultAccount { transactions(first: 5) { edges { node { id settlementAmount } } pageInfo { hasNextPage } } } } }' }) },
  { name: 'walletById', need: 'read', build: async (_h, c) => ({ query: 'query($w: WalletId!) { me { defaultAccount { walletById(walletId: $w) { id balance } } } }', variables: { w: c.user.btcWalletId } }) },
  { name: 'authorization', need: 'read', build: async () => ({ query: '{ authorization { scopes } }' }) },
  { name: 'apiKeys', need: 'read', build: async () => ({ query: '{ me { apiKeys { id name scopes } } }' }) },
  // receive or write
  {
    name: 'lnInvoiceCreate',
    need: 'receive',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { lnInvoiceCreate(input: { walletId: $w, amount: 1000, memo: "x" }) { invoice { paymentRequest } errors { code } } }', variables: { w: c.user.btcWalletId } }),
  },
  {
    name: 'lnUsdInvoiceCreate',
    need: 'receive',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { lnUsdInvoiceCreate(input: { walletId: $w, amount: 100 }) { invoice { paymentRequest } errors { code } } }', variables: { w: c.user.usdWalletId } }),
  },
  {
    name: 'lnNoAmountInvoiceCreate',
    need: 'receive',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { lnNoAmountInvoiceCreate(input: { walletId: $w }) { invoice { paymentRequest } errors { code } } }', variables: { w: c.user.btcWalletId } }),
  },
  {
    name: 'lnInvoiceCancel',
    need: 'receive',
    mutation: true,
    build: async (h, c) => ({
      query: 'mutation($w: WalletId!, $p: PaymentHash!) { lnInvoiceCancel(input: { walletId: $w, paymentHash: $p }) { success errors { code } } }',
      variables: { w: c.user.btcWalletId, p: (await invoiceFor(h, c.user)).paymentHash },
    }),
  },
  { name: 'onChainAddressCreate', need: 'receive', mutation: true, build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { onChainAddressCreate(input: { walletId: $w }) { address errors { code } } }', variables: { w: c.user.btcWalletId } }) },
  { name: 'onChainAddressCurrent', need: 'receive', mutation: true, build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { onChainAddressCurrent(input: { walletId: $w }) { address errors { code } } }', variables: { w: c.user.btcWalletId } }) },
  // write
  {
    name: 'intraLedgerPaymentSend',
    need: 'write',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 10 }) { status errors { code } } }', variables: { w: c.user.btcWalletId, r: c.merchant.btcWalletId } }),
  },
  {
    name: 'intraLedgerUsdPaymentSend',
    need: 'write',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerUsdPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 10 }) { status errors { code } } }', variables: { w: c.user.usdWalletId, r: c.merchant.usdWalletId } }),
  },
  {
    name: 'lnInvoicePaymentSend',
    need: 'write',
    mutation: true,
    build: async (h, c) => ({ query: 'mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status errors { code } } }', variables: { w: c.user.btcWalletId, r: (await invoiceFor(h, c.merchant)).paymentRequest } }),
  },
  {
    name: 'lnNoAmountInvoicePaymentSend',
    need: 'write',
    mutation: true,
    build: async (h, c) => ({
      query: 'mutation($w: WalletId!, $r: LnPaymentRequest!) { lnNoAmountInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r, amount: 33 }) { status errors { code } } }',
      variables: { w: c.user.btcWalletId, r: (await invoiceFor(h, c.merchant, { kind: 'none' })).paymentRequest },
    }),
  },
  { name: 'userUpdateUsername', need: 'write', mutation: true, build: async (_h, c) => ({ query: 'mutation($u: Username!) { userUpdateUsername(input: { username: $u }) { user { username } errors { code } } }', variables: { u: `u_${c.user.userId.slice(0, 8)}` } }) },
  {
    name: 'accountUpdateDefaultWalletId',
    need: 'write',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { accountUpdateDefaultWalletId(input: { walletId: $w }) { account { defaultWalletId } errors { code } } }', variables: { w: c.user.usdWalletId } }),
  },
  { name: 'accountUpdateDisplayCurrency', need: 'write', mutation: true, build: async () => ({ query: 'mutation { accountUpdateDisplayCurrency(input: { currency: "EUR" }) { account { displayCurrency } errors { code } } }' }) },
  { name: 'apiKeyCreate', need: 'write', mutation: true, firstPartyOnly: true, build: async () => ({ query: 'mutation { apiKeyCreate(input: { name: "table", scopes: [WRITE] }) { apiKey { id } apiKeySecret } }' }) },
  {
    name: 'apiKeyRevoke',
    need: 'write',
    mutation: true,
    build: async (h, c) => {
      const victim = await createApiKey(h.stack.database.db, { userId: c.user.userId, name: 'victim', scopes: ['read'], callerScopes: new Set(ALL_SCOPES) });
      assert.ok(victim.ok);
      return { query: 'mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { apiKey { revoked } } }', variables: { id: victim.value.apiKey.id } };
    },
  },
  // Two-step verification: the account holder's session only (an app must never change the second factor).
  { name: 'userTotpRegistrationInitiate', need: 'write', mutation: true, firstPartyOnly: true, build: async () => ({ query: 'mutation { userTotpRegistrationInitiate { totpRegistrationId totpSecret errors { code } } }' }) },
  {
    name: 'userTotpRegistrationValidate',
    need: 'write',
    mutation: true,
    firstPartyOnly: true,
    build: async (h, c) => {
      const pending = await h.identity.initiateTotp(c.user.userId);
      assert.ok(pending.ok);
      const code = new TOTP({ secret: Secret.fromBase32(pending.value.totpSecret) }).generate();
      return {
        query: 'mutation($id: TotpRegistrationId!, $code: TotpCode!) { userTotpRegistrationValidate(input: { totpRegistrationId: $id, totpCode: $code }) { me { totpEnabled } errors { code } } }',
        variables: { id: pending.value.totpRegistrationId, code },
      };
    },
  },
  {
    name: 'userTotpDelete',
    need: 'write',
    mutation: true,
    firstPartyOnly: true,
    build: async (h, c) => {
      // Enrolled (through the identity service) unless the session just did it above.
      if (!(await h.identity.getUser(c.user.userId))?.totpEnabled) {
        const pending = await h.identity.initiateTotp(c.user.userId);
        assert.ok(pending.ok);
        const code = new TOTP({ secret: Secret.fromBase32(pending.value.totpSecret) }).generate();
        assert.ok((await h.identity.confirmTotp({ userId: c.user.userId, totpRegistrationId: pending.value.totpRegistrationId, totpCode: code })).ok);
      }
      return { query: 'mutation { userTotpDelete { me { totpEnabled } errors { code } } }' };
    },
  },
  // Last: it ends a session credential.
  { name: 'userLogout', need: 'write', mutation: true, build: async () => ({ query: 'mutation { userLogout(input: { deviceToken: "d" }) { success errors { code } } }' }) },
];

const allowed = (need: Need, scopes: ReadonlySet<Scope>): boolean =>
  need === 'public' || (need === 'read' && scopes.has('read')) || (need === 'receive' && (scopes.has('receive') || scopes.has('write'))) || (need === 'write' && scopes.has('write'));

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
    kinds.push({
      label: `X-API-KEY {${set.join(' ')}}`,
      scopes: set,
      credential: async (hh, u) => {
        // Stored directly so that the empty scope list (which apiKeyCreate refuses) is covered too.
        const k = generateApiKey();
        await hh.stack.database.db.query('INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scopes) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)', [u.userId, 'table', k.prefix, k.hash, set]);
        return apiKey(k.key);
      },
    });
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
          // A third-party app or an API key must not mint a credential that outlives its own revocation.
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
