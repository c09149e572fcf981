// Transactions of some wallets, newest first, with cursor pagination (first/after). A transaction is
// one ledger entry as its wallet sees it; the cursor is the entry's id, so pages never shift.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { WalletCurrency } from '../domain/money.ts';
import type { JournalKind } from '../services/ledger.ts';

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

export interface TransactionPage {
  edges: { cursor: string; node: LedgerTransaction }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

const encodeCursor = (id: number | string): string => Buffer.from(`entry:${id}`).toString('base64url');
function decodeCursor(cursor: string): number | undefined {
  const m = /^entry:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : undefined;
}

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

export async function listTransactions(
  db: Queryable,
  walletIds: readonly WalletId[],
  page: { first?: number | null | undefined; after?: string | null | undefined },
): Promise<Result<TransactionPage, WalletError>> {
  const first = page.first ?? DEFAULT_PAGE;
  if (!Number.isSafeInteger(first) || first < 1 || first > MAX_PAGE) return err(walletError('INVALID_INPUT', `first must be between 1 and ${MAX_PAGE}`));
  let after: number | null = null;
  if (page.after != null) {
    const decoded = decodeCursor(page.after);
    if (decoded === undefined) return err(walletError('INVALID_INPUT', 'after is not a cursor from this API'));
    after = decoded;
  }
  const rows = await db.query<Row>(`${SELECT} WHERE e.wallet_id = ANY($1::uuid[]) AND ($2::bigint IS NULL OR e.id < $2) ORDER BY e.id DESC LIMIT $3`, [
    walletIds,
    after,
    first + 1,
  ]);
  const nodes = rows.slice(0, first).map(toTransaction);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return ok({
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  });
}

/** The transaction a payment produced, as the given wallet sees it. */
export async function transactionOfJournal(db: Queryable, walletId: WalletId, journalId: string): Promise<LedgerTransaction | undefined> {
  const [row] = await db.query<Row>(`${SELECT} WHERE e.wallet_id = $1 AND e.journal_id = $2 ORDER BY e.id LIMIT 1`, [walletId, journalId]);
  return row && toTransaction(row);
}

/** The transactions of some wallets for one payment hash (transactionsByPaymentHash). */
export async function transactionsByPaymentHash(db: Queryable, walletIds: readonly WalletId[], paymentHash: string): Promise<LedgerTransaction[]> {
  const rows = await db.query<Row>(`${SELECT} WHERE e.wallet_id = ANY($1::uuid[]) AND j.payment_hash = $2 ORDER BY e.id DESC LIMIT 20`, [walletIds, paymentHash.toLowerCase()]);
  return rows.map(toTransaction);
}
