// userUpdateUsername: a username is set once (Blink's handles are immutable) and unique, case-insensitively.
import type { Database } from '../../db/database.ts';
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isValidUsername } from '../domain/ids.ts';

export async function updateUsername(db: Database, accountId: AccountId, username: string): Promise<Result<string, WalletError>> {
  if (!isValidUsername(username)) return err(walletError('USERNAME_INVALID', 'A username has 3 to 50 letters, digits or underscores'));
  try {
    const rows = await db.query<{ username: string }>('UPDATE wallet_accounts SET username = $2 WHERE id = $1 AND username IS NULL RETURNING username', [accountId, username]);
    if (rows.length === 1) return ok(username);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') return err(walletError('USERNAME_TAKEN', 'This username is taken'));
    throw error;
  }
  return err(walletError('USERNAME_ALREADY_SET', 'The username is already set and cannot be changed'));
}

export async function usernameAvailable(db: Database, username: string): Promise<boolean> {
  if (!isValidUsername(username)) return false;
  const rows = await db.query('SELECT 1 FROM wallet_accounts WHERE lower(username) = lower($1)', [username]);
  return rows.length === 0;
}
