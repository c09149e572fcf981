// The caller's account (opened on first use) and the public lookup of an account's default wallet.
import type { Database } from '../../db/database.ts';
import type { AccountId, UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import type { WalletCurrency } from '../domain/money.ts';
import { findAccountByUser, findAccountByUsername, insertAccount, listWallets, type Account, type Wallet } from '../services/accounts.ts';

const NO_ACCOUNT = walletError('ACCOUNT_NOT_FOUND', 'No account for this user');

/**
 * The user's account, opened on first use for a user who has none yet (one made before the wallet
 * existed, or whose creation hook failed). `userExists` asks the identity module: no account for a stranger.
 */
export async function accountOfUser(db: Database, userId: UserId, userExists: (userId: UserId) => Promise<boolean>): Promise<Result<Account, WalletError>> {
  if (!isUuid(userId)) return err(NO_ACCOUNT);
  const account = await findAccountByUser(db, userId);
  if (account) return ok(account);
  if (!(await userExists(userId))) return err(NO_ACCOUNT);
  await insertAccount(db, userId);
  const opened = await findAccountByUser(db, userId);
  return opened ? ok(opened) : err(NO_ACCOUNT);
}

/**
 * userId → account id, remembered by the process (issue 18): an account is never deleted nor given to another
 * user, so a remembered id cannot go stale. Refusals are not remembered (the account may be opened later).
 */
export function accountIdCache(read: (userId: UserId) => Promise<Result<Account, WalletError>>, maxEntries = 50_000): (userId: UserId) => Promise<Result<AccountId, WalletError>> {
  const ids = new Map<UserId, AccountId>();
  return async (userId) => {
    const known = ids.get(userId);
    if (known) return ok(known);
    const account = await read(userId);
    if (!account.ok) return account;
    if (ids.size >= maxEntries) ids.clear();
    ids.set(userId, account.value.id);
    return ok(account.value.id);
  };
}

/** accountDefaultWallet (public): the wallet others pay a username at, by currency or the account's default. */
export async function defaultWalletOf(db: Database, username: string, currency: WalletCurrency | undefined): Promise<Result<Wallet, WalletError>> {
  const account = await findAccountByUsername(db, username);
  if (!account) return err(walletError('NOT_FOUND', 'No account with this username'));
  const wallets = await listWallets(db, account.id);
  const wanted = currency ? wallets.find((w) => w.currency === currency) : wallets.find((w) => w.id === account.defaultWalletId);
  return wanted ? ok(wanted) : err(walletError('NOT_FOUND', 'No such wallet'));
}

/** The account's wallets (BTC first), balances included. */
export function walletsOfAccount(db: Database, accountId: AccountId): Promise<Wallet[]> {
  return listWallets(db, accountId);
}
