// Issue 18's payments goal: intraledger payments/s over HTTP on PostgreSQL ≥ 1.0× the tps of pgbench's
// built-in TPC-B-like script with the same number of clients, on the same server, in the same run.
//   npx node bench/payments-vs-pgbench.ts [--clients 48] [--rounds 5] [--duration 5] [--scale 1] [--pool 20] [--client wrk|node] [--write]
// Rounds interleave the two (pgbench then Lightgate, then Lightgate then pgbench, …). Lightgate is one
// `lightgate start` (api) child process on its own database (200 funded accounts with API keys; every payment
// 1 sat between two of them, a fresh Idempotency-Key each); pgbench runs `-c N -j 2 -T t` on its own database
// after `pgbench -i -s scale`. Both ledgers are checked after every run. Before the rounds, an in-process API
// on a counting Database says how many statements a payment sends (test/support/counting-database.ts).
// --client: the payments' load generator: wrk (C, like pgbench's own client; the default when `wrk` is installed,
// bench/wrk-payments.ts) or node (an HTTP client in this process, which takes a share of the same cores).
import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { globSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/api-keys/app/create-api-key.ts';
import { ALL_SCOPES } from '../src/api/scopes.ts';
import { loadConfig } from '../src/config/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPostgres } from '../src/db/postgres.ts';
import { startStack } from '../src/main/stack.ts';
import type { UserId } from '../src/shared/brand.ts';
import { createLogger } from '../src/shared/logger.ts';
import { fundWallet } from '../src/wallet/app/fund-wallet.ts';
import { createPostgresDatabase, postgresAdminUrl } from '../test/support/databases.ts';
import { startLightgate } from '../test/production/support/lightgate-process.ts';
import { loopbackEnv } from '../test/support/stack.ts';
import { assertLedgerConsistent, newAccount } from '../test/wallet/helpers.ts';
import { countingDatabase } from '../test/support/counting-database.ts';
import { payWithWrk } from './wrk-payments.ts';
import { backendCpu, childrenCpuMicros } from './backend-cpu.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '48' },
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '5' },
    scale: { type: 'string', default: '1' },
    pool: { type: 'string', default: '20' },
    accounts: { type: 'string', default: '200' },
    write: { type: 'boolean', default: false },
    client: { type: 'string', default: spawnSync('wrk', ['-v']).error ? 'node' : 'wrk' },
  },
});
if (values.client !== 'wrk' && values.client !== 'node') throw new Error('--client is wrk or node');
const CLIENTS = Number(values.clients);
const ROUNDS = Number(values.rounds);
const SECONDS = Math.max(1, Math.round(Number(values.duration)));
const ACCOUNTS = Number(values.accounts);
const FUNDS = 100_000_000;
const GOAL = 1.0;
const PGBENCH = globSync('/usr/lib/postgresql/*/bin/pgbench').sort().at(-1) ?? 'pgbench';
const PAY = 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 1 }) { status errors { code } } }';
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const cpuTicks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

interface Payer {
  btc: string;
  apiKey: string;
}

/**
 * Pays for `ms` with `clients` concurrent HTTP clients; resolves to successful payments and failures. With
 * `each`, instead every account pays once (warms the API's per-process caches: credentials, account ids).
 */
async function payFor(api: string, accounts: Payer[], clients: number, ms: number, each = false): Promise<{ ok: number; failed: number; seconds: number }> {
  let turn = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const pay = () =>
    new Promise<boolean>((resolve) => {
      const a = each ? turn++ : Math.floor(Math.random() * accounts.length);
      let b = Math.floor(Math.random() * (accounts.length - 1));
      if (b >= a) b++;
      const body = JSON.stringify({ query: PAY, variables: { w: accounts[a]!.btc, r: accounts[b]!.btc } });
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': accounts[a]!.apiKey, 'idempotency-key': randomUUID() };
      const req = request(`${api}/graphql`, { method: 'POST', agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(res.statusCode === 200 && text.includes('"SUCCESS"')));
      });
      req.on('error', () => resolve(false));
      req.end(body);
    });
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (each ? turn < accounts.length : performance.now() < end) {
      if (await pay()) ok++;
      else failed++;
    }
  }));
  agent.destroy();
  return { ok, failed, seconds: (performance.now() - started) / 1000 };
}

// The server is shared (max_connections): a run refused for "too many clients" is tried again a little later.
// `whileRunning` is called every 20 ms until pgbench exits (the backends' CPU is sampled while they live).
async function pgbench(url: string, args: string[], whileRunning?: () => Promise<void>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      let running = true;
      const run = new Promise<string>((resolve, reject) =>
        execFile(PGBENCH, [...args, url], { encoding: 'utf8' }, (error, stdout, stderr) => ((running = false), error ? reject(Object.assign(error, { stderr })) : resolve(stdout))),
      );
      run.catch(() => undefined); // handled below, once the sampling stops
      while (whileRunning && running) await Promise.all([whileRunning(), new Promise((r) => setTimeout(r, 20))]);
      return await run;
    } catch (error) {
      if (attempt >= 5 || !String((error as { stderr?: string }).stderr).includes('too many clients')) throw error;
      await new Promise((r) => setTimeout(r, 3000));
    }
  }
}

const pgbenchDb = await createPostgresDatabase();
const ledgerDb = await createPostgresDatabase();
const db = await openPostgres(ledgerDb.url, 5);
const bankDb = await openPostgres(pgbenchDb.url, 2);
const admin = await openPostgres(await postgresAdminUrl(), 1); // samples the backends' CPU from another database
const dbName = (url: string) => new URL(url).pathname.slice(1);
const dataDir = mkdtempSync(join(tmpdir(), 'lightgate-pgbench-'));
let child: Awaited<ReturnType<typeof startLightgate>> | undefined;
try {
  await pgbench(pgbenchDb.url, ['-i', '-q', '-s', String(values.scale)]);
  await migrate(db);
  const accounts: Payer[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const a = await newAccount(db);
    const f = await fundWallet(db, { walletId: a.btc, amount: FUNDS });
    if (!f.ok) throw new Error(f.error.message);
    const key = await createApiKey(db, { userId: a.userId as UserId, name: 'pgbench', scopes: ['read', 'write'], callerScopes: new Set(ALL_SCOPES) });
    if (!key.ok) throw new Error(key.error.message);
    accounts.push({ btc: a.btc, apiKey: key.value.secret });
  }
  const checkLedger = async () => {
    const c = await assertLedgerConsistent(db);
    if (c.unbalancedJournals || c.driftingWallets || c.negativeUserEntries) throw new Error(`ledger inconsistent: ${JSON.stringify(c)}`);
    const [row] = await db.query<{ total: number }>('SELECT sum(balance)::bigint AS total FROM wallets WHERE id = ANY($1::uuid[])', [accounts.map((a) => a.btc)]);
    if (row!.total !== FUNDS * accounts.length) throw new Error(`sats created or lost: ${row!.total}`);
  };
  // TPC-B's own invariant: the account, teller and branch totals agree, and moved by the run's history
  // (pgbench empties pgbench_history before each run).
  const bankTotals = async () =>
    (await bankDb.query<Record<string, number>>(
      'SELECT (SELECT sum(abalance) FROM pgbench_accounts)::bigint AS a, (SELECT sum(tbalance) FROM pgbench_tellers)::bigint AS t, (SELECT sum(bbalance) FROM pgbench_branches)::bigint AS b, (SELECT coalesce(sum(delta), 0) FROM pgbench_history)::bigint AS h',
    ))[0]!;
  const checkBank = async (before: Record<string, number>) => {
    const r = await bankTotals();
    if (!(r.a === r.t && r.t === r.b && r.a! - before.a! === r.h)) throw new Error(`pgbench totals differ: ${JSON.stringify({ before, after: r })}`);
  };
  const env = { DATABASE_URL: ledgerDb.url, LIGHTGATE_SERVICES: 'api', LOG_LEVEL: 'warn', RATE_LIMIT_IP: '100000000', RATE_LIMIT_CLIENT: '100000000', DATABASE_POOL_SIZE: String(values.pool) };

  // Statements per payment, counted in an in-process API (same code, same settings): one payment at a time,
  // then CLIENTS at once (requests share the rate-limit statement and the webhook worker's rounds).
  const counter = countingDatabase(await openPostgres(ledgerDb.url, Number(values.pool)));
  const config = loadConfig({ ...(await loopbackEnv(dataDir)), ...env, LOG_LEVEL: 'silent' });
  const stack = await startStack(config, { db: counter.db, logger: createLogger('silent') });
  const perPayment: Record<string, { payments: number; total: number; byLabel: [string, number][] }> = {};
  for (const [name, clients] of [['1 client', 1], [`${CLIENTS} clients`, CLIENTS]] as const) {
    await payFor(config.urls.api, accounts, clients, 0, true);
    await new Promise((r) => setTimeout(r, 100));
    counter.reset();
    const r = await payFor(config.urls.api, accounts, clients, 1500);
    await new Promise((r) => setTimeout(r, 100)); // the worker's round after the last payment
    const c = counter.counts();
    perPayment[name] = { payments: r.ok, total: c.total / r.ok, byLabel: c.byLabel };
    console.log(`statements per payment, ${name}: ${(c.total / r.ok).toFixed(2)} (${r.ok} payments)\n${c.byLabel.map(([l, n]) => `  ${(n / r.ok).toFixed(2)}  ${l}`).join('\n')}`);
  }
  await stack.close();
  await counter.db.close();
  await checkLedger();

  child = await startLightgate({ env: process.env.PROF_DIR ? { ...env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.PROF_DIR}` } : env });
  const api = child.urls.api;
  const pid = child.child.pid!;
  await payFor(api, accounts, CLIENTS, 0, true); // warm-up: every account once
  await pgbench(pgbenchDb.url, ['-c', String(CLIENTS), '-j', '2', '-T', '1']);
  const ours: number[] = [];
  const theirs: number[] = [];
  const cpuPerPayment: number[] = [];
  // CPU µs per payment / per pgbench transaction: PostgreSQL's backends, and the load generator (wrk, pgbench).
  const pgPerPayment: number[] = [];
  const pgPerTxn: number[] = [];
  const clientPerPayment: number[] = [];
  const clientPerTxn: number[] = [];
  let failed = 0;
  const runOurs = async () => {
    const c0 = cpuTicks(pid);
    const [backends, children] = [await backendCpu(admin, dbName(ledgerDb.url)), childrenCpuMicros()];
    const r = values.client === 'wrk' ? await payWithWrk(api, accounts, CLIENTS, SECONDS * 1000, PAY) : await payFor(api, accounts, CLIENTS, SECONDS * 1000);
    await backends.sample();
    pgPerPayment.push(backends.micros() / r.ok);
    clientPerPayment.push((childrenCpuMicros() - children) / r.ok);
    cpuPerPayment.push(((cpuTicks(pid) - c0) * 10_000) / r.ok);
    failed += r.failed;
    ours.push(r.ok / r.seconds);
    await checkLedger();
  };
  const runTheirs = async () => {
    const before = await bankTotals();
    const [backends, children] = [await backendCpu(admin, dbName(pgbenchDb.url)), childrenCpuMicros()];
    const out = await pgbench(pgbenchDb.url, ['-c', String(CLIENTS), '-j', '2', '-T', String(SECONDS)], () => backends.sample());
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1];
    const txns = Number(/transactions actually processed: (\d+)/.exec(out)?.[1]);
    if (!tps || !txns) throw new Error(`no tps in pgbench's output:\n${out}`);
    theirs.push(Number(tps));
    pgPerTxn.push(backends.micros() / txns);
    clientPerTxn.push((childrenCpuMicros() - children) / txns);
    await checkBank(before);
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const run of round % 2 ? [runOurs, runTheirs] : [runTheirs, runOurs]) await run();
    console.log(`round ${round + 1}: pgbench ${theirs.at(-1)!.toFixed(0)} tps, Lightgate ${ours.at(-1)!.toFixed(0)} payments/s, ratio ${(ours.at(-1)! / theirs.at(-1)!).toFixed(2)}, CPU µs per payment: API ${cpuPerPayment.at(-1)!.toFixed(0)}, PostgreSQL ${pgPerPayment.at(-1)!.toFixed(0)}, ${values.client} ${clientPerPayment.at(-1)!.toFixed(0)}; per pgbench transaction: PostgreSQL ${pgPerTxn.at(-1)!.toFixed(0)}, pgbench ${clientPerTxn.at(-1)!.toFixed(0)}; load ${load()}`);
  }
  const ratios = ours.map((o, i) => o / theirs[i]!);
  const spread = (xs: number[], d = 0) => `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;
  const [pgVersion] = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${pgVersion!.v} on the same machine (shared by pgbench, the load generator and the API); ${CLIENTS} clients, ${ROUNDS} interleaved rounds of ${SECONDS} s, pgbench scale ${values.scale}, API pool ${values.pool}; payments' load generator: ${values.client === 'wrk' ? 'wrk (C), 2 threads' : 'Node http client in the bench process'}; load average ${load()} at the end; ${new Date().toISOString().slice(0, 16)} UTC`;
  const count = (name: string) => perPayment[name]!.total.toFixed(1);
  const table = [
    '| | median | spread (min–max) |',
    '| --- | ---: | --- |',
    `| pgbench tpcb-like, transactions/s | ${median(theirs).toFixed(0)} | ${spread(theirs)} |`,
    `| Lightgate \`intraLedgerPaymentSend\` over HTTP, payments/s | ${median(ours).toFixed(0)} | ${spread(ours)} |`,
    `| **ratio** (per round; goal ≥ ${GOAL.toFixed(1)}) | **${median(ratios).toFixed(2)}** | ${spread(ratios, 2)} |`,
    `| API process CPU per payment | ${median(cpuPerPayment).toFixed(0)} µs | ${spread(cpuPerPayment)} µs |`,
    `| PostgreSQL backends' CPU per payment | ${median(pgPerPayment).toFixed(0)} µs | ${spread(pgPerPayment)} µs |`,
    `| PostgreSQL backends' CPU per pgbench transaction | ${median(pgPerTxn).toFixed(0)} µs | ${spread(pgPerTxn)} µs |`,
    `| load generator's CPU per payment (${values.client}) / per transaction (pgbench) | ${median(clientPerPayment).toFixed(0)} / ${median(clientPerTxn).toFixed(0)} µs | ${spread(clientPerPayment)} / ${spread(clientPerTxn)} µs |`,
    `| statements per payment (1 client / ${CLIENTS} clients) | ${count('1 client')} / ${count(`${CLIENTS} clients`)} | pgbench: 7 (BEGIN, 5, END) |`,
  ].join('\n');
  const detail = perPayment[`${CLIENTS} clients`]!;
  const statements = detail.byLabel.map(([l, n]) => `\`${l}\` ${(n / detail.payments).toFixed(2)}`).join(', ');
  console.log(`\n${table}\n\nrefused payments: ${failed}\n${machine}\nmeasured ${median(ratios).toFixed(2)}× vs goal ≥ ${GOAL.toFixed(1)}× — ${median(ratios) >= GOAL ? 'met' : 'NOT met'}`);
  if (values.write) {
    writeSection(`<!-- payments-vs-pgbench:begin -->
## Payments vs pgbench's TPC-B-like transaction (issue 18, bench/payments-vs-pgbench.ts)

\`npx node bench/payments-vs-pgbench.ts --write\` — goal: payments/s ≥ ${GOAL.toFixed(1)}× pgbench's tps at the same clients.

${table}

Machine: ${machine}. Refused payments: ${failed}. Both ledgers checked after every run (journals balance, wallets
equal their entries, no sat created or lost; pgbench's account, teller, branch and history totals equal).

Statements per payment at ${CLIENTS} clients, by kind: ${statements}.
<!-- payments-vs-pgbench:end -->`);
  }
} finally {
  await child?.stop();
  await db.close();
  await bankDb.close();
  await admin.close();
  await ledgerDb.drop();
  await pgbenchDb.drop();
  rmSync(dataDir, { recursive: true, force: true });
}

function writeSection(section: string) {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const [begin, end] = ['<!-- payments-vs-pgbench:begin -->', '<!-- payments-vs-pgbench:end -->'];
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  writeFileSync(file, a >= 0 && b > a ? text.slice(0, a) + section + text.slice(b + end.length) : `${text.trimEnd()}\n\n${section}\n`);
}
