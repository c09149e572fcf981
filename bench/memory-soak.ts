// The memory soak of bench/startup-memory.ts (issue 18): `npm start` on PGlite (a fresh data directory with
// funded accounts and API keys prepared before the start), 60 s idle, then a steady load of browserless
// sign-ins (authorize → login and consent accepted through the admin API → code exchange, bench/hydra-flow.ts)
// and intraledger payments over the GraphQL API, each at a fixed rate, for N minutes. RSS and JS heap are
// read from the process's own /metrics every few seconds; the ledger is checked after the stop.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../src/api-keys/app/create-api-key.ts';
import { ALL_SCOPES } from '../src/api/scopes.ts';
import { loadConfig } from '../src/config/config.ts';
import { openDatabase } from '../src/db/open-database.ts';
import type { UserId } from '../src/shared/brand.ts';
import { fundWallet } from '../src/wallet/app/fund-wallet.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../test/support/auth-target.ts';
import { loopbackEnv } from '../test/support/stack.ts';
import { assertLedgerConsistent, newAccount } from '../test/wallet/helpers.ts';
import { codeFlow, createClient, exchange } from './hydra-flow.ts';

const ROOT = join(import.meta.dirname, '..');
const FUNDS = 100_000_000;
const PAY = 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 1 }) { status errors { code } } }';

export interface SoakSample {
  seconds: number;
  rssMiB: number;
  heapMiB: number;
  /** V8's committed heap: what the heap holds in RSS between full collections. */
  heapTotalMiB: number;
  signIns: number;
  payments: number;
}

export interface SoakResult {
  idleRssMiB: number;
  samples: SoakSample[];
  /** The first sample at which both counts reached `target` (10,000 in the 10-minute run). */
  atTarget: SoakSample | undefined;
  failures: number;
}

/** `npm start` of this checkout with `env`, detached (its own process group); resolves once every server answers. */
export async function launch(env: Record<string, string>): Promise<{ env: Record<string, string>; pid: number; metrics(): Promise<{ rssMiB: number; heapMiB: number; heapTotalMiB: number }>; stop(): Promise<void> }> {
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, detached: true, stdio: 'ignore', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const checks = [`${env.URLS_SELF_ISSUER}/health/ready`, `http://127.0.0.1:${env.SERVE_ADMIN_PORT}/health/ready`, `${env.URLS_API}/health/ready`, `${env.URLS_UI}/health/alive`, `${env.URLS_PORTAL}/health/alive`];
  for (const started = performance.now(); ; ) {
    if ((await Promise.all(checks.map((u) => fetch(u).then((r) => r.ok, () => false)))).every(Boolean)) break;
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    if (performance.now() - started > 120_000) throw new Error('not ready within 120 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    env,
    pid: child.pid!,
    async metrics() {
      const text = await (await fetch(`http://127.0.0.1:${env.SERVE_ADMIN_PORT}/metrics`)).text();
      const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
      return { rssMiB: gauge('lightgate_process_resident_memory_bytes'), heapMiB: gauge('lightgate_nodejs_heap_size_used_bytes'), heapTotalMiB: gauge('lightgate_nodejs_heap_size_total_bytes') };
    },
    async stop() {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}

/** Runs `op` `perSecond` times a second (at most `concurrency` at once) until `until()`; counts successes. */
async function steady(perSecond: number, concurrency: number, until: () => boolean, op: () => Promise<void>, counts: { ok: number; failed: number }): Promise<void> {
  const start = performance.now();
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until()) {
        const due = start + (issued++ * 1000) / perSecond;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (until()) return;
        await op().then(() => void counts.ok++, () => void counts.failed++);
      }
    }),
  );
}

/** `env` is added to the server's environment; `onLaunch` gets the process group of `npm start` (for /proc). */
export async function runSoak(options: { minutes: number; idleSeconds: number; perSecond: number; sampleSeconds: number; target: number; onSample?: (s: SoakSample) => void; env?: Record<string, string>; onLaunch?: (pgid: number) => void }): Promise<SoakResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lightgate-soak-'));
  const env: Record<string, string> = { ...(await loopbackEnv(dataDir)), NODE_ENV: 'development', RATE_LIMIT_IP: '100000000', RATE_LIMIT_CLIENT: '100000000' };
  // Accounts with API keys, prepared in the data directory before the start (PGlite has one connection).
  const db = await openDatabase(loadConfig(env));
  const payers: { btc: string; key: string }[] = [];
  for (let i = 0; i < 50; i++) {
    const account = await newAccount(db);
    const funded = await fundWallet(db, { walletId: account.btc, amount: FUNDS });
    const key = await createApiKey(db, { userId: account.userId as UserId, name: 'soak', scopes: ['read', 'write'], callerScopes: new Set(ALL_SCOPES) });
    if (!funded.ok || !key.ok) throw new Error('could not prepare the accounts');
    payers.push({ btc: account.btc, key: key.value.secret });
  }
  await db.close();

  const server = await launch({ ...env, ...options.env });
  options.onLaunch?.(server.pid);
  const samples: SoakSample[] = [];
  const signIns = { ok: 0, failed: 0 };
  const payments = { ok: 0, failed: 0 };
  let idleRssMiB = NaN;
  try {
    await new Promise((r) => setTimeout(r, options.idleSeconds * 1000));
    idleRssMiB = (await server.metrics()).rssMiB;
    const target: AuthTarget = { kind: 'lightgate', name: 'soak', ...UNREACHABLE_UI, publicUrl: env.URLS_SELF_ISSUER!, adminUrl: `http://127.0.0.1:${env.SERVE_ADMIN_PORT}`, stop: async () => undefined };
    const client = await createClient(target);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const pay = () =>
      new Promise<void>((resolve, reject) => {
        const a = payers[Math.floor(Math.random() * payers.length)]!;
        const b = payers.filter((p) => p !== a)[Math.floor(Math.random() * (payers.length - 1))]!;
        const body = JSON.stringify({ query: PAY, variables: { w: a.btc, r: b.btc } });
        const req = request(`${env.URLS_API}/graphql`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': a.key, 'idempotency-key': randomUUID() } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => (res.statusCode === 200 && text.includes('"SUCCESS"') ? resolve() : reject(new Error(text))));
        });
        req.on('error', reject);
        req.end(body);
      });
    let seq = 0;
    const signIn = async () => void (await exchange(target, client, await codeFlow(target, client, seq++)));
    const started = performance.now();
    const end = started + options.minutes * 60_000;
    const over = () => performance.now() >= end;
    const sampler = (async () => {
      while (!over()) {
        const m = await server.metrics();
        const s = { seconds: (performance.now() - started) / 1000, ...m, signIns: signIns.ok, payments: payments.ok };
        samples.push(s);
        options.onSample?.(s);
        await new Promise((r) => setTimeout(r, options.sampleSeconds * 1000));
      }
    })();
    // The cap on operations in flight, not the rate: with 4 in flight the sign-ins (six requests each) fell
    // behind at ~12/s of the 17/s asked in the 10-minute soak of 2026-11-28; the rate stays fixed either way.
    await Promise.all([steady(options.perSecond, 16, over, signIn, signIns), steady(options.perSecond, 16, over, pay, payments), sampler]);
    const m = await server.metrics();
    samples.push({ seconds: (performance.now() - started) / 1000, ...m, signIns: signIns.ok, payments: payments.ok });
    agent.destroy();
  } finally {
    await server.stop();
  }
  const check = await openDatabase(loadConfig(env));
  try {
    const c = await assertLedgerConsistent(check);
    const [row] = await check.query<{ total: number }>('SELECT sum(balance)::bigint AS total FROM wallets WHERE id = ANY($1::uuid[])', [payers.map((p) => p.btc)]);
    if (c.unbalancedJournals || c.driftingWallets || c.negativeUserEntries || row!.total !== FUNDS * payers.length) throw new Error(`ledger inconsistent after the soak: ${JSON.stringify({ ...c, total: row!.total })}`);
  } finally {
    await check.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { idleRssMiB, samples, atTarget: samples.find((s) => s.signIns >= options.target && s.payments >= options.target), failures: signIns.failed + payments.failed };
}
