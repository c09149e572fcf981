// Wallet events (issue 14 webhooks, issue 13 subscriptions): what happened to an account's money, as
// written to the outbox `wallet_events` in the payment's own transaction. Pure: built from the transfer
// and the ledger entries the posting returned, nothing is read again.
import type { AccountId, WalletId } from '../../shared/brand.ts';
import type { WalletCurrency } from './money.ts';
import type { PostedEntry } from './transaction.ts';
import type { TransferInput } from './transfer.ts';

// budget.threshold (issue 15): an app's spending budget reached 80% or 100% (once per period).
export const WALLET_EVENT_TYPES = ['payment.received', 'payment.sent', 'invoice.paid', 'budget.threshold'] as const;
export type WalletEventType = (typeof WALLET_EVENT_TYPES)[number];

export function isWalletEventType(value: string): value is WalletEventType {
  return (WALLET_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The app an event is about, if any: a `budget.threshold` concerns one app's grant, so it is delivered only
 * to that app's endpoints and the account holder's own, never to another app of the account (issue 15).
 */
export function eventClientId(event: { type: string; data: Record<string, unknown> }): string | null {
  if (event.type !== 'budget.threshold') return null;
  const budget = event.data.budget as { clientId?: unknown } | undefined;
  return typeof budget?.clientId === 'string' ? budget.clientId : null;
}

/** One event before it is stored: the outbox gives it its id and time. */
export interface NewWalletEvent {
  type: WalletEventType;
  accountId: AccountId;
  walletId: WalletId;
  transactionId: string | null;
  paymentHash: string | null;
  /** The event's `data` (JSON), documented in docs/wallet-api.md. */
  data: Record<string, unknown>;
}

/** A stored event. */
export interface WalletEvent extends NewWalletEvent {
  id: string;
  createdAt: Date;
}

/** The NOTIFY payload on channel `wallet_events` (kept small: readers fetch details through the wallet face). */
export interface WalletEventNotice {
  id: string;
  type: WalletEventType;
  accountId: string;
  walletId: string;
  transactionId: string | null;
  paymentHash: string | null;
}

export const WALLET_EVENTS_CHANNEL = 'wallet_events';

export function noticeOf(event: WalletEvent): WalletEventNotice {
  return { id: event.id, type: event.type, accountId: event.accountId, walletId: event.walletId, transactionId: event.transactionId, paymentHash: event.paymentHash };
}

interface Party {
  accountId: AccountId;
}

function transactionData(t: TransferInput, entry: PostedEntry, walletId: WalletId, currency: WalletCurrency, counterparty: WalletId) {
  return {
    id: String(entry.id),
    walletId,
    walletCurrency: currency,
    settlementAmount: entry.amount,
    settlementCurrency: currency,
    memo: t.memo ?? null,
    counterpartyWalletId: counterparty,
    paymentHash: t.paymentHash ?? null,
    createdAt: entry.createdAt.toISOString(),
  };
}

/**
 * The events of a posted transfer: `payment.sent` to the sender (not for the platform's funding
 * wallet), `payment.received` to the recipient and, when it settled an invoice, `invoice.paid` to the
 * invoice's owner.
 */
export function transferEvents(
  t: TransferInput,
  posted: { journalId: string; entries: readonly PostedEntry[] },
  sender: Party | undefined,
  recipient: Party,
  invoice?: { paymentHash: string; paymentRequest: string },
): NewWalletEvent[] {
  const events: NewWalletEvent[] = [];
  const sent = posted.entries.find((e) => e.walletId === t.senderWalletId);
  const received = posted.entries.find((e) => e.walletId === t.recipientWalletId);
  const paymentHash = t.paymentHash ?? null;
  if (sender && sent) {
    events.push({
      type: 'payment.sent',
      accountId: sender.accountId,
      walletId: t.senderWalletId,
      transactionId: String(sent.id),
      paymentHash,
      data: { transaction: { ...transactionData(t, sent, t.senderWalletId, t.senderCurrency, t.recipientWalletId), direction: 'SEND' } },
    });
  }
  if (received) {
    const transaction = { ...transactionData(t, received, t.recipientWalletId, t.recipientCurrency, t.senderWalletId), direction: 'RECEIVE' };
    events.push({ type: 'payment.received', accountId: recipient.accountId, walletId: t.recipientWalletId, transactionId: String(received.id), paymentHash, data: { transaction } });
    if (invoice) {
      events.push({
        type: 'invoice.paid',
        accountId: recipient.accountId,
        walletId: t.recipientWalletId,
        transactionId: String(received.id),
        paymentHash: invoice.paymentHash,
        data: {
          invoice: { paymentHash: invoice.paymentHash, paymentRequest: invoice.paymentRequest, walletId: t.recipientWalletId, status: 'PAID' },
          transaction,
        },
      });
    }
  }
  return events;
}
