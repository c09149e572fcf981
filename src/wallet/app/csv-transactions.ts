// Account.csvTransactions: every transaction of some of the caller's wallets as CSV, base64-encoded as in Blink.
// The export is bounded (MAX_CSV_ROWS): a larger history is refused with a clear error rather than cut short.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { LedgerTransaction } from '../domain/transaction.ts';
import { transactionsCsv } from '../domain/transactions-csv.ts';
import { transactionsOfWallets } from '../services/transactions.ts';

export const MAX_CSV_ROWS = 50_000;
const BATCH = 1_000;

export async function csvTransactions(db: Queryable, walletIds: readonly WalletId[]): Promise<Result<string, WalletError>> {
  const rows: LedgerTransaction[] = [];
  let before: number | null = null;
  for (;;) {
    const batch = await transactionsOfWallets(db, walletIds, before, BATCH);
    rows.push(...batch);
    if (rows.length > MAX_CSV_ROWS) return err(walletError('INVALID_INPUT', `The export is limited to ${MAX_CSV_ROWS} transactions; export fewer wallets at a time`));
    if (batch.length < BATCH) break;
    before = Number(batch.at(-1)!.id);
  }
  return ok(Buffer.from(transactionsCsv(rows)).toString('base64'));
}
