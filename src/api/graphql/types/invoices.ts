// Invoices area types: Lightning invoices, their pages, payloads and status.
import type { WalletId } from '../../../shared/brand.ts';
import type { ApiContext } from '../context.ts';
import { gqlError, valueOrThrow } from '../error-map.ts';
import { invoiceNode } from '../mappers.ts';
import type { PageArgs } from './payments.ts';

const invoiceFieldsSdl = `
  createdAt: Timestamp!
  externalId: TxExternalId!
  paymentHash: PaymentHash!
  paymentRequest: LnPaymentRequest!
  paymentSecret: LnPaymentSecret!
  paymentStatus: InvoicePaymentStatus!`;

export const sdl = /* GraphQL */ `
interface Invoice {${invoiceFieldsSdl}
}
type LnInvoice implements Invoice {${invoiceFieldsSdl}
  satoshis: SatAmount!
}
type LnNoAmountInvoice implements Invoice {${invoiceFieldsSdl}
}

type InvoiceConnection { edges: [InvoiceEdge!] pageInfo: PageInfo! }
type InvoiceEdge { cursor: String! node: Invoice! }

type LnInvoicePayload { errors: [Error!]! invoice: LnInvoice }
type LnNoAmountInvoicePayload { errors: [Error!]! invoice: LnNoAmountInvoice }
type LnInvoicePaymentStatus { paymentHash: PaymentHash paymentPreimage: LnPaymentPreImage paymentRequest: LnPaymentRequest status: InvoicePaymentStatus }
type LnInvoicePaymentStatusPayload { errors: [Error!]! paymentHash: PaymentHash paymentPreimage: LnPaymentPreImage paymentRequest: LnPaymentRequest status: InvoicePaymentStatus }

input LnInvoiceCreateInput { amount: SatAmount! expiresIn: Minutes externalId: TxExternalId memo: Memo walletId: WalletId! }
input LnUsdInvoiceCreateInput { amount: CentAmount! expiresIn: Minutes externalId: TxExternalId memo: Memo walletId: WalletId! }
input LnNoAmountInvoiceCreateInput { expiresIn: Minutes externalId: TxExternalId memo: Memo walletId: WalletId! }
input LnInvoiceCreateOnBehalfOfRecipientInput { amount: SatAmount! descriptionHash: Hex32Bytes expiresIn: Minutes externalId: TxExternalId memo: Memo recipientWalletId: WalletId! webhookUrl: EndpointUrl }
input LnUsdInvoiceCreateOnBehalfOfRecipientInput { amount: CentAmount! descriptionHash: Hex32Bytes expiresIn: Minutes externalId: TxExternalId memo: Memo recipientWalletId: WalletId! webhookUrl: EndpointUrl }
input LnNoAmountInvoiceCreateOnBehalfOfRecipientInput { expiresIn: Minutes externalId: TxExternalId memo: Memo recipientWalletId: WalletId! webhookUrl: EndpointUrl }
input LnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipientInput { amount: SatAmount! descriptionHash: Hex32Bytes expiresIn: Minutes externalId: TxExternalId memo: Memo recipientWalletId: WalletId! webhookUrl: EndpointUrl }
input LnInvoiceCancelInput { paymentHash: PaymentHash! walletId: WalletId! }
input LnInvoicePaymentStatusInput { paymentRequest: LnPaymentRequest! }
input LnInvoicePaymentStatusByHashInput { paymentHash: PaymentHash! }
input LnInvoicePaymentStatusByPaymentRequestInput { paymentRequest: LnPaymentRequest! }
`;

/** A page of the given wallets' invoices (the caller's: checked by the field that asks), newest first. */
export async function invoicePage(ctx: ApiContext, walletIds: readonly WalletId[], args: PageArgs) {
  if (args.last != null || args.before != null) throw gqlError('Only forward pagination (first/after) is supported', 'INVALID_INPUT');
  const page = valueOrThrow(await ctx.services.wallet.invoices(walletIds, { first: args.first ?? undefined, after: args.after ?? undefined }));
  return { pageInfo: page.pageInfo, edges: page.edges.map((e) => ({ cursor: e.cursor, node: invoiceNode(e.node) })) };
}
