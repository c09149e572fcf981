// Finds a user's wallet for operators (admin funding, CLI): by wallet id, or by the user's e-mail and currency.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import type { WalletCurrency } from '../domain/money.ts';
import { findUserWalletId, walletForOperator } from '../services/accounts.ts';

export type WalletTarget = { walletId: string } | { email: string; currency: WalletCurrency };

export async function findWallet(db: Queryable, target: WalletTarget): Promise<Result<WalletId, WalletError>> {
  if ('walletId' in target && !isUuid(target.walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  const id = await findUserWalletId(db, target);
  if (id) return ok(id);
  return err('walletId' in target ? walletError('INVALID_WALLET_ID', 'Unknown wallet id') : walletError('ACCOUNT_NOT_FOUND', `No ${target.currency} wallet for ${target.email}`));
}

export interface OperatorWallet {
  walletId: WalletId;
  currency: WalletCurrency;
  balance: number;
  userId: string | null;
}

/** A user wallet as operators read it (GET /admin/wallets/:id). */
export async function readWallet(db: Queryable, walletId: string): Promise<Result<OperatorWallet, WalletError>> {
  const found = await findWallet(db, { walletId });
  if (!found.ok) return found;
  const wallet = await walletForOperator(db, found.value);
  return wallet ? ok(wallet) : err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
}
