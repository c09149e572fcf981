// Finds a user's wallet for operators (admin funding, CLI): by wallet id, or by the user's e-mail and currency.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import type { WalletCurrency } from '../domain/money.ts';

export type WalletTarget = { walletId: string } | { email: string; currency: WalletCurrency };

export async function findWallet(db: Queryable, target: WalletTarget): Promise<Result<WalletId, WalletError>> {
  if ('walletId' in target) {
    if (!isUuid(target.walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
    const [row] = await db.query<{ id: WalletId }>("SELECT id FROM wallets WHERE id = $1 AND kind = 'user'", [target.walletId]);
    return row ? ok(row.id) : err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  }
  // users is the identity module's table (columns id, email: the agreed contract).
  const [row] = await db.query<{ id: WalletId }>(
    `SELECT w.id FROM users u JOIN wallet_accounts a ON a.user_id = u.id JOIN wallets w ON w.account_id = a.id
     WHERE u.email = lower($1) AND w.currency = $2 AND w.kind = 'user'`,
    [target.email.trim(), target.currency],
  );
  return row ? ok(row.id) : err(walletError('ACCOUNT_NOT_FOUND', `No ${target.currency} wallet for ${target.email}`));
}
