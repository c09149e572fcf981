// Invoices area types: Lightning invoices, their payloads and status.
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
input LnInvoiceCancelInput { paymentHash: PaymentHash! walletId: WalletId! }
input LnInvoicePaymentStatusInput { paymentRequest: LnPaymentRequest! }
input LnInvoicePaymentStatusByHashInput { paymentHash: PaymentHash! }
input LnInvoicePaymentStatusByPaymentRequestInput { paymentRequest: LnPaymentRequest! }
`;
