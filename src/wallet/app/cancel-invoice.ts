// lnInvoiceCancel: an unpaid invoice of one of the caller's wallets stops being payable.
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { findUserWallet } from '../services/accounts.ts';
import type { WalletDeps } from './deps.ts';

export async function cancelInvoice(deps: WalletDeps, input: { accountId: AccountId; walletId: string; paymentHash: string }): Promise<Result<true, WalletError>> {
  if (!isUuid(input.walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  const wallet = await findUserWallet(deps.db, input.walletId);
  if (!wallet || wallet.accountId !== input.accountId) return err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
  const rows = await deps.db.query<{ status: string }>(
    "UPDATE ln_invoices SET status = 'CANCELLED' WHERE payment_hash = $1 AND wallet_id = $2 AND status = 'PENDING' RETURNING status",
    [input.paymentHash.toLowerCase(), wallet.id],
  );
  if (rows.length === 1) return ok(true);
  const [existing] = await deps.db.query<{ status: string }>('SELECT status FROM ln_invoices WHERE payment_hash = $1 AND wallet_id = $2', [input.paymentHash.toLowerCase(), wallet.id]);
  if (!existing) return err(walletError('INVOICE_NOT_FOUND', 'No such invoice in this wallet'));
  return err(walletError(existing.status === 'PAID' ? 'INVOICE_ALREADY_PAID' : 'INVOICE_CANCELLED', `The invoice is already ${existing.status.toLowerCase()}`));
}
