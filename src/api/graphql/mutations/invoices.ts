// Invoices area mutations: the caller's own invoices (receive or write) and the public
// …OnBehalfOfRecipient ones, which need no credential and are counted per recipient wallet (issue 19 #1).
import type { Result } from '../../../shared/result.ts';
import type { CreateInvoiceInput, Invoice, WalletCurrency, WalletError } from '../../../wallet/wallet-service.ts';
import { caller, RECEIVE, type Field, type FieldMap, type InputArgs, type ResolverMap } from '../context.ts';
import { failed } from '../error-map.ts';
import { invoiceNode } from '../mappers.ts';

export const sdl = /* GraphQL */ `
extend type Mutation {
  lnInvoiceCreate(input: LnInvoiceCreateInput!): LnInvoicePayload!
  lnUsdInvoiceCreate(input: LnUsdInvoiceCreateInput!): LnInvoicePayload!
  lnNoAmountInvoiceCreate(input: LnNoAmountInvoiceCreateInput!): LnNoAmountInvoicePayload!
  lnInvoiceCreateOnBehalfOfRecipient(input: LnInvoiceCreateOnBehalfOfRecipientInput!): LnInvoicePayload!
  lnUsdInvoiceCreateOnBehalfOfRecipient(input: LnUsdInvoiceCreateOnBehalfOfRecipientInput!): LnInvoicePayload!
  lnNoAmountInvoiceCreateOnBehalfOfRecipient(input: LnNoAmountInvoiceCreateOnBehalfOfRecipientInput!): LnNoAmountInvoicePayload!
  lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient(input: LnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipientInput!): LnInvoicePayload!
  lnInvoiceCancel(input: LnInvoiceCancelInput!): SuccessPayload!
}
`;

/** The fields every invoice-creating input has; `walletId` or `recipientWalletId` names the wallet. */
interface InvoiceInput {
  walletId?: string;
  recipientWalletId?: string;
  amount?: number;
  memo?: string | null;
  expiresIn?: number | null;
  externalId?: string | null;
  descriptionHash?: string | null;
}

const invoicePayload = (result: Result<Invoice, WalletError>) => (result.ok ? { errors: [], invoice: invoiceNode(result.value) } : { ...failed(result.error), invoice: null });

/**
 * One invoice mutation: the amount in sats, cents or none, for a wallet of `currency` (any when undefined).
 * The caller's own wallet (`receive` or `write`), or any user's for the public …OnBehalfOfRecipient ones.
 */
function createInvoice(amount: 'sats' | 'cents' | 'none', currency: WalletCurrency | undefined, who: 'own' | 'public'): Field<unknown, InputArgs<InvoiceInput>> {
  return async (_root, { input: i }, ctx) => {
    const request: CreateInvoiceInput = {
      walletId: i.walletId ?? i.recipientWalletId ?? '',
      requiredCurrency: currency,
      amount: amount === 'sats' ? { kind: 'sats', sats: i.amount ?? 0 } : amount === 'cents' ? { kind: 'cents', cents: i.amount ?? 0 } : { kind: 'none' },
      memo: i.memo ?? undefined,
      expiresInMinutes: i.expiresIn ?? undefined,
      externalId: i.externalId ?? undefined,
      descriptionHash: i.descriptionHash ?? undefined,
    };
    if (who === 'public') return invoicePayload(await ctx.services.wallet.createInvoice({ ...request, admit: ctx.services.admitRecipientInvoice }));
    const { account } = await caller(ctx, ...RECEIVE);
    return invoicePayload(await ctx.services.wallet.createInvoice({ ...request, ownerAccountId: account.id }));
  };
}

const Mutation: FieldMap = {
  lnInvoiceCreate: createInvoice('sats', 'BTC', 'own'),
  lnUsdInvoiceCreate: createInvoice('cents', 'USD', 'own'),
  lnNoAmountInvoiceCreate: createInvoice('none', undefined, 'own'),
  lnInvoiceCreateOnBehalfOfRecipient: createInvoice('sats', 'BTC', 'public'),
  lnUsdInvoiceCreateOnBehalfOfRecipient: createInvoice('cents', 'USD', 'public'),
  lnNoAmountInvoiceCreateOnBehalfOfRecipient: createInvoice('none', undefined, 'public'),
  // A USD wallet's invoice for an amount in sats (Blink's point of sale): the cents it credits are fixed at creation.
  lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient: createInvoice('sats', 'USD', 'public'),
  lnInvoiceCancel: async (_r: unknown, { input }: InputArgs<{ walletId: string; paymentHash: string }>, ctx) => {
    const { account } = await caller(ctx, ...RECEIVE);
    const result = await ctx.services.wallet.cancelInvoice({ accountId: account.id, walletId: input.walletId, paymentHash: input.paymentHash });
    return result.ok ? { errors: [], success: true } : { ...failed(result.error), success: false };
  },
};

export const resolvers: ResolverMap = { Mutation };
