// The operations of the wallet API, each with a builder for a valid call, shared by the scope tables
// (scopes.test.ts: credential × scope; scopes-payloads.test.ts: mutation payloads × nested read data).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createApiKey } from '../../src/api-keys/app/create-api-key.ts';
import { generateApiKey } from '../../src/api-keys/domain/api-key.ts';
import { ALL_SCOPES, type Scope } from '../../src/api/scopes.ts';
import { Secret, TOTP } from 'otpauth';
import { codeHash } from '../../src/identity/services/crypto.ts';
import { createInvoice } from '../../src/wallet/app/create-invoice.ts';
import { walletDeps } from '../wallet/helpers.ts';
import { apiKey, type Harness, type TestUser } from './harness.ts';

/** 'read write': both (callback endpoints: `write` to manage, `read` because deliveries carry the account's data). */
export type Need = 'public' | 'read' | 'receive' | 'write' | 'read write';

export interface Cell {
  user: TestUser;
  merchant: TestUser;
}

export interface Operation {
  name: string;
  need: Need;
  mutation?: boolean;
  /** Only the account holder's own session may do it, whatever the scopes: credentials and the account's identity. */
  firstPartyOnly?: boolean;
  build(h: Harness, c: Cell): Promise<{ query: string; variables?: Record<string, unknown> }>;
}

async function invoiceFor(h: Harness, owner: TestUser, amount: { kind: 'sats'; sats: number } | { kind: 'none' } = { kind: 'sats', sats: 100 }) {
  const created = await createInvoice(walletDeps(h.stack.database.db), { walletId: owner.btcWalletId, amount });
  assert.ok(created.ok);
  return created.value;
}

export const OPERATIONS: Operation[] = [
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
  {
    name: 'lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient',
    need: 'public',
    mutation: true,
    build: async (_h, c) => ({
      query: 'mutation($w: WalletId!) { lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient(input: { recipientWalletId: $w, amount: 2100 }) { invoice { paymentRequest satoshis } errors { code } } }',
      variables: { w: c.merchant.usdWalletId },
    }),
  },
  { name: 'supportedCountries', need: 'public', build: async () => ({ query: '{ globals { supportedCountries { id supportedAuthChannels } } }' }) },
  // read
  { name: 'language callbackPortalUrl', need: 'read', build: async () => ({ query: '{ me { language defaultAccount { callbackPortalUrl } } }' }) },
  { name: 'callbackEndpoints', need: 'read', build: async () => ({ query: '{ me { defaultAccount { callbackEndpoints { id url } } } }' }) },
  { name: 'invoices', need: 'read', build: async () => ({ query: '{ me { defaultAccount { invoices(first: 2) { edges { cursor node { paymentHash paymentStatus } } pageInfo { hasNextPage } } wallets { invoices(first: 2) { edges { node { paymentHash } } } } } } }' }) },
  { name: 'pendingIncomingTransactions', need: 'read', build: async () => ({ query: '{ me { defaultAccount { pendingIncomingTransactions { id } wallets { pendingIncomingTransactions { id } } } } }' }) },
  {
    name: 'transactionById',
    need: 'read',
    build: async (h, c) => {
      const [entry] = await h.stack.database.db.query<{ id: string }>('SELECT id::text FROM ledger_entries WHERE wallet_id = $1 ORDER BY id LIMIT 1', [c.user.btcWalletId]);
      assert.ok(entry, 'the user was funded');
      return { query: 'query($w: WalletId!, $t: ID!) { me { defaultAccount { walletById(walletId: $w) { transactionById(transactionId: $t) { id settlementAmount } } } } }', variables: { w: c.user.btcWalletId, t: entry.id } };
    },
  },
  { name: 'csvTransactions', need: 'read', build: async (_h, c) => ({ query: 'query($w: WalletId!) { me { defaultAccount { csvTransactions(walletIds: [$w]) } } }', variables: { w: c.user.btcWalletId } }) },
  { name: 'me', need: 'read', build: async () => ({ query: '{ me { id username } }' }) },
  { name: 'defaultAccount', need: 'read', build: async () => ({ query: '{ me { defaultAccount { id defaultWalletId displayCurrency } } }' }) },
  { name: 'wallets balance', need: 'read', build: async () => ({ query: '{ me { defaultAccount { wallets { id walletCurrency balance } } } }' }) },
  { name: 'transactions', need: 'read', build: async () => ({ query: '{ me { defaultAccount { transactions(first: 5) { edges { node { id settlementAmount } } pageInfo { hasNextPage } } } } }' }) },
  { name: 'walletById', need: 'read', build: async (_h, c) => ({ query: 'query($w: WalletId!) { me { defaultAccount { walletById(walletId: $w) { id balance } } } }', variables: { w: c.user.btcWalletId } }) },
  { name: 'authorization', need: 'read', build: async () => ({ query: '{ authorization { scopes } }' }) },
  { name: 'apiKeys', need: 'read', firstPartyOnly: true, build: async () => ({ query: '{ me { apiKeys { id name scopes } } }' }) },
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
  {
    name: 'lnNoAmountUsdInvoicePaymentSend',
    need: 'write',
    mutation: true,
    build: async (h, c) => ({
      query: 'mutation($w: WalletId!, $r: LnPaymentRequest!) { lnNoAmountUsdInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r, amount: 3 }) { status errors { code } } }',
      variables: { w: c.user.usdWalletId, r: (await invoiceFor(h, c.merchant, { kind: 'none' })).paymentRequest },
    }),
  },
  ...(
    [
      ['lnInvoiceFeeProbe', 'btcWalletId', 'sats', ''],
      ['lnNoAmountInvoiceFeeProbe', 'btcWalletId', 'none', ', amount: 50'],
      ['lnUsdInvoiceFeeProbe', 'usdWalletId', 'sats', ''],
      ['lnNoAmountUsdInvoiceFeeProbe', 'usdWalletId', 'none', ', amount: 5'],
    ] as const
  ).map(([name, wallet, kind, amount]): Operation => ({
    name,
    need: 'write',
    mutation: true,
    build: async (h, c) => ({
      query: `mutation($w: WalletId!, $r: LnPaymentRequest!) { ${name}(input: { walletId: $w, paymentRequest: $r${amount} }) { amount errors { code } } }`,
      variables: { w: c.user[wallet], r: (await invoiceFor(h, c.merchant, kind === 'sats' ? { kind: 'sats', sats: 100 } : { kind: 'none' })).paymentRequest },
    }),
  })),
  {
    name: 'lnAddressPaymentSend',
    need: 'write',
    mutation: true,
    build: async (h, c) => ({ query: 'mutation($w: WalletId!, $to: String!) { lnAddressPaymentSend(input: { walletId: $w, lnAddress: $to, amount: 12 }) { status errors { code } } }', variables: { w: c.user.btcWalletId, to: `merchant_1@${new URL(h.stack.config.urls.api).hostname}` } }),
  },
  {
    name: 'lnurlPaymentSend',
    need: 'write',
    mutation: true,
    build: async (h, c) => ({ query: 'mutation($w: WalletId!, $to: String!) { lnurlPaymentSend(input: { walletId: $w, lnurl: $to, amount: 13 }) { status errors { code } } }', variables: { w: c.user.btcWalletId, to: `${h.stack.config.urls.api}/.well-known/lnurlp/merchant_1` } }),
  },
  { name: 'userUpdateUsername', need: 'write', mutation: true, firstPartyOnly: true, build: async (_h, c) => ({ query: 'mutation($u: Username!) { userUpdateUsername(input: { username: $u }) { user { username } errors { code } } }', variables: { u: `u_${c.user.userId.slice(0, 8)}` } }) },
  {
    name: 'accountUpdateDefaultWalletId',
    need: 'write',
    mutation: true,
    build: async (_h, c) => ({ query: 'mutation($w: WalletId!) { accountUpdateDefaultWalletId(input: { walletId: $w }) { errors { code } } }', variables: { w: c.user.usdWalletId } }),
  },
  { name: 'accountUpdateDisplayCurrency', need: 'write', mutation: true, build: async () => ({ query: 'mutation { accountUpdateDisplayCurrency(input: { currency: "EUR" }) { errors { code } } }' }) },
  { name: 'apiKeyCreate', need: 'write', mutation: true, firstPartyOnly: true, build: async () => ({ query: 'mutation { apiKeyCreate(input: { name: "table", scopes: [WRITE] }) { apiKey { id } apiKeySecret } }' }) },
  {
    name: 'apiKeyRevoke',
    need: 'write',
    mutation: true,
    firstPartyOnly: true,
    build: async (h, c) => {
      const victim = await createApiKey(h.stack.database.db, { userId: c.user.userId, name: 'victim', scopes: ['read'], callerScopes: new Set(ALL_SCOPES) });
      assert.ok(victim.ok);
      return { query: 'mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { apiKey { revoked } } }', variables: { id: victim.value.apiKey.id } };
    },
  },
  // Callback endpoints (issue 14): the endpoint acted on is registered by the harness's OAuth app (once it
  // exists), so that the app's token may act on it as well as the account holder (session, API key).
  { name: 'callbackEndpointAdd', need: 'read write', mutation: true, build: async () => ({ query: 'mutation { callbackEndpointAdd(input: { url: "http://127.0.0.1:9/hook" }) { id secret errors { code } } }' }) },
  {
    name: 'callbackEndpointDelete',
    need: 'read write',
    mutation: true,
    build: async (h, c) => ({ query: 'mutation($id: EndpointId!) { callbackEndpointDelete(input: { id: $id }) { success errors { code } } }', variables: { id: await appEndpoint(h, c.user) } }),
  },
  {
    name: 'callbackEndpointSecretRotate',
    need: 'read write',
    mutation: true,
    build: async (h, c) => ({ query: 'mutation($id: EndpointId!) { callbackEndpointSecretRotate(input: { id: $id }) { id secret errors { code } } }', variables: { id: await appEndpoint(h, c.user) } }),
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
  // The account's email address: the account holder's session only. Each build sets the state the call needs to succeed.
  {
    name: 'userEmailDelete',
    need: 'write',
    mutation: true,
    firstPartyOnly: true,
    build: async (h, c) => {
      await withAddresses(h, c.user, { email: true });
      return { query: 'mutation { userEmailDelete { me { id } errors { code } } }' };
    },
  },
  {
    name: 'userEmailRegistrationInitiate',
    need: 'write',
    mutation: true,
    firstPartyOnly: true,
    build: async (h, c) => {
      await withAddresses(h, c.user, { email: false });
      return { query: 'mutation($e: EmailAddress!) { userEmailRegistrationInitiate(input: { email: $e }) { emailRegistrationId me { id } errors { code } } }', variables: { e: `new-${randomUUID()}@example.com` } };
    },
  },
  {
    name: 'userEmailRegistrationValidate',
    need: 'write',
    mutation: true,
    firstPartyOnly: true,
    build: async (h, c) => {
      await withAddresses(h, c.user, { email: false });
      const id = randomUUID();
      await h.stack.database.db.query("INSERT INTO email_registrations (id, user_id, email, code_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, now() + interval '10 minutes', now())", [
        id,
        c.user.userId,
        `new-${id}@example.com`,
        codeHash(h.stack.config.secrets.system[0]!, id, '123456'),
      ]);
      return { query: 'mutation($id: EmailRegistrationId!) { userEmailRegistrationValidate(input: { emailRegistrationId: $id, code: "123456" }) { me { id } errors { code } } }', variables: { id } };
    },
  },
  // Last: it ends a session credential.
  { name: 'userLogout', need: 'write', mutation: true, build: async () => ({ query: 'mutation { userLogout(input: { deviceToken: "d" }) { success errors { code } } }' }) },
];

/** The user with a phone number (so that the email may go) and with or without an email; per-user limits reset. */
async function withAddresses(h: Harness, u: TestUser, want: { email: boolean }): Promise<void> {
  const db = h.stack.database.db;
  await db.query("UPDATE users SET phone = coalesce(phone, '+1' || lpad((floor(random() * 1e10))::bigint::text, 10, '1')) WHERE id = $1", [u.userId]);
  await db.query(want.email ? 'UPDATE users SET email = coalesce(email, $2) WHERE id = $1' : 'UPDATE users SET email = NULL WHERE id = $1', want.email ? [u.userId, `back-${randomUUID()}@example.com`] : [u.userId]);
  await db.query("DELETE FROM rate_limits WHERE key LIKE 'identity:email-reg%'");
}

export const allowed = (need: Need, scopes: ReadonlySet<Scope>): boolean =>
  need === 'public' ||
  (need === 'read' && scopes.has('read')) ||
  (need === 'receive' && (scopes.has('receive') || scopes.has('write'))) ||
  (need === 'write' && scopes.has('write')) ||
  (need === 'read write' && scopes.has('read') && scopes.has('write'));
/** A callback endpoint of the user's account, registered by the harness's OAuth app when it exists (else by the holder). */
async function appEndpoint(h: Harness, user: TestUser): Promise<string> {
  let clientId: string | null = null;
  try {
    clientId = h.oauthClientId();
  } catch {
    clientId = null;
  }
  const [row] = await h.stack.database.db.query<{ id: string }>(
    `INSERT INTO webhook_endpoints (id, account_id, client_id, url, secret_sealed)
     SELECT gen_random_uuid(), account_id, $2, 'http://127.0.0.1:9/hook', 'not-a-secret' FROM wallets WHERE id = $1 RETURNING id`,
    [user.btcWalletId, clientId],
  );
  return row!.id;
}

/** An X-API-KEY with exactly these scopes, stored directly so that the empty list (which apiKeyCreate refuses) is covered too. */
export async function storedApiKey(h: Harness, u: TestUser, scopes: Scope[]): Promise<Record<string, string>> {
  const k = generateApiKey();
  await h.stack.database.db.query('INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scopes) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)', [u.userId, 'table', k.prefix, k.hash, scopes]);
  return apiKey(k.key);
}

