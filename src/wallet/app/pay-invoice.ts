// lnInvoicePaymentSend, lnNoAmountInvoicePaymentSend, lnNoAmountUsdInvoicePaymentSend.
// An invoice issued here settles inside the ledger (one transaction: debit, credit, invoice PAID);
// any other invoice goes to the Lightning backend port.
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { centsCreditedForSats, centsForSats, creditFor, type WalletCurrency } from '../domain/money.ts';
import { sentTransaction } from '../domain/transaction.ts';
import { transferEvents } from '../domain/wallet-event.ts';
import type { TransferInput } from '../domain/transfer.ts';
import { findUserWallet } from '../services/accounts.ts';
import { fingerprint } from '../services/idempotency.ts';
import { lockInvoice, markInvoicePaid } from '../services/invoices.ts';
import { postTransfer } from '../services/ledger.ts';
import type { WalletDeps } from './deps.ts';
import { executeSend, type PaymentOutcome } from './execute-send.ts';
import { payableInvoice } from './payable-invoice.ts';
import { checkSendLimit } from './account-limits.ts';
import { sendKind } from '../domain/limits.ts';
import type { SendGrant } from './charge-budget.ts';
import { recordPayment } from '../../observability/metrics.ts';

export interface PayInvoiceInput {
  accountId: AccountId;
  walletId: string;
  paymentRequest: string;
  /** For no-amount invoices only: what to pay, in `amountCurrency`. */
  amount?: number | undefined;
  /** The currency the mutation requires of the sending wallet, if any. */
  requiredCurrency?: WalletCurrency | undefined;
  memo?: string | undefined;
  idempotencyKey?: string | undefined;
  /** What names the attempt for the Idempotency-Key, when not this invoice (a Lightning address issues a new one per try). */
  fingerprint?: readonly unknown[] | undefined;
  /** The OAuth grant the send is made under (issue 15): its budget is charged; absent for API keys and sessions. */
  grant?: SendGrant | undefined;
}

export async function payInvoice(deps: WalletDeps, input: PayInvoiceInput): Promise<Result<PaymentOutcome, WalletError>> {
  const result = await pay(deps, input);
  recordPayment('lightning', result.ok ? 'success' : result.error.code);
  return result;
}

async function pay(deps: WalletDeps, input: PayInvoiceInput): Promise<Result<PaymentOutcome, WalletError>> {
  const payable = await payableInvoice(deps, input);
  if (!payable.ok) return payable;
  const { sender, request, decoded, known } = payable.value;
  if (!known) {
    const msats = decoded.msats ?? BigInt(input.amount!) * 1000n;
    const limited = await checkSendLimit(deps.db, deps, { accountId: input.accountId, kind: 'withdrawal', amount: Number(msats / 1000n), currency: 'BTC', priceCents: await deps.price.btcUsdCents() });
    if (limited) return err(limited);
    // Outgoing payments need a backend (and a pending debit around it); the default port has none and says so.
    const paid = await deps.lightning.payInvoice(request, msats);
    if (!paid.ok) return paid;
    return err(walletError('LIGHTNING_BACKEND_UNAVAILABLE', 'Outgoing Lightning payments are not supported'));
  }

  const recipient = await findUserWallet(deps.db, known.walletId);
  if (!recipient) return err(walletError('INVOICE_NOT_FOUND', 'The invoice wallet no longer exists'));
  if (recipient.id === sender.id) return err(walletError('SELF_PAYMENT', 'A wallet cannot pay its own invoice'));
  const price = await deps.price.btcUsdCents();
  let debit: number;
  let credit: number;
  if (known.sats !== null) {
    credit = recipient.currency === 'BTC' ? known.sats : (known.cents ?? centsCreditedForSats(known.sats, price));
    // Same currency moves the same amount; across currencies the payer gives the invoice's sats at the price.
    debit = sender.currency === recipient.currency ? credit : sender.currency === 'BTC' ? known.sats : centsForSats(known.sats, price);
  } else {
    debit = input.amount!;
    credit = creditFor(debit, sender.currency, recipient.currency, price);
  }
  if (credit <= 0) return err(walletError('AMOUNT_TOO_SMALL', 'The amount is too small to convert'));

  return executeSend(deps, {
    walletId: sender.id,
    priceCents: price,
    idempotency: input.idempotencyKey
      ? { accountId: input.accountId, key: input.idempotencyKey, fingerprint: fingerprint(input.fingerprint ?? ['ln', sender.id, request, input.amount ?? null, input.memo ?? null]) }
      : undefined,
    budget: input.grant && { ...input.grant, accountId: input.accountId, amount: debit, currency: sender.currency },
    async post(tx, journal) {
      const invoice = await lockInvoice(tx, known.paymentHash);
      if (!invoice) return err(walletError('INVOICE_NOT_FOUND', 'Unknown invoice'));
      if (invoice.status === 'PAID') return ok({ posted: false, status: 'ALREADY_PAID', journalId: invoice.journalId! });
      if (invoice.status === 'CANCELLED') return err(walletError('INVOICE_CANCELLED', 'The invoice was cancelled'));
      if (invoice.expiresAt <= new Date()) return err(walletError('INVOICE_EXPIRED', 'The invoice has expired'));
      const limited = await checkSendLimit(tx, deps, { accountId: input.accountId, kind: sendKind(sender.accountId, recipient.accountId), amount: debit, currency: sender.currency, priceCents: price });
      if (limited) return err(limited);
      const transfer: TransferInput = {
        kind: 'ln_internal',
        senderWalletId: sender.id,
        senderCurrency: sender.currency,
        recipientWalletId: recipient.id,
        recipientCurrency: recipient.currency,
        debit,
        credit,
        memo: input.memo ?? invoice.memo ?? undefined,
        paymentHash: invoice.paymentHash,
        paymentRequest: invoice.paymentRequest,
        ...journal,
      };
      const posted = await postTransfer(tx, transfer);
      if (!posted.ok) return posted;
      await markInvoicePaid(tx, invoice.paymentHash, posted.value.journalId);
      return ok({
        posted: true,
        journalId: posted.value.journalId,
        transaction: sentTransaction(transfer, posted.value, recipient, invoice.preimage),
        events: transferEvents(transfer, posted.value, sender, recipient, invoice),
      });
    },
  });
}
