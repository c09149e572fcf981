// Wallets area types: the account's wallets (reached only through the caller's own account), the public
// wallet of a username, prices, the node's globals and on-chain addresses.
import type { FieldMap, ResolverMap } from '../context.ts';
import { valueOrThrow } from '../error-map.ts';
import { invoiceNode, transactionNode, type WalletSource } from '../mappers.ts';
import { transactionPage, type PageArgs } from './payments.ts';

const walletFieldsSdl = `
  accountId: ID!
  balance: SignedAmount!
  id: ID!
  pendingIncomingBalance: SignedAmount!
  transactions(after: String, before: String, first: Int, last: Int): TransactionConnection
  transactionsByPaymentHash(paymentHash: PaymentHash!): [Transaction!]!
  invoiceByPaymentHash(paymentHash: PaymentHash!): Invoice!
  walletCurrency: WalletCurrency!`;

export const sdl = /* GraphQL */ `
interface Wallet {${walletFieldsSdl}
}
type BTCWallet implements Wallet {${walletFieldsSdl}
}
type UsdWallet implements Wallet {${walletFieldsSdl}
}
type PublicWallet { currency: WalletCurrency! id: ID! walletCurrency: WalletCurrency! }

type Globals {
  network: Network!
  nodesIds: [String!]!
  lightningAddressDomain: String!
  lightningAddressDomainAliases: [String!]!
  buildInformation: BuildInformation!
}
type BuildInformation { commitHash: String helmRevision: Int }

interface PriceInterface { base: SafeInt! currencyUnit: String! offset: Int! }
type PriceOfOneSatInMinorUnit implements PriceInterface { base: SafeInt! currencyUnit: String! offset: Int! }
type PriceOfOneUsdCentInMinorUnit implements PriceInterface { base: SafeInt! currencyUnit: String! offset: Int! }
type PriceOfOneSettlementMinorUnitInDisplayMinorUnit implements PriceInterface { base: SafeInt! currencyUnit: String! formattedAmount: String! offset: Int! }
type RealtimePrice {
  btcSatPrice: PriceOfOneSatInMinorUnit!
  denominatorCurrency: DisplayCurrency!
  denominatorCurrencyDetails: Currency!
  id: ID!
  timestamp: Timestamp!
  usdCentPrice: PriceOfOneUsdCentInMinorUnit!
}

type OnChainAddressPayload { address: OnChainAddress errors: [Error!]! }
input OnChainAddressCreateInput { walletId: WalletId! }
input OnChainAddressCurrentInput { walletId: WalletId! }
`;

/** Fields of both wallet types. */
const walletFields: FieldMap = {
  walletCurrency: (w: WalletSource) => w.currency,
  pendingIncomingBalance: () => 0,
  transactions: (w: WalletSource, args: PageArgs, ctx) => transactionPage(ctx, [w.id], args),
  transactionsByPaymentHash: async (w: WalletSource, args: { paymentHash: string }, ctx) => {
    const price = await ctx.services.wallet.priceCents();
    return (await ctx.services.wallet.transactionsByPaymentHash([w.id], args.paymentHash)).map((t) => transactionNode(t, price));
  },
  invoiceByPaymentHash: async (w: WalletSource, args: { paymentHash: string }, ctx) => invoiceNode(valueOrThrow(await ctx.services.wallet.walletInvoice(w.id, args.paymentHash))),
};

export const resolvers: ResolverMap = { BTCWallet: walletFields, UsdWallet: walletFields };
