// Resolvers: thin. Each top-level field checks its scope first, then calls one use case and maps its
// error values to Blink's payload errors ({ code, message, path }). `read` on the data itself is
// checked by read-guard.ts; invoices and the account's identity have their own files.
import { ALL_SCOPES } from '../scopes.ts';
import type { UserId, WalletId } from '../../shared/brand.ts';
import type { Result } from '../../shared/result.ts';
import { invoiceStatus, walletInvoice } from '../../wallet/app/invoice-status.ts';
import { listTransactions, transactionOfJournal, transactionsByPaymentHash } from '../../wallet/app/list-transactions.ts';
import { onChainAddress } from '../../wallet/app/onchain-address.ts';
import { payInvoice } from '../../wallet/app/pay-invoice.ts';
import { sendIntraLedger, type PaymentOutcome } from '../../wallet/app/send-intraledger.ts';
import { updateDefaultWallet, updateDisplayCurrency } from '../../wallet/app/update-account-settings.ts';
import { usernameAvailable } from '../../wallet/app/update-username.ts';
import { DISPLAY_CURRENCIES } from '../../wallet/domain/currencies.ts';
import type { WalletError } from '../../wallet/domain/errors.ts';
import { findAccountByUsername, listWallets, type Account, type Wallet } from '../../wallet/services/accounts.ts';
import { accountOf, gqlError, requireScope, walletsOf, type ApiContext } from './context.ts';
import { apiKeysOfUser, identityMutations } from './identity-resolvers.ts';
import { invoiceMutations } from './invoice-resolvers.ts';
import { caller, failed, input, num, RECEIVE, str, WRITE, type Args, type Resolver, type ResolverMap } from './resolver-kit.ts';
import { invoiceNode, publicWallet, realtimePrice, transactionNode, walletNode } from './nodes.ts';

// ---- helpers for mutations ----------------------------------------------------------------------

async function paymentPayload(ctx: ApiContext, result: Result<PaymentOutcome, WalletError>) {
  if (!result.ok) return { ...failed(result.error), status: 'FAILURE', transaction: null };
  const { walletId, journalId, priceCents, transaction: posted } = result.value;
  // A repeat (idempotent or already paid) reads its transaction only when the client selects it.
  const transaction = async () => {
    const tx = posted ?? (await transactionOfJournal(ctx.services.wallet.db, walletId, journalId));
    return tx ? transactionNode(tx, priceCents) : null;
  };
  return { errors: [], status: result.value.status, transaction };
}

async function accountPayload(ctx: ApiContext, result: Result<unknown, WalletError>) {
  if (!result.ok) return { ...failed(result.error), account: null };
  delete ctx.memo.account;
  delete ctx.memo.wallets;
  return { errors: [], account: await accountOf(ctx, ctx.principal!) };
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

// ---- the map --------------------------------------------------------------------------------------

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
    apiKeys: apiKeysOfUser,
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
    ...invoiceMutations,
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
    accountUpdateDefaultWalletId: async (_r, args, ctx) => {
      const { account } = await caller(ctx, ...WRITE);
      return accountPayload(ctx, await updateDefaultWallet(ctx.services.wallet.db, account.id, String(input(args).walletId)));
    },
    accountUpdateDisplayCurrency: async (_r, args, ctx) => {
      const { account } = await caller(ctx, ...WRITE);
      return accountPayload(ctx, await updateDisplayCurrency(ctx.services.wallet.db, account.id, String(input(args).currency)));
    },
    ...identityMutations,
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
    const invoice = await walletInvoice(ctx.services.wallet.db, (w as Wallet).id, String(args.paymentHash));
    if (!invoice.ok) throw gqlError(invoice.error.message, invoice.error.code);
    return invoiceNode(invoice.value);
  },
};
resolvers.BTCWallet = walletFields;
resolvers.UsdWallet = walletFields;
