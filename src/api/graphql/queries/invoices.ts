// Invoices area queries (public): the status of an invoice issued here, by payment request or hash.
import type { FieldMap, ResolverMap, InputArgs } from '../context.ts';
import { failed, valueOrThrow } from '../error-map.ts';

export const sdl = /* GraphQL */ `
extend type Query {
  lnInvoicePaymentStatus(input: LnInvoicePaymentStatusInput!): LnInvoicePaymentStatusPayload!
  lnInvoicePaymentStatusByHash(input: LnInvoicePaymentStatusByHashInput!): LnInvoicePaymentStatus!
  lnInvoicePaymentStatusByPaymentRequest(input: LnInvoicePaymentStatusByPaymentRequestInput!): LnInvoicePaymentStatus!
}
`;

const Query: FieldMap = {
  lnInvoicePaymentStatus: async (_r: unknown, args: InputArgs<{ paymentRequest: string }>, ctx) => {
    const s = await ctx.services.wallet.invoiceStatus({ paymentRequest: args.input.paymentRequest });
    return s.ok ? { errors: [], ...s.value } : failed(s.error);
  },
  lnInvoicePaymentStatusByHash: async (_r: unknown, args: InputArgs<{ paymentHash: string }>, ctx) =>
    valueOrThrow(await ctx.services.wallet.invoiceStatus({ paymentHash: args.input.paymentHash })),
  lnInvoicePaymentStatusByPaymentRequest: async (_r: unknown, args: InputArgs<{ paymentRequest: string }>, ctx) =>
    valueOrThrow(await ctx.services.wallet.invoiceStatus({ paymentRequest: args.input.paymentRequest })),
};

export const resolvers: ResolverMap = { Query };
