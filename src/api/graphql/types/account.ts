// Account area types: the user behind `me`, the consumer account, display currencies and the account payloads.
import { walletsOf, type ApiContext, type FieldMap, type ResolverMap } from '../context.ts';
import { gqlError } from '../error-map.ts';
import { accountNode, publicWallet, realtimePriceNode, walletNode, type AccountSource, type UserSource } from '../mappers.ts';
import { transactionPage, type PageArgs } from './payments.ts';

const accountFieldsSdl = `
  id: ID!
  defaultWalletId: WalletId!
  defaultWallet: PublicWallet!
  displayCurrency: DisplayCurrency!
  level: AccountLevel!
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
  transactions: async (account: AccountSource, args: PageArgs & { walletIds?: (string | null)[] | null }, ctx) => {
    const own = (await walletsOf(ctx, account)).map((w) => w.id);
    const requested = (args.walletIds ?? []).filter((x) => x !== null);
    const chosen = own.filter((id) => requested.includes(id));
    if (chosen.length < new Set(requested).size) throw notOwnWallet();
    return transactionPage(ctx, chosen.length ? chosen : own, args);
  },
};

export const resolvers: ResolverMap = { User, ConsumerAccount };
