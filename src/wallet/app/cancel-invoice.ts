// lnInvoiceCancel: an unpaid invoice of one of the caller's wallets stops being payable.
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { findUserWallet } from '../services/accounts.ts';
import { cancelPendingInvoice, findWalletInvoice } from '../services/invoices.ts';
import type { WalletDeps } from './deps.ts';

export async function cancelInvoice(deps: WalletDeps, input: { accountId: AccountId; walletId: string; paymentHash: string }): Promise<Result<true, WalletError>> {
  if (!isUuid(input.walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  const wallet = await findUserWallet(deps.db, input.walletId);
  if (!wallet || wallet.accountId !== input.accountId) return err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
  if (await cancelPendingInvoice(deps.db, wallet.id, input.paymentHash)) return ok(true);
  const existing = await findWalletInvoice(deps.db, wallet.id, input.paymentHash);
  if (!existing) return err(walletError('INVOICE_NOT_FOUND', 'No such invoice in this wallet'));
  return err(walletError(existing.status === 'PAID' ? 'INVOICE_ALREADY_PAID' : 'INVOICE_CANCELLED', `The invoice is already ${existing.status.toLowerCase()}`));
}
