// Account area types: the user behind `me`, the consumer account, display currencies and the account payloads.
import { walletsOf, type ApiContext, type FieldMap, type ResolverMap } from '../context.ts';
import type { WalletId } from '../../../shared/brand.ts';
import { gqlError, valueOrThrow } from '../error-map.ts';
import { accountNode, publicWallet, realtimePriceNode, walletNode, type AccountSource, type UserSource } from '../mappers.ts';
import { invoicePage } from './invoices.ts';
import { transactionPage, type PageArgs } from './payments.ts';

const accountFieldsSdl = `
  id: ID!
  callbackPortalUrl: String!
  csvTransactions(walletIds: [WalletId!]!): String!
  defaultWalletId: WalletId!
  defaultWallet: PublicWallet!
  displayCurrency: DisplayCurrency!
  invoices(after: String, before: String, first: Int, last: Int, walletIds: [WalletId]): InvoiceConnection
  level: AccountLevel!
  limits: AccountLimits!
  pendingIncomingTransactions(walletIds: [WalletId]): [Transaction!]!
  realtimePrice: RealtimePrice!
  transactions(after: String, before: String, first: Int, last: Int, walletIds: [WalletId]): TransactionConnection
  walletById(walletId: WalletId!): Wallet!
  wallets: [Wallet!]!`;

export const sdl = /* GraphQL */ `
type Authorization { scopes: [Scope!]! }
type Currency { flag: String! fractionDigits: Int! id: ID! name: String! symbol: String! }

type User {
  id: ID!
  createdAt: Timestamp!
  defaultAccount: Account!
  email: Email
  """Preferred language; "" (the default) means the device's own: Lightgate keeps no preference."""
  language: Language!
  phone: Phone
  totpEnabled: Boolean!
  username: Username
  apiKeys: [ApiKey!]!
}
type Email { address: EmailAddress verified: Boolean }

interface Account {${accountFieldsSdl}
}
type ConsumerAccount implements Account {${accountFieldsSdl}
}

type SuccessPayload { errors: [Error!]! success: Boolean }
type UserUpdateUsernamePayload { errors: [Error!]! user: User }
type AccountUpdateDefaultWalletIdPayload { account: ConsumerAccount errors: [Error!]! }
type AccountUpdateDisplayCurrencyPayload { account: ConsumerAccount errors: [Error!]! }
input UserUpdateUsernameInput { username: Username! }
input AccountUpdateDefaultWalletIdInput { walletId: WalletId! }
input AccountUpdateDisplayCurrencyInput { currency: DisplayCurrency! }
input UserLogoutInput { deviceToken: String! }
`;

/** The identity record behind `me`, read once per request. */
function userOf(ctx: ApiContext, user: UserSource) {
  ctx.memo.user ??= ctx.services.identity.getUser(user.id);
  return ctx.memo.user;
}

const notOwnWallet = () => gqlError('The wallet does not belong to this account', 'INVALID_WALLET_ID');

const User: FieldMap = {
  defaultAccount: (user: UserSource) => accountNode(user.account),
  createdAt: async (user: UserSource, _a, ctx) => (await userOf(ctx, user))?.createdAt ?? user.account.createdAt,
  email: async (user: UserSource, _a, ctx) => {
    const u = await userOf(ctx, user);
    return u?.email ? { address: u.email, verified: true } : null;
  },
  language: () => '',
  phone: async (user: UserSource, _a, ctx) => (await userOf(ctx, user))?.phone ?? null,
  totpEnabled: async (user: UserSource, _a, ctx) => (await userOf(ctx, user))?.totpEnabled ?? false,
  username: (user: UserSource) => user.account.username,
};

const ConsumerAccount: FieldMap = {
  defaultWallet: async (account: AccountSource, _a, ctx) => {
    const w = (await walletsOf(ctx, account)).find((x) => x.id === account.defaultWalletId);
    return publicWallet(w ?? { id: account.defaultWalletId, currency: 'BTC' });
  },
  level: () => 'ONE',
  realtimePrice: async (_a: AccountSource, _args, ctx) => realtimePriceNode(await ctx.services.wallet.priceCents()),
  wallets: async (account: AccountSource, _a, ctx) => (await walletsOf(ctx, account)).map(walletNode),
  walletById: async (account: AccountSource, args: { walletId: string }, ctx) => {
    const w = (await walletsOf(ctx, account)).find((x) => x.id === args.walletId);
    if (!w) throw notOwnWallet();
    return walletNode(w);
  },
  transactions: async (account: AccountSource, args: PageArgs & WalletIdsArg, ctx) => transactionPage(ctx, await ownWalletIds(ctx, account, args.walletIds), args),
  invoices: async (account: AccountSource, args: PageArgs & WalletIdsArg, ctx) => invoicePage(ctx, await ownWalletIds(ctx, account, args.walletIds), args),
  // Pending incoming transactions are on-chain ones: Lightgate has no on-chain backend, so there are none.
  pendingIncomingTransactions: async (account: AccountSource, args: WalletIdsArg, ctx) => {
    await ownWalletIds(ctx, account, args.walletIds);
    return [];
  },
  csvTransactions: async (account: AccountSource, args: { walletIds: string[] }, ctx) => {
    if (args.walletIds.length === 0) throw gqlError('Name at least one wallet', 'INVALID_INPUT');
    return valueOrThrow(await ctx.services.wallet.csvTransactions(await ownWalletIds(ctx, account, args.walletIds)));
  },
  // The developer portal's page for the account's callback endpoints (issue 14).
  callbackPortalUrl: (_a: AccountSource, _args, ctx) => new URL('/callbacks', ctx.services.config.urls.portal).href,
};

type WalletIdsArg = { walletIds?: readonly (string | null)[] | null };

/** The requested wallets, every one of them the account's (else INVALID_WALLET_ID); all of its wallets when none are named. */
async function ownWalletIds(ctx: ApiContext, account: AccountSource, walletIds: WalletIdsArg['walletIds']): Promise<WalletId[]> {
  const own = (await walletsOf(ctx, account)).map((w) => w.id);
  const requested = (walletIds ?? []).filter((x) => x !== null);
  const chosen = own.filter((id) => requested.includes(id));
  if (chosen.length < new Set(requested).size) throw notOwnWallet();
  return chosen.length ? chosen : own;
}

export const resolvers: ResolverMap = { User, ConsumerAccount };
