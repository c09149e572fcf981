// Wallets area queries (public): the node's globals, the price, and the wallet others pay a username at.
import type { WalletCurrency } from '../../../wallet/wallet-service.ts';
import type { FieldMap, ResolverMap } from '../context.ts';
import { gqlError, valueOrThrow } from '../error-map.ts';
import { publicWallet, realtimePriceNode } from '../mappers.ts';

export const sdl = /* GraphQL */ `
extend type Query {
  globals: Globals
  realtimePrice(currency: DisplayCurrency = "USD"): RealtimePrice!
  accountDefaultWallet(username: Username!, walletCurrency: WalletCurrency): PublicWallet!
}
`;

const Query: FieldMap = {
  globals: (_r: unknown, _a, ctx) => ({
    network: ctx.services.wallet.node.network,
    nodesIds: [ctx.services.wallet.node.publicKeyHex],
    lightningAddressDomain: new URL(ctx.services.config.urls.api).hostname,
    lightningAddressDomainAliases: [],
    buildInformation: { commitHash: null, helmRevision: null },
    supportedCountries: ctx.services.identity.supportedCountries().map((c) => ({ id: c.id, supportedAuthChannels: c.channels.map((x) => x.toUpperCase()) })),
  }),
  realtimePrice: async (_r: unknown, args: { currency?: string | null }, ctx) => {
    if (args.currency !== undefined && args.currency !== 'USD') throw gqlError('Only USD prices are available', 'INVALID_INPUT');
    return realtimePriceNode(await ctx.services.wallet.priceCents());
  },
  accountDefaultWallet: async (_r: unknown, args: { username: string; walletCurrency?: WalletCurrency | null }, ctx) =>
    publicWallet(valueOrThrow(await ctx.services.wallet.defaultWalletOf(args.username, args.walletCurrency ?? undefined))),
};

export const resolvers: ResolverMap = { Query };
