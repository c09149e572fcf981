// Transactions of some wallets, newest first, with cursor pagination (first/after). A transaction is
// one ledger entry as its wallet sees it; the cursor is the entry's id, so pages never shift.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { LedgerTransaction } from '../domain/transaction.ts';
import { transactionOfEntry, transactionOfJournal, transactionsByPaymentHash, transactionsOfWallets } from '../services/transactions.ts';

export type { LedgerTransaction };
/** The transaction of a payment, one transaction by id, and a wallet's transactions for one payment hash: the ledger's read model as is. */
export { transactionOfEntry, transactionOfJournal, transactionsByPaymentHash };

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
  const rows = await transactionsOfWallets(db, walletIds, after, first + 1);
  const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor(node.id), node }));
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

/** The sender's transaction of a payment: as posted by this call, or read from the ledger for a repeat. */
export async function transactionOfPayment(db: Queryable, outcome: { walletId: WalletId; journalId: string; transaction: LedgerTransaction | undefined }): Promise<LedgerTransaction | undefined> {
  return outcome.transaction ?? transactionOfJournal(db, outcome.walletId, outcome.journalId);
}
