// Payments area mutations: the sends. Each checks `write`, then calls one use case of the wallet face;
// the Idempotency-Key header names the attempt. A send with an OAuth token names its grant (user × client),
// whose spending budget the ledger charges in the payment's transaction (issue 15); API keys and sessions have none.
import type { AccountId } from '../../../shared/brand.ts';
import type { Result } from '../../../shared/result.ts';
import type { PaymentOutcome, SendGrant, WalletCurrency, WalletError, WalletService } from '../../../wallet/wallet-service.ts';
import { accountIdOf, caller, requireScope, WRITE, type Field, type FieldMap, type InputArgs, type ResolverMap } from '../context.ts';
import { failed } from '../error-map.ts';
import type { PaymentPayloadSource } from '../mappers.ts';

export const sdl = /* GraphQL */ `
extend type Mutation {
  intraLedgerPaymentSend(input: IntraLedgerPaymentSendInput!): PaymentSendPayload!
  intraLedgerUsdPaymentSend(input: IntraLedgerUsdPaymentSendInput!): PaymentSendPayload!
  lnInvoicePaymentSend(input: LnInvoicePaymentInput!): PaymentSendPayload!
  lnNoAmountInvoicePaymentSend(input: LnNoAmountInvoicePaymentInput!): PaymentSendPayload!
  lnNoAmountUsdInvoicePaymentSend(input: LnNoAmountUsdInvoicePaymentInput!): PaymentSendPayload!
  lnAddressPaymentSend(input: LnAddressPaymentSendInput!): PaymentSendPayload!
  lnurlPaymentSend(input: LnurlPaymentSendInput!): PaymentSendPayload!
  lnInvoiceFeeProbe(input: LnInvoiceFeeProbeInput!): SatAmountPayload!
  lnNoAmountInvoiceFeeProbe(input: LnNoAmountInvoiceFeeProbeInput!): SatAmountPayload!
  lnUsdInvoiceFeeProbe(input: LnUsdInvoiceFeeProbeInput!): SatAmountPayload!
  lnNoAmountUsdInvoiceFeeProbe(input: LnNoAmountUsdInvoiceFeeProbeInput!): CentAmountPayload!
}
`;

interface SendInput {
  walletId: string;
  memo?: string | null;
}

/** The payload keeps the outcome; PaymentSendPayload.transaction shows it only when selected. */
function paymentPayload(result: Result<PaymentOutcome, WalletError>): PaymentPayloadSource {
  if (!result.ok) return { ...failed(result.error), status: 'FAILURE', outcome: undefined };
  return { errors: [], status: result.value.status, outcome: result.value };
}

interface SendBase {
  accountId: AccountId;
  walletId: string;
  memo: string | undefined;
  idempotencyKey: string | undefined;
  grant: SendGrant | undefined;
}

/** A send from one of the caller's wallets: `write` scope, then one use case of the wallet face. */
function send<TInput extends SendInput>(run: (wallet: WalletService, base: SendBase, input: TInput) => Promise<Result<PaymentOutcome, WalletError>>): Field<unknown, InputArgs<TInput>> {
  return async (_root, { input }, ctx) => {
    const principal = requireScope(ctx, ...WRITE);
    const grant = principal.kind === 'oauth2' && principal.clientId ? { userId: principal.userId, clientId: principal.clientId } : undefined;
    const base = { accountId: await accountIdOf(ctx, principal), walletId: input.walletId, memo: input.memo ?? undefined, idempotencyKey: ctx.idempotencyKey, grant };
    return paymentPayload(await run(ctx.services.wallet, base, input));
  };
}

/** intraLedgerPaymentSend and its USD twin: the same send, by the sending wallet's currency. */
const intraLedgerSend = (currency: WalletCurrency) =>
  send<SendInput & { recipientWalletId: string; amount: number }>((wallet, base, i) => wallet.sendIntraLedger({ ...base, recipientWalletId: i.recipientWalletId, amount: i.amount, currency }));

/** lnNoAmountInvoicePaymentSend and its USD twin: the payer sets the amount in the sending wallet's currency. */
const noAmountInvoiceSend = (requiredCurrency: WalletCurrency) =>
  send<SendInput & { paymentRequest: string; amount: number }>((wallet, base, i) => wallet.payInvoice({ ...base, paymentRequest: i.paymentRequest, amount: i.amount, requiredCurrency }));

/**
 * The fee probes: what paying the invoice from the caller's wallet would cost (0 for an invoice issued here),
 * in the wallet's unit as in Blink (cents for the USD ones, though lnUsdInvoiceFeeProbe's payload says sats).
 * A probe moves no money, but it reads a wallet the caller must own and prepares a send: `write`, as the send.
 */
const feeProbe = (requiredCurrency: WalletCurrency): Field<unknown, InputArgs<{ walletId: string; paymentRequest: string; amount?: number }>> =>
  async (_root, { input }, ctx) => {
    const { account } = await caller(ctx, ...WRITE);
    const fee = await ctx.services.wallet.feeProbe({ accountId: account.id, walletId: input.walletId, paymentRequest: input.paymentRequest, amount: input.amount, requiredCurrency });
    return fee.ok ? { errors: [], amount: fee.value } : { ...failed(fee.error), amount: null };
  };

const Mutation: FieldMap = {
  lnInvoiceFeeProbe: feeProbe('BTC'),
  lnNoAmountInvoiceFeeProbe: feeProbe('BTC'),
  lnUsdInvoiceFeeProbe: feeProbe('USD'),
  lnNoAmountUsdInvoiceFeeProbe: feeProbe('USD'),
  intraLedgerPaymentSend: intraLedgerSend('BTC'),
  intraLedgerUsdPaymentSend: intraLedgerSend('USD'),
  lnInvoicePaymentSend: send<SendInput & { paymentRequest: string }>((wallet, base, i) => wallet.payInvoice({ ...base, paymentRequest: i.paymentRequest })),
  lnNoAmountInvoicePaymentSend: noAmountInvoiceSend('BTC'),
  lnNoAmountUsdInvoicePaymentSend: noAmountInvoiceSend('USD'),
  // A Lightning address or LNURL-pay: a user here is paid in the ledger (an invoice of theirs, then the one send path).
  lnAddressPaymentSend: send<SendInput & { lnAddress: string; amount: number }>((wallet, base, i) => wallet.payLightningAddress({ ...base, amount: i.amount, to: { lnAddress: i.lnAddress } })),
  lnurlPaymentSend: send<SendInput & { lnurl: string; amount: number }>((wallet, base, i) => wallet.payLightningAddress({ ...base, amount: i.amount, to: { lnurl: i.lnurl } })),
};

export const resolvers: ResolverMap = { Mutation };
