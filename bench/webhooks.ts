// Webhooks (issue 14) on PostgreSQL, in one process:
// 1. the cost per payment of events that go somewhere: intraledger payments between accounts WITHOUT
//    callback endpoints (the baseline: the outbox rows are written, nothing is delivered) against
//    payments between accounts WITH endpoints while this process's worker fans them out and delivers
//    them to a local receiver, interleaved round by round; plus the outbox write alone (two event rows
//    and their NOTIFY in a transaction), the part of every payment that exists for events;
// 2. events delivered per second: a backlog of events drained by one worker to a local receiver that
//    verifies every request with `standardwebhooks`.
//   npx node bench/webhooks.ts [--duration 3] [--rounds 3] [--workers 8] [--events 2000] [--concurrency 16] [--write]
// --write replaces this bench's section of docs/benchmarks.md (between its markers).
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { migrate } from '../src/db/migrate.ts';
import { openPostgres } from '../src/db/postgres.ts';
import type { AccountId, WalletId } from '../src/shared/brand.ts';
import { fundWallet } from '../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../src/wallet/app/send-intraledger.ts';
import { recordWalletEvents } from '../src/wallet/services/wallet-events.ts';
import { createWebhooksService, type WebhookSettings } from '../src/webhooks/webhooks-service.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';
import { newAccount, walletDeps, type TestAccount } from '../test/wallet/helpers.ts';
import { startReceiver } from '../test/webhooks/receiver.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    workers: { type: 'string', default: '8' },
    events: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    write: { type: 'boolean', default: false },
  },
});
const duration = Number(values.duration) * 1000;
const rounds = Number(values.rounds);
const workers = Number(values.workers);
const backlog = Number(values.events);
const PAIRS = 16;
const SECRETS = ['bench-webhooks-secret-0123456789abcdefghijkl'];

const database = await createPostgresDatabase();
const db = await openPostgres(database.url, 20);
const receiver = await startReceiver();
const settings: WebhookSettings = {
  allowLoopback: true,
  baseMs: 1000,
  windowMs: 3600_000,
  connectTimeoutMs: 2000,
  totalTimeoutMs: 5000,
  maxResponseBytes: 1024,
  maxEndpointsPerAccount: 10,
  concurrency: Number(values.concurrency),
  pollIntervalMs: 200,
  manualPerMinute: 10,
};
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

try {
  await migrate(db);
  const [pg] = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const face = createWebhooksService({ db, secrets: SECRETS, settings, appAuthorized: async () => true, runWorker: true });
  const deps = walletDeps(db);

  async function pairs(withEndpoints: boolean): Promise<[TestAccount, TestAccount][]> {
    const out: [TestAccount, TestAccount][] = [];
    for (let i = 0; i < PAIRS; i++) {
      const a = await newAccount(db);
      const b = await newAccount(db);
      if (!(await fundWallet(db, { walletId: a.btc, amount: 1e9 })).ok) throw new Error('funding failed');
      if (withEndpoints) {
        for (const [who, path] of [[a, `/a${i}`], [b, `/b${i}`]] as const) {
          const added = await face.add({ accountId: who.accountId, clientId: null }, receiver.url(path));
          if (!added.ok) throw new Error(added.error.message);
          receiver.secret(path, added.value.secret);
        }
      }
      out.push([a, b]);
    }
    return out;
  }
  const plain = await pairs(false);
  const hooked = await pairs(true);

  async function payments(set: [TestAccount, TestAccount][]) {
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + duration;
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        for (let i = 0; performance.now() < deadline; i++) {
          const [a, b] = set[(w + i * workers) % set.length]!;
          const t = performance.now();
          const sent = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 1, currency: 'BTC' });
          if (!sent.ok) throw new Error(sent.error.message);
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { perSecond: latencies.length / ((performance.now() - started) / 1000), p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
  }

  async function outboxAlone() {
    const [a, b] = plain[0]!;
    const events = [
      { type: 'payment.sent' as const, accountId: a.accountId as AccountId, walletId: a.btc as WalletId, transactionId: '1', paymentHash: null, data: { transaction: { id: '1', settlementAmount: -1 } } },
      { type: 'payment.received' as const, accountId: b.accountId as AccountId, walletId: b.btc as WalletId, transactionId: '2', paymentHash: null, data: { transaction: { id: '2', settlementAmount: 1 } } },
    ];
    const timing = async (withOutbox: boolean) => {
      const n = 300;
      const t = performance.now();
      for (let i = 0; i < n; i++) {
        await db.transaction(async (tx) => {
          await tx.query('SELECT 1');
          if (withOutbox) await recordWalletEvents(tx, events);
        });
      }
      return (performance.now() - t) / n;
    };
    const empty = await timing(false);
    const withRows = await timing(true);
    await db.query("UPDATE wallet_events SET dispatched_at = now() WHERE transaction_id IN ('1', '2')");
    return withRows - empty;
  }

  // Interleaved rounds: without endpoints, then with (the worker delivering meanwhile).
  const results: { plain: Awaited<ReturnType<typeof payments>>[]; hooked: Awaited<ReturnType<typeof payments>>[]; outboxMs: number[] } = { plain: [], hooked: [], outboxMs: [] };
  await payments(plain); // warm-up
  for (let r = 0; r < rounds; r++) {
    results.plain.push(await payments(plain));
    results.hooked.push(await payments(hooked));
    results.outboxMs.push(await outboxAlone());
  }
  for (let i = 0; i < 600; i++) {
    const [row] = await db.query<{ n: number }>("SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending') + (SELECT count(*) FROM wallet_events WHERE dispatched_at IS NULL) AS n");
    if (Number(row!.n) === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  // Delivery throughput: stop the worker, make a backlog, start a fresh worker and time the drain.
  await face.close();
  const deliveredBefore = receiver.received.length;
  const [a, b] = hooked[0]!;
  for (let i = 0; i < backlog / 2; i++) {
    const sent = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 1, currency: 'BTC' });
    if (!sent.ok) throw new Error(sent.error.message);
  }
  const t0 = performance.now();
  const drain = createWebhooksService({ db, secrets: SECRETS, settings, appAuthorized: async () => true, runWorker: true });
  await receiver.waitFor(() => receiver.received.length - deliveredBefore >= backlog, 300_000);
  const drainSeconds = (performance.now() - t0) / 1000;
  await drain.close();
  const verified = receiver.received.slice(deliveredBefore).filter((r) => r.verified).length;

  const best = <T extends { perSecond: number }>(xs: T[]) => xs.reduce((m, x) => (x.perSecond > m.perSecond ? x : m));
  const median = (xs: number[]) => quantile(xs, 0.5);
  const p = best(results.plain);
  const h = best(results.hooked);
  const load = loadavg().map((x) => x.toFixed(1)).join(' ');
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${pg!.v} on the same machine; ${workers} concurrent payers over ${PAIRS} account pairs per side, best of ${rounds} interleaved rounds of ${duration / 1000} s; worker concurrency ${settings.concurrency}; receiver in the same process, verifying with standardwebhooks; load average ${load} at the end; ${new Date().toISOString().slice(0, 10)}`;
  const section = `<!-- webhooks:begin -->
## Webhooks (issue 14)

\`npx node bench/webhooks.ts --write\` — ${machine}.

| scenario | payments/s | p50 ms | p99 ms | ratio |
| --- | ---: | ---: | ---: | ---: |
| payments, accounts without endpoints (baseline) | ${p.perSecond.toFixed(0)} | ${p.p50.toFixed(1)} | ${p.p99.toFixed(1)} | 1.00 |
| payments, both accounts with an endpoint, worker delivering | ${h.perSecond.toFixed(0)} | ${h.p50.toFixed(1)} | ${h.p99.toFixed(1)} | ${(h.perSecond / p.perSecond).toFixed(2)} |

- The outbox write itself (two \`wallet_events\` rows and their NOTIFY inside the payment's transaction, which every
  payment makes, endpoints or not): ${median(results.outboxMs).toFixed(2)} ms per payment (median of ${rounds}, measured as a transaction
  with the write minus the same transaction without it).
- Delivery: a backlog of ${backlog} events drained in ${drainSeconds.toFixed(1)} s by one worker: **${(backlog / drainSeconds).toFixed(0)} events/s**
  (${verified} of ${backlog} verified by the receiver).
- Reading the ratio: both sides write the same outbox rows in the payment's transaction; the difference is the
  delivery work (fan-out, signing, HTTP, and the receiver's verification) running in this same process on the
  same cores while the payments run, i.e. an upper bound of what endpoints cost a co-located API process.
- The machine is shared by eight people working at once (load average above): re-run on an idle machine before
  reading the absolute numbers; the ratio is from interleaved rounds of one run.
<!-- webhooks:end -->`;
  console.log(section);
  if (values.write) writeSection(section);
} finally {
  await receiver.close();
  await db.close();
  await database.drop();
}

function writeSection(section: string) {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf('<!-- webhooks:begin -->');
  const end = '<!-- webhooks:end -->';
  const b = text.indexOf(end);
  writeFileSync(file, a >= 0 && b > a ? text.slice(0, a) + section + text.slice(b + end.length) : `${text.trimEnd()}\n\n${section}\n`);
}
