// Issue 15: what a grant budget's charge costs a payment. Intraledger payments per second on PostgreSQL
// through the ledger use case (in process), without a grant (API keys, sessions) and with an OAuth grant whose
// daily budget is charged in the payment's transaction (the conditional UPDATE and its spend-log CTE, inside a
// statement the payment sends anyway). The two scenarios are interleaved round by round in one run (alternating which goes first);
// the median of the rounds' ratios counts. Every payer has its own grant (budgets far above the load); the ledger must balance after each
// round and the budgets' spend must equal what the budgeted rounds paid.
// With an Idempotency-Key the charge shares the key's lookup statement (no extra round trip); without one it
// is the first step of the posting's lock statement (no extra round trip either). Both pairs are measured.
//   npx node bench/budgets.ts [--duration 3] [--workers 32] [--accounts 100] [--rounds 3]
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { migrate } from '../src/db/migrate.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { fundWallet } from '../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../src/wallet/app/send-intraledger.ts';
import { createGrantBudgets } from '../src/wallet/app/grant-budgets.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';
import { assertLedgerConsistent, newAccount, walletDeps, type TestAccount } from '../test/wallet/helpers.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    workers: { type: 'string', default: '32' },
    accounts: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
  },
});
const duration = Number(values.duration) * 1000;
const workers = Number(values.workers);
const ACCOUNTS = Number(values.accounts);
const rounds = Number(values.rounds);
const FUNDS = 100_000_000;
const GOAL = 0.15; // at most 15% fewer payments per second with a budget

interface Payer extends TestAccount {
  grant: { userId: string; clientId: string };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

const database = await createPostgresDatabase();
const db = await openPostgres(database.url, 20);
try {
  await migrate(db);
  const budgets = createGrantBudgets(db);
  const payers: Payer[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const a = await newAccount(db);
    const funded = await fundWallet(db, { walletId: a.btc, amount: FUNDS });
    if (!funded.ok) throw new Error(funded.error.message);
    const grant = { userId: a.userId, clientId: 'bench-app' };
    const budget = { type: 'wallet_spend' as const, limit: { amount: FUNDS, currency: 'BTC' as const }, period: 'P1D' as const, per_payment_max: 1000 };
    await budgets.recordGranted({ ...grant, budget, ceiling: budget, remembered: false });
    payers.push({ ...a, grant });
  }
  const deps = walletDeps(db);
  let budgeted = 0;
  const run = async (withBudget: boolean, withKey: boolean) => {
    let ok = 0;
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + duration;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (performance.now() < deadline) {
          const from = payers[Math.floor(Math.random() * payers.length)]!;
          let to = payers[Math.floor(Math.random() * payers.length)]!;
          while (to === from) to = payers[Math.floor(Math.random() * payers.length)]!;
          const t = performance.now();
          const r = await sendIntraLedger(deps, { accountId: from.accountId, walletId: from.btc, recipientWalletId: to.btc, amount: 1, currency: 'BTC', grant: withBudget ? from.grant : undefined, idempotencyKey: withKey ? randomUUID() : undefined });
          latencies.push(performance.now() - t);
          if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
          ok++;
        }
      }),
    );
    if (withBudget) budgeted += ok;
    const perSecond = ok / ((performance.now() - started) / 1000);
    const consistency = await assertLedgerConsistent(db);
    if (consistency.unbalancedJournals || consistency.driftingWallets || consistency.negativeUserEntries) throw new Error(`ledger inconsistent: ${JSON.stringify(consistency)}`);
    return { perSecond, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
  };
  // Two pairs: payments with an Idempotency-Key (as the API's clients send them; the charge shares the key's
  // lookup statement) and without one (the charge is the first step of the posting's lock statement).
  const modes = [true, false] as const;
  const perSecond = new Map<string, number[]>();
  const p99 = new Map<string, number[]>();
  const label = (withKey: boolean, withBudget: boolean) => `${withKey ? 'key   ' : 'no key'} ${withBudget ? 'with a budget   ' : 'without a budget'}`;
  for (let round = 1; round <= rounds; round++) {
    for (const withKey of modes) {
      // Alternate which goes first, so neither always runs on a warmer database.
      for (const withBudget of round % 2 === 1 ? [false, true] : [true, false]) {
        const r = await run(withBudget, withKey);
        const name = label(withKey, withBudget);
        perSecond.set(name, [...(perSecond.get(name) ?? []), r.perSecond]);
        p99.set(name, [...(p99.get(name) ?? []), r.p99]);
        console.log(`round ${round} ${name}: ${r.perSecond.toFixed(0)} payments/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
      }
    }
  }
  const [spent] = await db.query<{ total: string }>('SELECT coalesce(sum(spent), 0)::text AS total FROM grant_budgets');
  if (Number(spent!.total) !== budgeted) throw new Error(`budgets counted ${spent!.total} sats, the budgeted rounds paid ${budgeted}`);
  const [pg] = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, PostgreSQL ${pg!.v}`);
  console.log(`${rounds} interleaved rounds of ${values.duration} s, ${workers} workers, ${ACCOUNTS} payers; budgets' spend = budgeted payments (${budgeted}) ✔`);
  for (const withKey of modes) {
    const without = perSecond.get(label(withKey, false))!;
    const withB = perSecond.get(label(withKey, true))!;
    // Each round's two runs are adjacent: the median of the rounds' ratios cancels most of the machine's drift.
    const ratio = median(withB.map((x, i) => x / without[i]!));
    const drop = 1 - ratio;
    console.log(
      `${withKey ? 'with an Idempotency-Key' : 'without a key'}: median ${median(without).toFixed(0)}/s without a budget, ${median(withB).toFixed(0)}/s with; ` +
        `median round ratio ${ratio.toFixed(3)} (rounds ${withB.map((x, i) => (x / without[i]!).toFixed(2)).join(', ')}), ${(drop * 100).toFixed(1)}% fewer ` +
        `(goal ≤ ${GOAL * 100}%): ${drop <= GOAL ? 'MET' : 'NOT MET'}; p99 ${median(p99.get(label(withKey, false))!).toFixed(1)} → ${median(p99.get(label(withKey, true))!).toFixed(1)} ms`,
    );
  }
} finally {
  await db.close();
  await database.drop();
}
