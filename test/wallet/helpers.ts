// Wallet tests: real databases, users inserted in the identity module's table, accounts made by createAccountForUser.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import type { AccountId, UserId, WalletId } from '../../src/shared/brand.ts';
import { createAccountForUser } from '../../src/wallet/app/create-account.ts';
import type { WalletDeps } from '../../src/wallet/app/deps.ts';
import { buildWalletDeps } from '../../src/wallet/wallet-service.ts';

export const PRICE = 10_000_000; // cents per BTC: 1 sat = 0.1 cent

export function walletDeps(db: Database): WalletDeps {
  return buildWalletDeps({ secrets: { system: ['wallet-test-secret-0123456789abcdefghij'], cookie: [], generated: false }, priceBtcUsdCents: PRICE }, db);
}

export interface TestAccount {
  userId: UserId;
  accountId: AccountId;
  btc: WalletId;
  usd: WalletId;
}

export async function newAccount(db: Database): Promise<TestAccount> {
  const userId = randomUUID() as UserId;
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO users (id, email) VALUES ($1, $2)', [userId, `${userId}@example.com`]);
    await createAccountForUser(tx, userId);
  });
  const rows = await db.query<{ account_id: AccountId; id: WalletId; currency: string }>(
    'SELECT w.account_id, w.id, w.currency FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id WHERE a.user_id = $1',
    [userId],
  );
  return { userId, accountId: rows[0]!.account_id, btc: rows.find((r) => r.currency === 'BTC')!.id, usd: rows.find((r) => r.currency === 'USD')!.id };
}

export async function balance(db: Database, walletId: string): Promise<number> {
  const [row] = await db.query<{ balance: number }>('SELECT balance FROM wallets WHERE id = $1', [walletId]);
  return row!.balance;
}

/** The ledger's own invariants: every journal balances per currency, every wallet balance equals its entries. */
export async function assertLedgerConsistent(db: Database): Promise<{ unbalancedJournals: number; driftingWallets: number; negativeUserEntries: number }> {
  const [a] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM (SELECT journal_id, currency FROM ledger_entries GROUP BY journal_id, currency HAVING sum(amount) <> 0) x',
  );
  const [b] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM wallets w LEFT JOIN (SELECT wallet_id, sum(amount) AS s FROM ledger_entries GROUP BY wallet_id) e ON e.wallet_id = w.id
     WHERE w.balance <> coalesce(e.s, 0)`,
  );
  const [c] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_entries e JOIN wallets w ON w.id = e.wallet_id WHERE w.kind = 'user' AND e.balance_after < 0");
  return { unbalancedJournals: a!.n, driftingWallets: b!.n, negativeUserEntries: c!.n };
}
