// 1,000+ random concurrent payments among 20+ wallets on PostgreSQL: the ledger must balance to the
// sat, every wallet must equal its entries plus what the successful payments say, and no balance may
// ever have gone negative (balance_after of every entry, and the CHECK constraint).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WalletId } from '../../src/shared/brand.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { creditFor, sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import { assertLedgerConsistent, newAccount, PRICE, walletDeps, type TestAccount } from './helpers.ts';

const ACCOUNTS = 20;
const PAYMENTS = 1_200;
const IN_FLIGHT = 64;

/** A small deterministic PRNG so a failure can be replayed (mulberry32). */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test(`${PAYMENTS} random concurrent payments among ${ACCOUNTS * 2} wallets on PostgreSQL keep the ledger exact`, async () => {
  const pg = await createPostgresDatabase();
  const db = await openPostgres(pg.url, 24);
  try {
    await migrate(db);
    const deps = walletDeps(db);
    const accounts: TestAccount[] = [];
    for (let i = 0; i < ACCOUNTS; i++) accounts.push(await newAccount(db));
    const expected = new Map<WalletId, number>();
    const currencyOf = new Map<WalletId, 'BTC' | 'USD'>();
    for (const a of accounts) {
      await fundWallet(db, { walletId: a.btc, amount: 20_000 });
      await fundWallet(db, { walletId: a.usd, amount: 2_000 });
      expected.set(a.btc, 20_000);
      expected.set(a.usd, 2_000);
      currencyOf.set(a.btc, 'BTC');
      currencyOf.set(a.usd, 'USD');
    }
    const seed = Number(process.env.LEDGER_SEED ?? Date.now() % 1_000_000);
    const random = rng(seed);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
    const jobs = Array.from({ length: PAYMENTS }, () => {
      const from = pick(accounts);
      let to = pick(accounts);
      while (to === from) to = pick(accounts);
      const fromWallet = random() < 0.8 ? from.btc : from.usd;
      const toWallet = random() < 0.8 ? to.btc : to.usd;
      const currency = currencyOf.get(fromWallet)!;
      // Large enough that many sends overdraw and must be refused.
      const amount = currency === 'BTC' ? 1 + Math.floor(random() * 6_000) : 1 + Math.floor(random() * 600);
      return { from, fromWallet, toWallet, currency, amount };
    });

    let ok = 0;
    let refused = 0;
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const result = await sendIntraLedger(deps, { accountId: job.from.accountId, walletId: job.fromWallet, recipientWalletId: job.toWallet, amount: job.amount, currency: job.currency });
        if (result.ok) {
          ok++;
          const credit = creditFor(job.amount, job.currency, currencyOf.get(job.toWallet)!, PRICE);
          expected.set(job.fromWallet, expected.get(job.fromWallet)! - job.amount);
          expected.set(job.toWallet, expected.get(job.toWallet)! + credit);
        } else {
          assert.ok(['INSUFFICIENT_BALANCE', 'AMOUNT_TOO_SMALL'].includes(result.error.code), `seed ${seed}: ${result.error.code}`);
          refused++;
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    assert.equal(ok + refused, PAYMENTS);
    assert.ok(ok > PAYMENTS / 4 && refused > 0, `seed ${seed}: a mix of paid (${ok}) and refused (${refused}) payments`);

    const rows = await db.query<{ id: WalletId; balance: number }>("SELECT id, balance FROM wallets WHERE kind = 'user'");
    for (const row of rows) assert.equal(row.balance, expected.get(row.id), `seed ${seed}: wallet ${row.id} to the sat/cent`);
    const [totals] = await db.query<{ btc: number; usd: number }>(
      "SELECT coalesce(sum(balance) FILTER (WHERE currency = 'BTC'), 0)::bigint AS btc, coalesce(sum(balance) FILTER (WHERE currency = 'USD'), 0)::bigint AS usd FROM wallets",
    );
    assert.deepEqual(totals, { btc: 0, usd: 0 }, 'every sat and cent comes from the funding or dealer wallets: the whole ledger sums to zero');
    assert.deepEqual(await assertLedgerConsistent(db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
  } finally {
    await db.close();
    await pg.drop();
  }
});
