// The PostgreSQL side of a payment, A against B in one run (issue 18): what the server spends per one-statement
// payment, without HTTP, so that a change to the statement or the schema shows beside the noise of a shared machine.
//   npx node bench/payments-pg-ab.ts [--a-tree <dir>] [--b-tree <dir>] [--a-sql <file>] [--b-sql <file>]
//                                    [--rounds 8] [--seconds 3] [--clients 16] [--accounts 200]
// Each side runs its own tree's code and migrations (a `git archive` of a commit with this checkout's
// node_modules linked in; default: this checkout) on a fresh database, then its extra SQL; 200 funded accounts pay
// each other 1 sat with a fresh Idempotency-Key (sendIntraLedger in this process, as an API-key payment: no
// budget, no daily limit), `clients` at once, A and B in turns (AB, BA, …). Printed per side: the CPU time of the
// database's backends per payment (/proc/<pid>/schedstat, bench/backend-cpu.ts) and payments/s, and B/A per round.
// Both ledgers are checked at the end, with how many of the wallets' updates were HOT.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from '../src/db/database.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { createPostgresDatabase, postgresAdminUrl } from '../test/support/databases.ts';
import type { TestAccount } from '../test/wallet/helpers.ts';
import { backendCpu } from './backend-cpu.ts';

const { values } = parseArgs({
  options: {
    'a-tree': { type: 'string', default: resolve(import.meta.dirname, '..') },
    'b-tree': { type: 'string', default: resolve(import.meta.dirname, '..') },
    'a-sql': { type: 'string' },
    'b-sql': { type: 'string' },
    rounds: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '3' },
    clients: { type: 'string', default: '16' },
    accounts: { type: 'string', default: '200' },
  },
});
const ACCOUNTS = Number(values.accounts);

const treeOf = async (root: string) => ({
  migrate: (await import(`${root}/src/db/migrate.ts`)).migrate as (db: Database) => Promise<unknown>,
  helpers: (await import(`${root}/test/wallet/helpers.ts`)) as typeof import('../test/wallet/helpers.ts'),
  fundWallet: (await import(`${root}/src/wallet/app/fund-wallet.ts`)).fundWallet as typeof import('../src/wallet/app/fund-wallet.ts').fundWallet,
  sendIntraLedger: (await import(`${root}/src/wallet/app/send-intraledger.ts`)).sendIntraLedger as typeof import('../src/wallet/app/send-intraledger.ts').sendIntraLedger,
});

interface Side {
  label: string;
  tree: Awaited<ReturnType<typeof treeOf>>;
  url: string;
  db: Database;
  drop(): Promise<void>;
  accounts: TestAccount[];
  cpu: number[];
  rate: number[];
}

async function side(label: string, root: string, sql: string | undefined): Promise<Side> {
  const tree = await treeOf(root);
  const { url, drop } = await createPostgresDatabase();
  const db = await openPostgres(url, 20);
  await tree.migrate(db);
  if (sql) await db.exec(readFileSync(sql, 'utf8'));
  const accounts: TestAccount[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const a = await tree.helpers.newAccount(db);
    const funded = await tree.fundWallet(db, { walletId: a.btc, amount: 100_000_000 });
    if (!funded.ok) throw new Error(funded.error.message);
    accounts.push(a);
  }
  return { label, tree, url, db, drop, accounts, cpu: [], rate: [] };
}

/** Pays for `ms` (or, with `each`, once from every account); the number of payments. */
async function pay(s: Side, ms: number, each = false): Promise<number> {
  const deps = s.tree.helpers.walletDeps(s.db);
  let done = 0;
  let turn = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: Number(values.clients) }, async () => {
      while (each ? turn < ACCOUNTS : performance.now() < end) {
        const i = each ? turn++ : Math.floor(Math.random() * ACCOUNTS);
        let j = Math.floor(Math.random() * (ACCOUNTS - 1));
        if (j >= i) j++;
        const [a, b] = [s.accounts[i]!, s.accounts[j]!];
        const r = await s.tree.sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 1, currency: 'BTC', idempotencyKey: randomUUID() });
        if (!r.ok) throw new Error(r.error.message);
        done++;
      }
    }),
  );
  return done;
}

const admin = await openPostgres(await postgresAdminUrl(), 1);
const sides = [await side('A', values['a-tree'], values['a-sql']), await side('B', values['b-tree'], values['b-sql'])];
const [A, B] = sides as [Side, Side];
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const range = (xs: number[], d = 0) => `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;
try {
  for (const s of sides) {
    await pay(s, 0, true); // every account once: the process's caches, the prepared statements
    await pay(s, 1000);
  }
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const s of round % 2 ? [B, A] : [A, B]) {
      const cpu = await backendCpu(admin, new URL(s.url).pathname.slice(1));
      const t0 = performance.now();
      const n = await pay(s, Number(values.seconds) * 1000);
      const seconds = (performance.now() - t0) / 1000;
      await cpu.sample();
      s.cpu.push(cpu.micros() / n);
      s.rate.push(n / seconds);
    }
    console.log(`round ${round + 1}: A ${A.rate.at(-1)!.toFixed(0)}/s ${A.cpu.at(-1)!.toFixed(0)} µs, B ${B.rate.at(-1)!.toFixed(0)}/s ${B.cpu.at(-1)!.toFixed(0)} µs; load ${loadavg()[0]!.toFixed(1)}`);
  }
  const ratios = A.cpu.map((a, i) => B.cpu[i]! / a);
  console.log(`PostgreSQL CPU per payment: A ${median(A.cpu).toFixed(0)} µs (${range(A.cpu)}), B ${median(B.cpu).toFixed(0)} µs (${range(B.cpu)}); B/A per round: median ${median(ratios).toFixed(3)} (${range(ratios, 3)})`);
  console.log(`payments/s: A ${median(A.rate).toFixed(0)}, B ${median(B.rate).toFixed(0)}; B/A per round: median ${median(A.rate.map((a, i) => B.rate[i]! / a)).toFixed(3)}`);
  console.log(`${values.clients} clients, ${values.rounds} rounds of ${values.seconds} s, ${ACCOUNTS} accounts; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end; ${new Date().toISOString().slice(0, 16)} UTC`);
  for (const s of sides) {
    const ledger = await s.tree.helpers.assertLedgerConsistent(s.db);
    if (ledger.unbalancedJournals || ledger.driftingWallets || ledger.negativeUserEntries) throw new Error(`${s.label}: ledger inconsistent: ${JSON.stringify(ledger)}`);
    const [hot] = await s.db.query<{ upd: number; hot: number }>("SELECT n_tup_upd::int AS upd, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relname = 'wallets'");
    console.log(`${s.label}: ledger consistent; wallets' updates HOT: ${hot!.hot} of ${hot!.upd}`);
  }
} finally {
  for (const s of sides) {
    await s.db.close();
    await s.drop();
  }
  await admin.close();
}
