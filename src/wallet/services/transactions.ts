// The ledger's read model: entries joined with their journal, the counterparty and the settled invoice.
// With ledger.ts (the writes) the only reader of ledger_journals and ledger_entries.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import type { WalletCurrency } from '../domain/money.ts';
import type { LedgerTransaction } from '../domain/transaction.ts';
import type { JournalKind } from '../domain/transfer.ts';

const SELECT = `
  SELECT e.id, e.journal_id, e.wallet_id, e.currency, e.amount, e.created_at, j.kind, j.memo, j.payment_hash, j.payment_request,
         CASE WHEN cw.kind = 'user' THEN cw.id END AS counterparty_wallet_id, cp.username AS counterparty_username, i.preimage
  FROM ledger_entries e
  JOIN ledger_journals j ON j.id = e.journal_id
  LEFT JOIN wallets cw ON cw.id = CASE WHEN e.amount < 0 THEN j.recipient_wallet_id ELSE j.sender_wallet_id END
  LEFT JOIN wallet_accounts cp ON cp.id = cw.account_id AND cw.kind = 'user'
  LEFT JOIN ln_invoices i ON i.journal_id = j.id`;

interface Row {
  id: number;
  journal_id: string;
  wallet_id: WalletId;
  currency: WalletCurrency;
  amount: number;
  created_at: Date;
  kind: JournalKind;
  memo: string | null;
  payment_hash: string | null;
  payment_request: string | null;
  counterparty_wallet_id: WalletId | null;
  counterparty_username: string | null;
  preimage: string | null;
}

const toTransaction = (r: Row): LedgerTransaction => ({
  id: String(r.id),
  journalId: r.journal_id,
  walletId: r.wallet_id,
  currency: r.currency,
  amount: r.amount,
  createdAt: new Date(r.created_at),
  kind: r.kind,
  memo: r.memo,
  counterpartyWalletId: r.counterparty_wallet_id,
  counterpartyUsername: r.counterparty_username,
  paymentHash: r.payment_hash,
  paymentRequest: r.payment_request,
  preimage: r.preimage,
});

/** Newest first, entries below `beforeEntryId` when given; `limit` rows at most. */
export async function transactionsOfWallets(db: Queryable, walletIds: readonly WalletId[], beforeEntryId: number | null, limit: number): Promise<LedgerTransaction[]> {
  const rows = await db.query<Row>(`${SELECT} WHERE e.wallet_id = ANY($1::uuid[]) AND ($2::bigint IS NULL OR e.id < $2) ORDER BY e.id DESC LIMIT $3`, [
    walletIds,
    beforeEntryId,
    limit,
  ]);
  return rows.map(toTransaction);
}

/** The transaction a payment produced, as the given wallet sees it. */
export async function transactionOfJournal(db: Queryable, walletId: WalletId, journalId: string): Promise<LedgerTransaction | undefined> {
  const [row] = await db.query<Row>(`${SELECT} WHERE e.wallet_id = $1 AND e.journal_id = $2 ORDER BY e.id LIMIT 1`, [walletId, journalId]);
  return row && toTransaction(row);
}

/** One transaction by its id (a ledger entry's), if it belongs to one of the wallets (transactionById, subscriptions). */
export async function transactionOfEntry(db: Queryable, walletIds: readonly WalletId[], entryId: string): Promise<LedgerTransaction | undefined> {
  if (!/^\d{1,15}$/.test(entryId)) return undefined;
  const [row] = await db.query<Row>(`${SELECT} WHERE e.id = $1 AND e.wallet_id = ANY($2::uuid[])`, [entryId, walletIds]);
  return row && toTransaction(row);
}

/** The transactions of some wallets for one payment hash (transactionsByPaymentHash). */
export async function transactionsByPaymentHash(db: Queryable, walletIds: readonly WalletId[], paymentHash: string): Promise<LedgerTransaction[]> {
  const rows = await db.query<Row>(`${SELECT} WHERE e.wallet_id = ANY($1::uuid[]) AND j.payment_hash = $2 ORDER BY e.id DESC LIMIT 20`, [walletIds, paymentHash.toLowerCase()]);
  return rows.map(toTransaction);
}
