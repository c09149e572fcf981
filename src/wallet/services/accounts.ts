// SQL reads of accounts and wallets.
import type { Queryable } from '../../db/database.ts';
import type { AccountId, UserId, WalletId } from '../../shared/brand.ts';
import type { WalletCurrency } from '../domain/money.ts';

export interface Account {
  id: AccountId;
  userId: UserId;
  username: string | null;
  defaultWalletId: WalletId;
  displayCurrency: string;
  createdAt: Date;
}

export interface Wallet {
  id: WalletId;
  accountId: AccountId;
  currency: WalletCurrency;
  balance: number;
}

interface AccountRow {
  id: AccountId;
  user_id: UserId;
  username: string | null;
  default_wallet_id: WalletId;
  display_currency: string;
  created_at: Date;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  userId: r.user_id,
  username: r.username,
  defaultWalletId: r.default_wallet_id,
  displayCurrency: r.display_currency,
  createdAt: new Date(r.created_at),
});

const ACCOUNT_COLUMNS = 'id, user_id, username, default_wallet_id, display_currency, created_at';

export async function findAccountByUser(db: Queryable, userId: UserId): Promise<Account | undefined> {
  const [row] = await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM wallet_accounts WHERE user_id = $1`, [userId]);
  return row && toAccount(row);
}

export async function findAccountByUsername(db: Queryable, username: string): Promise<Account | undefined> {
  const [row] = await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM wallet_accounts WHERE lower(username) = lower($1) AND user_id IS NOT NULL`, [username]);
  return row && toAccount(row);
}

export async function findAccountById(db: Queryable, id: AccountId): Promise<Account | undefined> {
  const [row] = await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM wallet_accounts WHERE id = $1 AND user_id IS NOT NULL`, [id]);
  return row && toAccount(row);
}

export async function listWallets(db: Queryable, accountId: AccountId): Promise<Wallet[]> {
  const rows = await db.query<{ id: WalletId; account_id: AccountId; currency: WalletCurrency; balance: number }>(
    "SELECT id, account_id, currency, balance FROM wallets WHERE account_id = $1 AND kind = 'user' ORDER BY currency",
    [accountId],
  );
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, currency: r.currency, balance: r.balance }));
}

/** A user's wallet by id; undefined for any id that is not a user wallet (platform wallets are never exposed). */
/** Several user wallets in one query (a payment's sender and recipient), by id; unknown ids are absent. */
export async function findUserWallets(db: Queryable, ids: readonly string[]): Promise<Map<string, Wallet & { username: string | null; userId: UserId }>> {
  const rows = await db.query<{ id: WalletId; account_id: AccountId; currency: WalletCurrency; balance: number; username: string | null; user_id: UserId }>(
    `SELECT w.id, w.account_id, w.currency, w.balance, a.username, a.user_id FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id
     WHERE w.id = ANY($1::uuid[]) AND w.kind = 'user'`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, accountId: row.account_id, currency: row.currency, balance: row.balance, username: row.username, userId: row.user_id }]));
}

export async function findUserWallet(db: Queryable, id: string): Promise<(Wallet & { username: string | null; userId: UserId }) | undefined> {
  const [row] = await db.query<{ id: WalletId; account_id: AccountId; currency: WalletCurrency; balance: number; username: string | null; user_id: UserId }>(
    `SELECT w.id, w.account_id, w.currency, w.balance, a.username, a.user_id FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id
     WHERE w.id = $1 AND w.kind = 'user'`,
    [id],
  );
  return row && { id: row.id, accountId: row.account_id, currency: row.currency, balance: row.balance, username: row.username, userId: row.user_id };
}
