// Resolvers: thin. Each top-level field checks its scope first, then calls one use case and maps its
// error values to Blink's payload errors ({ code, message, path }).
import type { GraphQLFieldResolver } from 'graphql';
import { createApiKey } from '../../api-keys/app/create-api-key.ts';
import { listApiKeys } from '../../api-keys/app/api-key-store.ts';
import { revokeApiKey } from '../../api-keys/app/revoke-api-key.ts';
import { ALL_SCOPES, type Scope } from '../../api-keys/domain/scopes.ts';
import { IDENTITY_ERROR_MESSAGES, type IdentityError } from '../../identity/domain/errors.ts';
import type { UserId, WalletId } from '../../shared/brand.ts';
import { createRateLimiter } from '../../shared/rate-limiter.ts';
import type { Result } from '../../shared/result.ts';
import { cancelInvoice } from '../../wallet/app/cancel-invoice.ts';
import { createInvoice, type CreateInvoiceInput, type Invoice } from '../../wallet/app/create-invoice.ts';
import { invoiceStatus, INVOICE_COLUMNS, toInvoice, type InvoiceRow } from '../../wallet/app/invoice-status.ts';
import { listTransactions, transactionOfJournal, transactionsByPaymentHash } from '../../wallet/app/list-transactions.ts';
import { onChainAddress } from '../../wallet/app/onchain-address.ts';
import { payInvoice } from '../../wallet/app/pay-invoice.ts';
import { sendIntraLedger, type PaymentOutcome } from '../../wallet/app/send-intraledger.ts';
import { updateDefaultWallet, updateDisplayCurrency } from '../../wallet/app/update-account-settings.ts';
import { updateUsername, usernameAvailable } from '../../wallet/app/update-username.ts';
import { DISPLAY_CURRENCIES } from '../../wallet/domain/currencies.ts';
import { walletError, type WalletError } from '../../wallet/domain/errors.ts';
import { findAccountByUsername, listWallets, type Account, type Wallet } from '../../wallet/services/accounts.ts';
import { accountOf, gqlError, requireScope, walletsOf, type ApiContext } from './context.ts';
import { apiKeyNode, invoiceNode, publicWallet, realtimePrice, transactionNode, walletNode } from './nodes.ts';

type Args = Record<string, unknown>;
type Input = Record<string, unknown>;
type Resolver = GraphQLFieldResolver<unknown, ApiContext, Args>;
export type ResolverMap = Record<string, Record<string, Resolver>>;

const appError = (e: { code: string; message: string }) => ({ __typename: 'GraphQLApplicationError', code: e.code, message: e.message, path: null });
const failed = (e: { code: string; message: string }) => ({ errors: [appError(e)] });
const input = (args: Args): Input => (args.input ?? {}) as Input;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

// ---- helpers for mutations ----------------------------------------------------------------------

async function caller(ctx: ApiContext, ...scopes: Scope[]) {
  const principal = requireScope(ctx, ...scopes);
  return { principal, account: await accountOf(ctx, principal) };
}

async function paymentPayload(ctx: ApiContext, result: Result<PaymentOutcome, WalletError>) {
  if (!result.ok) return { ...failed(result.error), status: 'FAILURE', transaction: null };
  const { walletId, journalId } = result.value;
  // Read only when the client selects it (graphql-js calls a function-valued field): one query less per payment otherwise.
  const transaction = async () => {
    const tx = await transactionOfJournal(ctx.services.wallet.db, walletId, journalId);
    return tx ? transactionNode(tx, await ctx.services.wallet.price.btcUsdCents()) : null;
  };
  return { errors: [], status: result.value.status, transaction };
}

const invoicePayload = (result: Result<Invoice, WalletError>) => (result.ok ? { errors: [], invoice: invoiceNode(result.value) } : { ...failed(result.error), invoice: null });

async function accountPayload(ctx: ApiContext, result: Result<unknown, WalletError>) {
  if (!result.ok) return { ...failed(result.error), account: null };
  delete ctx.memo.account;
  delete ctx.memo.wallets;
  return { errors: [], account: await accountOf(ctx, ctx.principal!) };
}

/**
 * The public …OnBehalfOfRecipient mutations need no credential, so anyone can ask for invoices to any
 * wallet: they are counted per recipient wallet in the database (issue 19 #1), only for wallets that exist.
 */
function recipientLimit(ctx: ApiContext): CreateInvoiceInput['admit'] {
  const { perWindow, windowSeconds } = ctx.services.config.recipientInvoiceLimit;
  if (perWindow === 0) return undefined;
  const limiter = createRateLimiter(ctx.services.wallet.db, { prefix: 'invoice-recipient', limit: perWindow, windowSeconds });
  return async (wallet) => {
    const { allowed, retryAfter } = await limiter.hit(wallet.id);
    return allowed ? undefined : walletError('TOO_MANY_REQUESTS', `Too many invoices for this wallet; retry in ${retryAfter} s`);
  };
}

function createInvoiceWith(scopes: Scope[] | 'public', build: (i: Input) => Omit<CreateInvoiceInput, 'ownerAccountId'>): Resolver {
  return async (_root, args, ctx) => {
    const i = input(args);
    if (scopes === 'public') return invoicePayload(await createInvoice(ctx.services.wallet, { ...build(i), admit: recipientLimit(ctx) }));
    const { account } = await caller(ctx, ...scopes);
    return invoicePayload(await createInvoice(ctx.services.wallet, { ...build(i), ownerAccountId: account.id }));
  };
}

/** intraLedgerPaymentSend and its USD twin: the same send, by the sending wallet's currency. */
function intraLedgerSend(currency: 'BTC' | 'USD'): Resolver {
  return async (_root, args, ctx) => {
    const { account } = await caller(ctx, ...WRITE);
    const i = input(args);
    const send = { accountId: account.id, walletId: String(i.walletId), recipientWalletId: String(i.recipientWalletId), amount: Number(i.amount), currency, memo: str(i.memo), idempotencyKey: ctx.idempotencyKey };
    return paymentPayload(ctx, await sendIntraLedger(ctx.services.wallet, send));
  };
}

/** lnNoAmountInvoicePaymentSend and its USD twin: the payer sets the amount in the sending wallet's currency. */
function noAmountInvoiceSend(requiredCurrency: 'BTC' | 'USD'): Resolver {
  return async (_root, args, ctx) => {
    const { account } = await caller(ctx, ...WRITE);
    const i = input(args);
    const pay = { accountId: account.id, walletId: String(i.walletId), paymentRequest: String(i.paymentRequest), amount: Number(i.amount), requiredCurrency, memo: str(i.memo), idempotencyKey: ctx.idempotencyKey };
    return paymentPayload(ctx, await payInvoice(ctx.services.wallet, pay));
  };
}

function pageArgs(args: Args) {
  if (args.last != null || args.before != null) throw gqlError('Only forward pagination (first/after) is supported', 'INVALID_INPUT');
  return { first: num(args.first), after: str(args.after) };
}

async function transactionsOf(ctx: ApiContext, walletIds: WalletId[], args: Args) {
  const page = await listTransactions(ctx.services.wallet.db, walletIds, pageArgs(args));
  if (!page.ok) throw gqlError(page.error.message, page.error.code);
  const price = await ctx.services.wallet.price.btcUsdCents();
  return { pageInfo: page.value.pageInfo, edges: page.value.edges.map((e) => ({ cursor: e.cursor, node: transactionNode(e.node, price) })) };
}

/** The identity record behind `me`, read once per request. */
function userOf(ctx: ApiContext, user: unknown) {
  ctx.memo.user ??= ctx.services.identity.getUser((user as { id: UserId }).id);
  return ctx.memo.user;
}

/**
 * The account holder's own session, nothing else, whatever the scopes: a third-party app or an API key
 * must never mint, list or revoke credentials, change the second factor or set the permanent username
 * (issue 11 #5, issue 19 #15). Each could outlive the app's revocation, lock the user out or take over
 * the account's identity.
 */
function firstPartyPrincipal(ctx: ApiContext, scope: Scope, what: string) {
  const principal = requireScope(ctx, scope);
  if (principal.kind !== 'session') {
    throw gqlError(`${what} by the account holder in a first-party session (the wallet app or the developer portal)`, 'FIRST_PARTY_ONLY');
  }
  return principal;
}

async function firstPartyCaller(ctx: ApiContext, what = 'Two-step verification is changed') {
  const principal = firstPartyPrincipal(ctx, 'write', what);
  return { principal, account: await accountOf(ctx, principal) };
}

const identityFailure = (e: IdentityError) => failed({ code: e.code.toUpperCase(), message: IDENTITY_ERROR_MESSAGES[e.code] });

/** `me` after a change of the second factor: totpEnabled read again. */
function freshMe(ctx: ApiContext, c: Awaited<ReturnType<typeof firstPartyCaller>>) {
  delete ctx.memo.user;
  return { id: c.principal.userId, account: c.account };
}

// ---- the map --------------------------------------------------------------------------------------

const RECEIVE: Scope[] = ['receive', 'write'];
const WRITE: Scope[] = ['write'];

export const resolvers: ResolverMap = {
  Query: {
    globals: (_r, _a, ctx) => ({
      network: ctx.services.wallet.node.network,
      nodesIds: [ctx.services.wallet.node.publicKeyHex],
      lightningAddressDomain: new URL(ctx.services.config.urls.api).hostname,
      lightningAddressDomainAliases: [],
      buildInformation: { commitHash: null, helmRevision: null },
    }),
    currencyList: () => DISPLAY_CURRENCIES,
    realtimePrice: async (_r, args, ctx) => {
      if (args.currency !== undefined && args.currency !== 'USD') throw gqlError('Only USD prices are available', 'INVALID_INPUT');
      return realtimePrice(ctx);
    },
    accountDefaultWallet: async (_r, args, ctx) => {
      const account = await findAccountByUsername(ctx.services.wallet.db, String(args.username));
      if (!account) throw gqlError('No account with this username', 'NOT_FOUND');
      const wallets = await listWallets(ctx.services.wallet.db, account.id);
      const wanted = args.walletCurrency ? wallets.find((w) => w.currency === args.walletCurrency) : wallets.find((w) => w.id === account.defaultWalletId);
      if (!wanted) throw gqlError('No such wallet', 'NOT_FOUND');
      return publicWallet(wanted);
    },
    usernameAvailable: (_r, args, ctx) => usernameAvailable(ctx.services.wallet.db, String(args.username)),
    lnInvoicePaymentStatus: async (_r, args, ctx) => {
      const s = await invoiceStatus(ctx.services.wallet.db, { paymentRequest: str(input(args).paymentRequest) ?? '' });
      return s.ok ? { errors: [], ...s.value } : failed(s.error);
    },
    lnInvoicePaymentStatusByHash: async (_r, args, ctx) => {
      const s = await invoiceStatus(ctx.services.wallet.db, { paymentHash: str(input(args).paymentHash) ?? '' });
      if (!s.ok) throw gqlError(s.error.message, s.error.code);
      return s.value;
    },
    lnInvoicePaymentStatusByPaymentRequest: async (_r, args, ctx) => {
      const s = await invoiceStatus(ctx.services.wallet.db, { paymentRequest: str(input(args).paymentRequest) ?? '' });
      if (!s.ok) throw gqlError(s.error.message, s.error.code);
      return s.value;
    },
    me: async (_r, _a, ctx) => {
      const { principal, account } = await caller(ctx, 'read');
      return { id: principal.userId, account };
    },
    authorization: (_r, _a, ctx) => {
      const principal = requireScope(ctx, 'read');
      return { scopes: ALL_SCOPES.filter((s) => principal.scopes.has(s)).map((s) => s.toUpperCase()) };
    },
  },

  User: {
    defaultAccount: (user) => ({ __typename: 'ConsumerAccount', ...(user as { account: Account }).account }),
    createdAt: async (user, _a, ctx) => (await userOf(ctx, user))?.createdAt ?? (user as { account: Account }).account.createdAt,
    email: async (user, _a, ctx) => {
      const u = await userOf(ctx, user);
      return u?.email ? { address: u.email, verified: true } : null;
    },
    phone: async (user, _a, ctx) => (await userOf(ctx, user))?.phone ?? null,
    totpEnabled: async (user, _a, ctx) => (await userOf(ctx, user))?.totpEnabled ?? false,
    username: (user) => (user as { account: Account }).account.username,
    apiKeys: async (user, _a, ctx) => {
      firstPartyPrincipal(ctx, 'read', 'API keys are listed');
      return (await listApiKeys(ctx.services.wallet.db, (user as { id: UserId }).id)).map(apiKeyNode);
    },
  },

  ConsumerAccount: {
    defaultWallet: async (account, _a, ctx) => {
      const a = account as Account;
      const w = (await walletsOf(ctx, a)).find((x) => x.id === a.defaultWalletId);
      return publicWallet(w ?? { id: a.defaultWalletId, currency: 'BTC' });
    },
    level: () => 'ONE',
    realtimePrice: (_a, _args, ctx) => realtimePrice(ctx),
    wallets: async (account, _a, ctx) => (await walletsOf(ctx, account as Account)).map(walletNode),
    walletById: async (account, args, ctx) => {
      const w = (await walletsOf(ctx, account as Account)).find((x) => x.id === args.walletId);
      if (!w) throw gqlError('The wallet does not belong to this account', 'INVALID_WALLET_ID');
      return walletNode(w);
    },
    transactions: async (account, args, ctx) => {
      const own = (await walletsOf(ctx, account as Account)).map((w) => w.id);
      const requested = (args.walletIds as (string | null)[] | undefined)?.filter((x): x is string => typeof x === 'string');
      if (requested && requested.some((id) => !own.includes(id as WalletId))) throw gqlError('The wallet does not belong to this account', 'INVALID_WALLET_ID');
      return transactionsOf(ctx, requested?.length ? (requested as WalletId[]) : own, args);
    },
  },

  BTCWallet: {},
  UsdWallet: {},

  Mutation: {
    intraLedgerPaymentSend: intraLedgerSend('BTC'),
    intraLedgerUsdPaymentSend: intraLedgerSend('USD'),
    lnInvoicePaymentSend: async (_r, args, ctx) => {
      const { account } = await caller(ctx, ...WRITE);
      const i = input(args);
      return paymentPayload(
        ctx,
        await payInvoice(ctx.services.wallet, { accountId: account.id, walletId: String(i.walletId), paymentRequest: String(i.paymentRequest), memo: str(i.memo), idempotencyKey: ctx.idempotencyKey }),
      );
    },
    lnNoAmountInvoicePaymentSend: noAmountInvoiceSend('BTC'),
    lnNoAmountUsdInvoicePaymentSend: noAmountInvoiceSend('USD'),
    lnInvoiceCreate: createInvoiceWith(RECEIVE, (i) => ({
      walletId: String(i.walletId),
      requiredCurrency: 'BTC',
      amount: { kind: 'sats', sats: Number(i.amount) },
      memo: str(i.memo),
      expiresInMinutes: num(i.expiresIn),
      externalId: str(i.externalId),
    })),
    lnUsdInvoiceCreate: createInvoiceWith(RECEIVE, (i) => ({
      walletId: String(i.walletId),
      requiredCurrency: 'USD',
      amount: { kind: 'cents', cents: Number(i.amount) },
      memo: str(i.memo),
      expiresInMinutes: num(i.expiresIn),
      externalId: str(i.externalId),
    })),
    lnNoAmountInvoiceCreate: createInvoiceWith(RECEIVE, (i) => ({
      walletId: String(i.walletId),
      amount: { kind: 'none' },
      memo: str(i.memo),
      expiresInMinutes: num(i.expiresIn),
      externalId: str(i.externalId),
    })),
    lnInvoiceCreateOnBehalfOfRecipient: createInvoiceWith('public', (i) => ({
      walletId: String(i.recipientWalletId),
      requiredCurrency: 'BTC',
      amount: { kind: 'sats', sats: Number(i.amount) },
      memo: str(i.memo),
      expiresInMinutes: num(i.expiresIn),
      externalId: str(i.externalId),
      descriptionHash: str(i.descriptionHash),
    })),
    lnUsdInvoiceCreateOnBehalfOfRecipient: createInvoiceWith('public', (i) => ({
      walletId: String(i.recipientWalletId),
      requiredCurrency: 'USD',
      amount: { kind: 'cents', cents: Number(i.amount) },
      memo: str(i.memo),
      expiresInMinutes: num(i.expiresIn),
      externalId: str(i.externalId),
      descriptionHash: str(i.descriptionHash),
    })),
    lnNoAmountInvoiceCreateOnBehalfOfRecipient: createInvoiceWith('public', (i) => ({
      walletId: String(i.recipientWalletId),
      amount: { kind: 'none' },
      memo: str(i.memo),
      expiresInMinutes: num(i.expiresIn),
      externalId: str(i.externalId),
    })),
    lnInvoiceCancel: async (_r, args, ctx) => {
      const { account } = await caller(ctx, ...RECEIVE);
      const i = input(args);
      const result = await cancelInvoice(ctx.services.wallet, { accountId: account.id, walletId: String(i.walletId), paymentHash: String(i.paymentHash) });
      return result.ok ? { errors: [], success: true } : { ...failed(result.error), success: false };
    },
    onChainAddressCreate: async (_r, args, ctx) => {
      const { account } = await caller(ctx, ...RECEIVE);
      const result = await onChainAddress(ctx.services.wallet, { accountId: account.id, walletId: String(input(args).walletId), fresh: true });
      return result.ok ? { errors: [], address: result.value } : { ...failed(result.error), address: null };
    },
    onChainAddressCurrent: async (_r, args, ctx) => {
      const { account } = await caller(ctx, ...RECEIVE);
      const result = await onChainAddress(ctx.services.wallet, { accountId: account.id, walletId: String(input(args).walletId), fresh: false });
      return result.ok ? { errors: [], address: result.value } : { ...failed(result.error), address: null };
    },
    userUpdateUsername: async (_r, args, ctx) => {
      // The username is permanent and is how others pay the account: not for an app to choose.
      const { principal, account } = await firstPartyCaller(ctx, 'The username is set');
      const result = await updateUsername(ctx.services.wallet.db, account.id, String(input(args).username));
      if (!result.ok) return { ...failed(result.error), user: null };
      return { errors: [], user: { id: principal.userId, account: { ...account, username: result.value } } };
    },
    accountUpdateDefaultWalletId: async (_r, args, ctx) => {
      const { account } = await caller(ctx, ...WRITE);
      return accountPayload(ctx, await updateDefaultWallet(ctx.services.wallet.db, account.id, String(input(args).walletId)));
    },
    accountUpdateDisplayCurrency: async (_r, args, ctx) => {
      const { account } = await caller(ctx, ...WRITE);
      return accountPayload(ctx, await updateDisplayCurrency(ctx.services.wallet.db, account.id, String(input(args).currency)));
    },
    apiKeyCreate: async (_r, args, ctx) => {
      // An API key outlives the credential that made it: a third-party app (or another key) could keep access after
      // the user revokes it. Only the account holder's own session mints keys.
      const { principal } = await firstPartyCaller(ctx, 'API keys are created');
      const i = input(args);
      const scopes = ((i.scopes as string[] | undefined) ?? ['READ', 'WRITE']).map((s) => s.toLowerCase() as Scope);
      const created = await createApiKey(ctx.services.wallet.db, {
        userId: principal.userId,
        name: String(i.name ?? ''),
        scopes,
        expireInDays: num(i.expireInDays) ?? null,
        callerScopes: principal.scopes,
      });
      if (!created.ok) throw gqlError(created.error.message, created.error.code);
      return { apiKey: apiKeyNode(created.value.apiKey), apiKeySecret: created.value.secret };
    },
    apiKeyRevoke: async (_r, args, ctx) => {
      const principal = firstPartyPrincipal(ctx, 'write', 'API keys are revoked');
      const revoked = await revokeApiKey(ctx.services.wallet.db, principal.userId, String(input(args).id));
      if (!revoked.ok) throw gqlError(revoked.error.message, revoked.error.code);
      return { apiKey: apiKeyNode(revoked.value) };
    },
    userTotpRegistrationInitiate: async (_r, _args, ctx) => {
      const c = await firstPartyCaller(ctx);
      const started = await ctx.services.identity.initiateTotp(c.principal.userId);
      if (!started.ok) return { ...identityFailure(started.error), totpRegistrationId: null, totpSecret: null };
      return { errors: [], totpRegistrationId: started.value.totpRegistrationId, totpSecret: started.value.totpSecret };
    },
    userTotpRegistrationValidate: async (_r, args, ctx) => {
      const c = await firstPartyCaller(ctx);
      const i = input(args);
      // Blink's optional input.authToken is not needed: the caller's session is the credential.
      const confirmed = await ctx.services.identity.confirmTotp({ userId: c.principal.userId, totpRegistrationId: i.totpRegistrationId, totpCode: i.totpCode });
      if (!confirmed.ok) return { ...identityFailure(confirmed.error), me: null };
      return { errors: [], me: freshMe(ctx, c) };
    },
    userTotpDelete: async (_r, _args, ctx) => {
      const c = await firstPartyCaller(ctx);
      // Blink's userTotpDelete takes no code: the session, which itself passed TOTP at sign-in, suffices.
      const deleted = await ctx.services.identity.disableTotp({ userId: c.principal.userId });
      if (!deleted.ok) return { ...identityFailure(deleted.error), me: null };
      return { errors: [], me: freshMe(ctx, c) };
    },
    userLogout: async (_r, _args, ctx) => {
      const principal = requireScope(ctx, ...WRITE);
      // A first-party session ends here; OAuth grants are revoked at the auth server, API keys by apiKeyRevoke.
      if (principal.kind === 'session' && principal.sessionToken) await ctx.services.identity.logout(principal.sessionToken);
      return { errors: [], success: true };
    },
  },
};

/** Wallet fields (both wallet types). Wallet objects are only reached through the caller's own account. */
const walletFields: Record<string, Resolver> = {
  walletCurrency: (w) => (w as Wallet).currency,
  pendingIncomingBalance: () => 0,
  transactions: async (w, args, ctx) => {
    return transactionsOf(ctx, [(w as Wallet).id], args);
  },
  transactionsByPaymentHash: async (w, args, ctx) => {
    const price = await ctx.services.wallet.price.btcUsdCents();
    return (await transactionsByPaymentHash(ctx.services.wallet.db, [(w as Wallet).id], String(args.paymentHash))).map((t) => transactionNode(t, price));
  },
  invoiceByPaymentHash: async (w, args, ctx) => {
    const [row] = await ctx.services.wallet.db.query<InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM ln_invoices WHERE payment_hash = $1 AND wallet_id = $2`, [
      String(args.paymentHash),
      (w as Wallet).id,
    ]);
    if (!row) throw gqlError('No such invoice in this wallet', 'INVOICE_NOT_FOUND');
    return invoiceNode(toInvoice(row));
  },
};
resolvers.BTCWallet = walletFields;
resolvers.UsdWallet = walletFields;
