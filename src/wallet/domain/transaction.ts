// A transaction is one ledger entry as its wallet sees it (Blink's Transaction).
import type { WalletId } from '../../shared/brand.ts';
import type { WalletCurrency } from './money.ts';
import type { JournalKind, TransferInput } from './transfer.ts';

export interface LedgerTransaction {
  id: string;
  journalId: string;
  walletId: WalletId;
  currency: WalletCurrency;
  /** Signed, in the wallet's unit. */
  amount: number;
  createdAt: Date;
  kind: JournalKind;
  memo: string | null;
  counterpartyWalletId: WalletId | null;
  counterpartyUsername: string | null;
  paymentHash: string | null;
  paymentRequest: string | null;
  preimage: string | null;
}

export interface PostedEntry {
  id: number;
  walletId: WalletId;
  amount: number;
  balanceAfter: number;
  createdAt: Date;
}

/**
 * The sender's transaction of a transfer just posted, from the entries the insert returned: the same
 * record the ledger's read model gives for (sender wallet, journal), without reading it back.
 */
export function sentTransaction(
  t: TransferInput,
  posted: { journalId: string; entries: readonly PostedEntry[] },
  recipient: { username: string | null },
  preimage: string | null,
): LedgerTransaction | undefined {
  const entry = posted.entries.find((e) => e.walletId === t.senderWalletId);
  if (!entry) return undefined;
  return {
    id: String(entry.id),
    journalId: posted.journalId,
    walletId: t.senderWalletId,
    currency: t.senderCurrency,
    amount: entry.amount,
    createdAt: entry.createdAt,
    kind: t.kind,
    memo: t.memo ?? null,
    counterpartyWalletId: t.recipientWalletId,
    counterpartyUsername: recipient.username,
    paymentHash: t.paymentHash ?? null,
    paymentRequest: t.paymentRequest ?? null,
    preimage,
  };
}
