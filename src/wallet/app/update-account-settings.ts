// accountUpdateDefaultWalletId and accountUpdateDisplayCurrency.
import type { Database } from '../../db/database.ts';
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { DISPLAY_CURRENCIES } from '../domain/currencies.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';

export async function updateDefaultWallet(db: Database, accountId: AccountId, walletId: string): Promise<Result<true, WalletError>> {
  if (!isUuid(walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  const rows = await db.query(
    "UPDATE wallet_accounts a SET default_wallet_id = w.id FROM wallets w WHERE a.id = $1 AND w.id = $2 AND w.account_id = a.id AND w.kind = 'user' RETURNING a.id",
    [accountId, walletId],
  );
  return rows.length === 1 ? ok(true) : err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
}

export async function updateDisplayCurrency(db: Database, accountId: AccountId, currency: string): Promise<Result<true, WalletError>> {
  const code = currency.toUpperCase();
  if (!DISPLAY_CURRENCIES.some((c) => c.id === code)) return err(walletError('INVALID_DISPLAY_CURRENCY', `Unsupported display currency ${JSON.stringify(currency)}`));
  await db.query('UPDATE wallet_accounts SET display_currency = $2 WHERE id = $1', [accountId, code]);
  return ok(true);
}
