// Wallet.invoices and Account.invoices: the invoices of wallets the caller owns, newest first, with cursor
// pagination (first/after). The cursor is the invoice's payment hash, so pages never shift.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { Invoice } from '../domain/invoice.ts';
import { invoicesOfWallets, toInvoice } from '../services/invoices.ts';
import { DEFAULT_PAGE, MAX_PAGE } from './list-transactions.ts';

export interface InvoicePage {
  edges: { cursor: string; node: Invoice }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export async function listInvoices(
  db: Queryable,
  walletIds: readonly WalletId[],
  page: { first?: number | null | undefined; after?: string | null | undefined },
): Promise<Result<InvoicePage, WalletError>> {
  const first = page.first ?? DEFAULT_PAGE;
  if (!Number.isSafeInteger(first) || first < 1 || first > MAX_PAGE) return err(walletError('INVALID_INPUT', `first must be between 1 and ${MAX_PAGE}`));
  const after = page.after ?? null;
  if (after !== null && !/^[0-9a-f]{64}$/.test(after)) return err(walletError('INVALID_INPUT', 'after is not a cursor from this API'));
  const rows = await invoicesOfWallets(db, walletIds, after, first + 1);
  const edges = rows.slice(0, first).map((s) => ({ cursor: s.paymentHash, node: toInvoice(s) }));
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
