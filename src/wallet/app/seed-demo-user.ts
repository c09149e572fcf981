// Development seed: a demo user with funded wallets, so `npm start` has someone to log in as
// (POST /auth/email/code with DEMO_EMAIL; in development the code lands in <data dir>/outbox.jsonl).
// Idempotent: an existing demo user is left as is, and each wallet is funded only while it has no entries.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { UserId, WalletId } from '../../shared/brand.ts';
import { accountOfUserWithWallets, claimFreeUsername, ensureSeedUser, findSeedUser, insertAccount } from '../services/accounts.ts';
import { walletsWithoutEntries } from '../services/ledger.ts';
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

const demoUser = (userId: UserId, email: string, seeded: Awaited<ReturnType<typeof accountOfUserWithWallets>>): DemoUser => ({
  userId,
  email,
  username: seeded?.account.username ?? '',
  wallets: (seeded?.wallets ?? []).map((w) => ({ id: w.id, currency: w.currency, balance: w.balance })),
});

/** The demo user when every step below is done already (named, wallets funded): reads only. */
async function seededDemoUser(db: Database, email: string): Promise<DemoUser | undefined> {
  const userId = await findSeedUser(db, email);
  const seeded = userId && (await accountOfUserWithWallets(db, userId));
  if (!userId || !seeded?.account.username || seeded.wallets.length === 0) return undefined;
  if ((await walletsWithoutEntries(db, seeded.wallets.map((w) => w.id))).size > 0) return undefined;
  return demoUser(userId, email, seeded);
}

export async function seedDemoUser(db: Database, email = DEMO_EMAIL): Promise<DemoUser> {
  // Every development start after the first: four reads, no transaction, instead of ten statements (issue 18).
  const seeded = await seededDemoUser(db, email);
  if (seeded) return seeded;
  const userId = await db.transaction(async (tx) => {
    // The identity module owns users; the seed writes only the agreed columns (id, email) when the demo user is missing.
    const id = await ensureSeedUser(tx, email, randomUUID() as UserId);
    await insertAccount(tx, id);
    await claimFreeUsername(tx, id, DEMO_USERNAME);
    return id;
  });
  const before = await accountOfUserWithWallets(db, userId);
  const unfunded = await walletsWithoutEntries(db, before?.wallets.map((w) => w.id) ?? []);
  for (const w of before?.wallets ?? []) {
    if (unfunded.has(w.id)) {
      const funded = await fundWallet(db, { walletId: w.id, amount: DEMO_FUNDING[w.currency], memo: 'Demo funding' });
      if (!funded.ok) throw new Error(`demo funding failed: ${funded.error.message}`);
    }
  }
  return demoUser(userId, email, await accountOfUserWithWallets(db, userId));
}
