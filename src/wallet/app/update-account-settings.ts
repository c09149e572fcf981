// accountUpdateDefaultWalletId and accountUpdateDisplayCurrency.
import type { Database } from '../../db/database.ts';
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { DISPLAY_CURRENCIES } from '../domain/currencies.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { setDefaultWallet, setDisplayCurrency } from '../services/accounts.ts';

export async function updateDefaultWallet(db: Database, accountId: AccountId, walletId: string): Promise<Result<true, WalletError>> {
  if (!isUuid(walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  return (await setDefaultWallet(db, accountId, walletId)) ? ok(true) : err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
}

export async function updateDisplayCurrency(db: Database, accountId: AccountId, currency: string): Promise<Result<true, WalletError>> {
  const code = currency.toUpperCase();
  if (!DISPLAY_CURRENCIES.some((c) => c.id === code)) return err(walletError('INVALID_DISPLAY_CURRENCY', `Unsupported display currency ${JSON.stringify(currency)}`));
  await setDisplayCurrency(db, accountId, code);
  return ok(true);
}
