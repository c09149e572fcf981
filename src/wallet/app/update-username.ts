// userUpdateUsername: a username is set once (Blink's handles are immutable) and unique, case-insensitively.
import type { Database } from '../../db/database.ts';
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isValidUsername } from '../domain/ids.ts';
import { setUsername, usernameTaken } from '../services/accounts.ts';

export async function updateUsername(db: Database, accountId: AccountId, username: string): Promise<Result<string, WalletError>> {
  if (!isValidUsername(username)) return err(walletError('USERNAME_INVALID', 'A username has 3 to 50 letters, digits or underscores'));
  const outcome = await setUsername(db, accountId, username);
  if (outcome === 'set') return ok(username);
  if (outcome === 'taken') return err(walletError('USERNAME_TAKEN', 'This username is taken'));
  return err(walletError('USERNAME_ALREADY_SET', 'The username is already set and cannot be changed'));
}

export async function usernameAvailable(db: Database, username: string): Promise<boolean> {
  return isValidUsername(username) && !(await usernameTaken(db, username));
}
