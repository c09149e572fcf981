// Payments area types: transactions and their pages, how they were initiated and settled, the send payload.
import type { WalletId } from '../../../shared/brand.ts';
import type { ApiContext, FieldMap, ResolverMap } from '../context.ts';
import { gqlError, valueOrThrow } from '../error-map.ts';
import { transactionNode, type PaymentPayloadSource } from '../mappers.ts';

export const sdl = /* GraphQL */ `
type PageInfo { endCursor: String hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String }
type TransactionConnection { edges: [TransactionEdge!] pageInfo: PageInfo! }
type TransactionEdge { cursor: String! node: Transaction! }

type Transaction {
  createdAt: Timestamp!
  direction: TxDirection!
  externalId: TxExternalId
  id: ID!
  initiationVia: InitiationVia!
  memo: Memo
  settlementAmount: SignedAmount!
  settlementCurrency: WalletCurrency!
  settlementDisplayAmount: SignedDisplayMajorAmount!
  settlementDisplayCurrency: DisplayCurrency!
  settlementDisplayFee: SignedDisplayMajorAmount!
  settlementFee: SignedAmount!
  settlementPrice: PriceOfOneSettlementMinorUnitInDisplayMinorUnit!
  settlementVia: SettlementVia!
  status: TxStatus!
}

union InitiationVia = InitiationViaIntraLedger | InitiationViaLn | InitiationViaOnChain
type InitiationViaIntraLedger { counterPartyUsername: Username counterPartyWalletId: WalletId }
type InitiationViaLn { paymentHash: PaymentHash! paymentRequest: LnPaymentRequest! }
type InitiationViaOnChain { address: OnChainAddress! }

union SettlementVia = SettlementViaIntraLedger | SettlementViaLn | SettlementViaOnChain
type SettlementViaIntraLedger { counterPartyUsername: Username counterPartyWalletId: WalletId preImage: LnPaymentPreImage }
type SettlementViaLn { paymentSecret: LnPaymentSecret preImage: LnPaymentPreImage }
type SettlementViaOnChain { arrivalInMempoolEstimatedAt: Timestamp transactionHash: OnChainTxHash vout: Int }

type PaymentSendPayload { errors: [Error!]! status: PaymentSendResult transaction: Transaction }
type SatAmountPayload { amount: SatAmount errors: [Error!]! }
type CentAmountPayload { amount: CentAmount errors: [Error!]! }
input LnInvoiceFeeProbeInput { paymentRequest: LnPaymentRequest! walletId: WalletId! }
input LnNoAmountInvoiceFeeProbeInput { amount: SatAmount! paymentRequest: LnPaymentRequest! walletId: WalletId! }
input LnUsdInvoiceFeeProbeInput { paymentRequest: LnPaymentRequest! walletId: WalletId! }
input LnNoAmountUsdInvoiceFeeProbeInput { amount: CentAmount! paymentRequest: LnPaymentRequest! walletId: WalletId! }
input LnAddressPaymentSendInput { amount: SatAmount! lnAddress: String! walletId: WalletId! }
input LnurlPaymentSendInput { amount: SatAmount! lnurl: String! walletId: WalletId! }
input IntraLedgerPaymentSendInput { amount: SatAmount! memo: Memo recipientWalletId: WalletId! walletId: WalletId! }
input IntraLedgerUsdPaymentSendInput { amount: CentAmount! memo: Memo recipientWalletId: WalletId! walletId: WalletId! }
input LnInvoicePaymentInput { memo: Memo paymentRequest: LnPaymentRequest! walletId: WalletId! }
input LnNoAmountInvoicePaymentInput { amount: SatAmount! memo: Memo paymentRequest: LnPaymentRequest! walletId: WalletId! }
input LnNoAmountUsdInvoicePaymentInput { amount: CentAmount! memo: Memo paymentRequest: LnPaymentRequest! walletId: WalletId! }
`;

/** Connection arguments; only forward pagination (first/after), as the ledger's cursors run newest first. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** A page of the given wallets' transactions, shown at the current price. */
export async function transactionPage(ctx: ApiContext, walletIds: readonly WalletId[], args: PageArgs) {
  if (args.last != null || args.before != null) throw gqlError('Only forward pagination (first/after) is supported', 'INVALID_INPUT');
  const page = valueOrThrow(await ctx.services.wallet.transactions(walletIds, { first: args.first ?? undefined, after: args.after ?? undefined }));
  const price = await ctx.services.wallet.priceCents();
  return { pageInfo: page.pageInfo, edges: page.edges.map((e) => ({ cursor: e.cursor, node: transactionNode(e.node, price) })) };
}

const PaymentSendPayload: FieldMap = {
  // The payment's own transaction, at the price it used: as posted, or read from the ledger for a repeat.
  transaction: async (payload: PaymentPayloadSource, _a, ctx) => {
    if (!payload.outcome) return null;
    const tx = await ctx.services.wallet.paymentTransaction(payload.outcome);
    return tx ? transactionNode(tx, payload.outcome.priceCents) : null;
  },
};

export const resolvers: ResolverMap = { PaymentSendPayload };
