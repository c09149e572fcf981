// Development seed: a demo user with funded wallets, so `npm start` has someone to log in as
// (POST /auth/email/code with DEMO_EMAIL; in development the code lands in <data dir>/outbox.jsonl).
// Idempotent: an existing demo user is left as is, and each wallet is funded only while it has no entries.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { UserId, WalletId } from '../../shared/brand.ts';
import { createAccountForUser } from './create-account.ts';
import { fundWallet } from './fund-wallet.ts';

export const DEMO_EMAIL = 'demo@lightgate.localhost';
export const DEMO_USERNAME = 'demo';
export const DEMO_FUNDING = { BTC: 1_000_000, USD: 100_000 } as const; // 1,000,000 sats and $1,000.00

export interface DemoUser {
  userId: UserId;
  email: string;
  username: string;
  wallets: { id: WalletId; currency: 'BTC' | 'USD'; balance: number }[];
}

export async function seedDemoUser(db: Database, email = DEMO_EMAIL): Promise<DemoUser> {
  const userId = await db.transaction(async (tx) => {
    // The identity module owns users; the seed writes only the agreed columns (id, email) when the demo user is missing.
    const [existing] = await tx.query<{ id: UserId }>('SELECT id FROM users WHERE email = $1', [email]);
    const id = existing?.id ?? (randomUUID() as UserId);
    if (!existing) await tx.query('INSERT INTO users (id, email) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, email]);
    await createAccountForUser(tx, id);
    await tx.query("UPDATE wallet_accounts SET username = $2 WHERE user_id = $1 AND username IS NULL AND NOT EXISTS (SELECT 1 FROM wallet_accounts WHERE lower(username) = lower($2))", [id, DEMO_USERNAME]);
    return id;
  });
  const wallets = await db.query<{ id: WalletId; currency: 'BTC' | 'USD'; entries: number }>(
    `SELECT w.id, w.currency, (SELECT count(*)::int FROM ledger_entries e WHERE e.wallet_id = w.id) AS entries
     FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id WHERE a.user_id = $1 ORDER BY w.currency`,
    [userId],
  );
  for (const w of wallets) {
    if (w.entries === 0) {
      const funded = await fundWallet(db, { walletId: w.id, amount: DEMO_FUNDING[w.currency], memo: 'Demo funding' });
      if (!funded.ok) throw new Error(`demo funding failed: ${funded.error.message}`);
    }
  }
  const [account] = await db.query<{ username: string | null }>('SELECT username FROM wallet_accounts WHERE user_id = $1', [userId]);
  const balances = await db.query<{ id: WalletId; currency: 'BTC' | 'USD'; balance: number }>(
    'SELECT w.id, w.currency, w.balance FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id WHERE a.user_id = $1 ORDER BY w.currency',
    [userId],
  );
  return { userId, email, username: account?.username ?? '', wallets: balances };
}
