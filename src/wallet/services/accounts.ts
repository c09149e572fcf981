// The wallet_accounts and wallets tables: accounts, their wallets and the account settings.
import { randomUUID } from 'node:crypto';
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
  const [row] = await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM wallet_accounts WHERE user_id = $1`, [userId], { name: 'lightgate_wallet_account_by_user' });
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

/** Several user wallets in one query (a payment's sender and recipient), by id; unknown ids are absent. */
export async function findUserWallets(db: Queryable, ids: readonly string[]): Promise<Map<string, Wallet & { username: string | null; userId: UserId }>> {
  const rows = await db.query<{ id: WalletId; account_id: AccountId; currency: WalletCurrency; balance: number; username: string | null; user_id: UserId }>(
    `SELECT w.id, w.account_id, w.currency, w.balance, a.username, a.user_id FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id
     WHERE w.id = ANY($1::uuid[]) AND w.kind = 'user'`,
    [ids],
    { name: 'lightgate_wallet_user_wallets' },
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, accountId: row.account_id, currency: row.currency, balance: row.balance, username: row.username, userId: row.user_id }]));
}

/** A user's wallet by id; undefined for any id that is not a user wallet (platform wallets are never exposed). */
export async function findUserWallet(db: Queryable, id: string): Promise<(Wallet & { username: string | null; userId: UserId }) | undefined> {
  const [row] = await db.query<{ id: WalletId; account_id: AccountId; currency: WalletCurrency; balance: number; username: string | null; user_id: UserId }>(
    `SELECT w.id, w.account_id, w.currency, w.balance, a.username, a.user_id FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id
     WHERE w.id = $1 AND w.kind = 'user'`,
    [id],
  );
  return row && { id: row.id, accountId: row.account_id, currency: row.currency, balance: row.balance, username: row.username, userId: row.user_id };
}

/** Creates the user's account with a BTC (default) and a USD wallet, in one statement (atomic even outside a transaction); no-op when it exists. */
export async function insertAccount(tx: Queryable, userId: UserId): Promise<void> {
  await tx.query(
    `WITH account AS (
       INSERT INTO wallet_accounts (id, user_id, default_wallet_id) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO NOTHING RETURNING id
     )
     INSERT INTO wallets (id, account_id, currency)
     SELECT w.id, account.id, w.currency FROM account, (VALUES ($3::uuid, 'BTC'), ($4::uuid, 'USD')) AS w(id, currency)`,
    [randomUUID(), userId, randomUUID(), randomUUID()],
  );
}

/** Sets the default wallet when it is a user wallet of the account; false otherwise. */
export async function setDefaultWallet(db: Queryable, accountId: AccountId, walletId: string): Promise<boolean> {
  const rows = await db.query(
    "UPDATE wallet_accounts a SET default_wallet_id = w.id FROM wallets w WHERE a.id = $1 AND w.id = $2 AND w.account_id = a.id AND w.kind = 'user' RETURNING a.id",
    [accountId, walletId],
  );
  return rows.length === 1;
}

export async function setDisplayCurrency(db: Queryable, accountId: AccountId, code: string): Promise<void> {
  await db.query('UPDATE wallet_accounts SET display_currency = $2 WHERE id = $1', [accountId, code]);
}

/** Sets the username once: 'taken' when another account has it (case-insensitively), 'already-set' when this one has one. */
export async function setUsername(db: Queryable, accountId: AccountId, username: string): Promise<'set' | 'taken' | 'already-set'> {
  try {
    const rows = await db.query('UPDATE wallet_accounts SET username = $2 WHERE id = $1 AND username IS NULL RETURNING username', [accountId, username]);
    return rows.length === 1 ? 'set' : 'already-set';
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === '23505') return 'taken';
    throw error;
  }
}

export async function usernameTaken(db: Queryable, username: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM wallet_accounts WHERE lower(username) = lower($1)', [username]);
  return rows.length > 0;
}

/** A user wallet's id, by id or by its owner's e-mail and currency (users is identity's table: columns id, email are the agreed contract). */
export async function findUserWalletId(db: Queryable, target: { walletId: string } | { email: string; currency: WalletCurrency }): Promise<WalletId | undefined> {
  const [row] =
    'walletId' in target
      ? await db.query<{ id: WalletId }>("SELECT id FROM wallets WHERE id = $1 AND kind = 'user'", [target.walletId])
      : await db.query<{ id: WalletId }>(
          `SELECT w.id FROM users u JOIN wallet_accounts a ON a.user_id = u.id JOIN wallets w ON w.account_id = a.id
           WHERE u.email = lower($1) AND w.currency = $2 AND w.kind = 'user'`,
          [target.email.trim(), target.currency],
        );
  return row?.id;
}

/** A wallet as operators see it (admin GET /admin/wallets/:id). */
export async function walletForOperator(db: Queryable, walletId: WalletId): Promise<{ walletId: WalletId; currency: WalletCurrency; balance: number; userId: UserId | null } | undefined> {
  const [row] = await db.query<{ walletId: WalletId; currency: WalletCurrency; balance: number; userId: UserId | null }>(
    'SELECT w.id AS "walletId", w.currency, w.balance, a.user_id AS "userId" FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id WHERE w.id = $1',
    [walletId],
  );
  return row;
}

/** The seed user's id, by email (the identity module's column the seed agreed on). */
export async function findSeedUser(db: Queryable, email: string): Promise<UserId | undefined> {
  const [existing] = await db.query<{ id: UserId }>('SELECT id FROM users WHERE email = $1', [email]);
  return existing?.id;
}

/** The id of the user with this e-mail, inserted (agreed columns id, email of identity's table) when missing. Development seed only. */
export async function ensureSeedUser(tx: Queryable, email: string, newId: UserId): Promise<UserId> {
  const existing = await findSeedUser(tx, email);
  if (existing) return existing;
  await tx.query('INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT DO NOTHING', [newId, email]);
  return newId;
}

/** Gives the user's account this username when it has none and nobody else has it. */
export async function claimFreeUsername(tx: Queryable, userId: UserId, username: string): Promise<void> {
  await tx.query(
    'UPDATE wallet_accounts SET username = $2 WHERE user_id = $1 AND username IS NULL AND NOT EXISTS (SELECT 1 FROM wallet_accounts WHERE lower(username) = lower($2))',
    [userId, username],
  );
}

/** The user's account and its wallets (balances included), wallets by currency. */
export async function accountOfUserWithWallets(db: Queryable, userId: UserId): Promise<{ account: Account; wallets: Wallet[] } | undefined> {
  const account = await findAccountByUser(db, userId);
  return account && { account, wallets: await listWallets(db, account.id) };
}
