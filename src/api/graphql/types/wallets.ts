// Wallets area types: the account's wallets (reached only through the caller's own account), the public
// wallet of a username, prices, the node's globals and on-chain addresses.
import type { FieldMap, ResolverMap } from '../context.ts';
import { gqlError, valueOrThrow } from '../error-map.ts';
import { invoiceNode, transactionNode, type WalletSource } from '../mappers.ts';
import { invoicePage } from './invoices.ts';
import { transactionPage, type PageArgs } from './payments.ts';

const walletFieldsSdl = `
  accountId: ID!
  balance: SignedAmount!
  id: ID!
  pendingIncomingBalance: SignedAmount!
  transactions(after: String, before: String, first: Int, last: Int): TransactionConnection
  transactionsByPaymentHash(paymentHash: PaymentHash!): [Transaction!]!
  invoiceByPaymentHash(paymentHash: PaymentHash!): Invoice!
  invoices(after: String, before: String, first: Int, last: Int): InvoiceConnection
  pendingIncomingTransactions: [Transaction!]!
  transactionById(transactionId: ID!): Transaction!
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
  supportedCountries: [Country!]!
}
type Country { id: CountryCode! supportedAuthChannels: [PhoneCodeChannelType!]! }
enum PhoneCodeChannelType { SMS WHATSAPP }
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
  invoices: (w: WalletSource, args: PageArgs, ctx) => invoicePage(ctx, [w.id], args),
  // Pending incoming transactions are on-chain ones: Lightgate has no on-chain backend, so there are none.
  pendingIncomingTransactions: () => [],
  transactionById: async (w: WalletSource, args: { transactionId: string }, ctx) => {
    const tx = await ctx.services.wallet.transactionById([w.id], args.transactionId);
    if (!tx) throw gqlError('No such transaction in this wallet', 'NOT_FOUND');
    return transactionNode(tx, await ctx.services.wallet.priceCents());
  },
};

export const resolvers: ResolverMap = { BTCWallet: walletFields, UsdWallet: walletFields };
