// Benchmark (issues 8 and 18): Ory Hydra v2.3.0 (default settings) against Lightgate's auth server, both
// running at once as separate processes, each on its own fresh database of the same local PostgreSQL,
// driven by the same raw-HTTP client (bench/hydra-flow.ts), interleaved round by round so that the load of
// the machine hits both alike: round r runs every target in turn (A B …, then … B A), each at every
// concurrency level. Reported per metric: the median over the rounds and the spread (min–max), the ratio
// per round, and each goal of issue 18 as measured vs goal.
//
//   npx node bench/hydra-compare.ts [--rounds=5] [--concurrency=1,8] [--quick] [--write] [--count-sql]
//                                   [--rev=<git rev>]… [--tree=<dir>]… [--no-checkout] [--tuned] [--client=wrk|fetch]
//
// --rev adds Lightgate at that commit (git archive beside this checkout, its node_modules) as another
// target, for before/after in one run; --tree a source tree as it is; --no-checkout leaves this working tree
// out (it holds other people's unfinished work while they edit); --tuned adds Hydra with BCrypt cost 4 and an RSA-2048 ID token key.
// --client: introspection's load generator: wrk (C, bench/wrk-introspect.ts; the default when `wrk` is installed)
// or fetch (this process, which spends about as much CPU per introspection as the server measured). The flows,
// code exchanges and refreshes are always driven by fetch. The CPU each server process (and its PostgreSQL
// backends) spent per introspection is read from /proc and printed with the tables.
// --count-sql first counts the SQL round trips of each step (bench/pg-wire-counter.ts, a separate pair of
// servers, so the timed run goes straight to PostgreSQL). HC_PROF=<dir> writes a --cpu-prof of every
// Lightgate process. --write replaces the section between the hydra-compare markers of docs/benchmarks.md.
import { spawn, spawnSync, execSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { startHydra } from '../scripts/hydra/start.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../test/support/auth-target.ts';
import { benchCommitSetting, createPostgresDatabase } from '../test/support/databases.ts';
import { loopbackEnv } from '../test/support/stack.ts';
import { codeFlow, createClient, exchange, introspect, lapsInto, STEPS, token, type Client, type Laps, type Step } from './hydra-flow.ts';
import { pgWireCounter } from './pg-wire-counter.ts';
import { cpuTicksOf, databaseTicks, pidListeningOn } from './process-cpu.ts';
import { introspectWithWrk } from './wrk-introspect.ts';
import { cpuLine, goalLines, medianOf, report, type Round } from './hydra-report.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '1,8' }, quick: { type: 'boolean', default: false }, write: { type: 'boolean', default: false }, 'count-sql': { type: 'boolean', default: false }, rev: { type: 'string', multiple: true, default: [] }, tree: { type: 'string', multiple: true, default: [] }, 'no-checkout': { type: 'boolean', default: false }, tuned: { type: 'boolean', default: false }, client: { type: 'string', default: spawnSync('wrk', ['-v']).error ? 'fetch' : 'wrk' } } });
if (values.client !== 'wrk' && values.client !== 'fetch') throw new Error('--client is wrk or fetch');
const ROUNDS = Number(values.rounds);
const LEVELS = values.concurrency.split(',').map(Number);
const N = values.quick ? 16 : 48; // flows, and again codes to exchange and refresh, per target, level and round
const N_INTROSPECT = values.quick ? 200 : 600;
const WRK_SECONDS = values.quick ? 1 : 2; // per target, level and round, with --client wrk
const REPO = join(import.meta.dirname, '..');

interface Target extends AuthTarget {
  client?: Client;
  /** The server's process, for its CPU per introspection. */
  pid?: number;
  /** Its database's name, for the CPU of its PostgreSQL backends. */
  database?: string;
}

/** `lightgate start` (auth only) of a source tree, as its own process, on `databaseUrl`. */
async function lightgate(tree: string, label: string, databaseUrl: string): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lightgate-bench-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...(await loopbackEnv(dataDir)),
    DATABASE_URL: databaseUrl,
    LIGHTGATE_SERVICES: 'auth',
    LOG_LEVEL: 'warn',
    URLS_LOGIN: UNREACHABLE_UI.loginUrl, URLS_CONSENT: UNREACHABLE_UI.consentUrl, URLS_LOGOUT: UNREACHABLE_UI.logoutUrl,
    // Hydra has no rate limit; the bench's one IP would hit Lightgate's.
    RATE_LIMIT_IP: '100000000', RATE_LIMIT_CLIENT: '100000000',
    SECRETS_SYSTEM: 'bench-system-secret-0123456789abcdef', SECRETS_COOKIE: 'bench-cookie-secret-0123456789abcdef',
    ...(process.env.HC_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.HC_PROF}/${label.replace(/\W+/g, '_')}` } : {}),
  };
  const child = spawn(process.execPath, [join(tree, 'src/cli/main.ts'), 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => void (out = (out + b.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const publicUrl = `http://127.0.0.1:${env.SERVE_PUBLIC_PORT}`;
  const adminUrl = `http://127.0.0.1:${env.SERVE_ADMIN_PORT}`;
  for (const deadline = Date.now() + 60_000; ; ) {
    if (child.exitCode !== null) throw new Error(`${label} exited:\n${out}`);
    const up = await Promise.all([publicUrl, adminUrl].map((u) => fetch(`${u}/health/alive`).then((r) => r.ok, () => false)));
    if (up.every(Boolean)) break;
    if (Date.now() > deadline) throw new Error(`${label} not ready:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    kind: 'lightgate', name: label, ...UNREACHABLE_UI, publicUrl, adminUrl, output: () => out, pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function hydra(label: string, databaseUrl: string, env: Record<string, string> = {}): Promise<Target> {
  const h = await startHydra({ ...UNREACHABLE_UI, databaseUrl, env });
  return { kind: 'hydra', name: `Ory Hydra ${h.version}${label}`, ...UNREACHABLE_UI, publicUrl: h.publicUrl, adminUrl: h.adminUrl, stop: h.stop, output: h.output, pid: pidListeningOn(Number(new URL(h.adminUrl).port)) };
}

/** Replaces Hydra's ID token signing key (RSA-4096 by default) with an RSA-2048 one, like Lightgate's. */
async function rsa2048IdTokenKey(t: AuthTarget): Promise<void> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'rsa-2048', use: 'sig', alg: 'RS256' };
  const res = await fetch(`${t.adminUrl}/admin/keys/hydra.openid.id-token`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys: [jwk] }) });
  if (!res.ok) throw new Error(`could not set Hydra's ID token key: ${res.status} ${await res.text()}`);
}

/** The Lightgate trees: this checkout, then each --rev exported beside it. */
const work = mkdtempSync(join(tmpdir(), 'lightgate-hc-'));
const trees = [...(values['no-checkout'] ? [] : [{ dir: REPO, label: 'Lightgate' }]), ...values.tree.map((dir) => ({ dir, label: `Lightgate ${dir}` })), ...values.rev.map((rev, i) => {
  const dir = join(work, String(i));
  execSync(`mkdir -p ${dir} && git -C ${REPO} archive ${rev} | tar -x -C ${dir}`);
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return { dir, label: `Lightgate @${rev}` };
})];

type Factory = { name: string; start: (url: string) => Promise<Target> };
const factories: Factory[] = [
  { name: 'hydra', start: (url) => hydra('', url) },
  ...(values.tuned ? [{ name: 'hydra tuned', start: async (url: string) => { const t = await hydra(' tuned (bcrypt 4, RSA-2048)', url, { OAUTH2_HASHERS_BCRYPT_COST: '4' }); await rsa2048IdTokenKey(t); return t; } }] : []),
  ...trees.map((t) => ({ name: t.label, start: (url: string) => lightgate(t.dir, t.label, url) })),
];

async function withTargets<T>(counted: boolean, use: (ts: Target[], counters: (() => number)[]) => Promise<T>): Promise<T> {
  const dbs = await Promise.all(factories.map(() => createPostgresDatabase()));
  const proxies = counted ? await Promise.all(dbs.map((d) => pgWireCounter(d.url))) : [];
  const ts: Target[] = [];
  try {
    for (const [i, f] of factories.entries()) ts.push({ ...(await f.start(proxies[i]?.url ?? dbs[i]!.url)), database: new URL(dbs[i]!.url).pathname.slice(1) });
    for (const t of ts) t.client = await createClient(t);
    return await use(ts, proxies.map((p) => p.roundTrips));
  } finally {
    // A server's own error lines, when an operation on it failed (the bench shows only what the client saw).
    for (const t of ts.filter((x) => failures.some((f) => f.startsWith(`${x.name}:`)))) process.stderr.write(`${t.name} logged:\n${(t.output?.() ?? "").split('\n').filter((l) => /"level":(50|60)|level=error/.test(l)).slice(0, 5).join('\n')}\n`);
    for (const t of ts) await t.stop().catch(() => {});
    for (const p of proxies) await p.close();
    for (const d of dbs) await d.drop().catch(() => {});
  }
}

/** SQL round trips per step, median over sequential flows, per target. */
async function countSql(): Promise<Record<string, Partial<Record<Step, number>>>> {
  return withTargets(true, async (ts, counters) => {
    const out: Record<string, Partial<Record<Step, number>>> = {};
    for (const [i, t] of ts.entries()) {
      const laps: Laps = {};
      let before = counters[i]!();
      const on = (s: Step) => {
        const now = counters[i]!();
        (laps[s] ??= []).push(now - before);
        if (process.env.HC_SQL_LOG) appendFileSync(process.env.HC_SQL_LOG, `--- ${t.name}: ${s}: ${now - before}\n`);
        before = now;
      };
      for (let n = 0; n < 15; n++) {
        await new Promise((r) => setTimeout(r, 20)); // a write after the response would count in the next step
        before = counters[i]!();
        await exchange(t, t.client!, await codeFlow(t, t.client!, n, on), on);
      }
      out[t.name] = Object.fromEntries(STEPS.map((s) => [s, medianOf(laps[s] ?? [])]));
    }
    return out;
  });
}

const failures: string[] = [];
/** op(0..count-1) on `c` workers: throughput and latency percentiles. */
async function measure(t: Target, c: number, count: number, op: (i: number) => Promise<unknown>): Promise<{ ops: number; p50: number; p95: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: c }, async () => {
    for (let i = next++; i < count; i = next++) {
      const s = performance.now();
      // A failed operation is reported and left out (its latency too), not the end of the run.
      try {
        await op(i);
        lat.push(performance.now() - s);
      } catch (e) {
        failures.push(`${t.name}: ${String(e).slice(0, 400)}`);
        process.stderr.write(`failed: ${failures.at(-1)}\n`);
      }
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
  return { ops: lat.length / seconds, p50: pct(50), p95: pct(95) };
}

let seq = 0;
async function oneRound(t: Target, c: number): Promise<Round> {
  const cl = t.client!;
  const laps: Laps = {};
  const on = lapsInto(laps);
  const flow = await measure(t, c, N, async () => exchange(t, cl, await codeFlow(t, cl, seq++, on), on));
  const codes: string[] = [];
  await measure(t, c, N, async () => codes.push(await codeFlow(t, cl, seq++, on)));
  const refresh: string[] = [];
  const ex = await measure(t, c, N, async (i) => refresh.push((await exchange(t, cl, codes[i]!)).refresh_token!));
  // A refresh revokes the access token issued with the old refresh token: introspect the new ones.
  const access: string[] = [];
  const rf = await measure(t, c, N, async (i) => access.push((await token(t, cl, { grant_type: 'refresh_token', refresh_token: refresh[i]! })).access_token!));
  await new Promise((r) => setTimeout(r, 300)); // work the refreshes left behind (GC, autovacuum) is not introspection's CPU
  const before = { server: cpuTicksOf(t.pid), db: await databaseTicks(t.database) };
  let intro: { ops: number; p50: number; p95: number };
  let done = N_INTROSPECT;
  if (values.client === 'wrk') {
    const w = await introspectWithWrk(t.adminUrl, access, c, WRK_SECONDS);
    if (w.failed) failures.push(`${t.name}: ${w.failed} of ${w.requests} introspections by wrk failed`);
    intro = w;
    done = w.requests;
  } else intro = await measure(t, c, N_INTROSPECT, (i) => introspect(t, access[i % access.length]!));
  const after = { server: cpuTicksOf(t.pid), db: await databaseTicks(t.database) };
  const perOp = (a?: number, b?: number) => (a === undefined || b === undefined ? NaN : ((b - a) * 1e6) / done);
  return { metrics: { flow, exchange: ex, refresh: rf, introspection: intro }, steps: Object.fromEntries(STEPS.map((s) => [s, medianOf(laps[s] ?? [])])), introspectionCpu: { server: perOp(before.server, after.server), db: perOp(before.db, after.db) } };
}

const sql = values['count-sql'] ? await countSql() : undefined;
if (ROUNDS === 0) {
  console.log(JSON.stringify(sql, null, 1));
  process.exit(0);
}
const rounds = await withTargets(false, async (ts) => {
  for (const t of ts) for (let i = 0; i < 10; i++) await exchange(t, t.client!, await codeFlow(t, t.client!, seq++)); // warm-up
  const all: Record<number, Record<string, Round[]>> = {};
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...ts].reverse() : ts;
    for (const c of LEVELS) for (const t of order) ((all[c] ??= {})[t.name] ??= []).push(await oneRound(t, c));
    process.stderr.write(`round ${r + 1}/${ROUNDS} done, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
  }
  return { all, names: ts.map((t) => t.name) };
}).finally(() => rmSync(work, { recursive: true, force: true }));

const meta = `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}; ${ROUNDS} rounds interleaved (A B …, then … B A); per target, level and round ${N} whole flows, ${N} code exchanges, ${N} refreshes and ${values.client === 'wrk' ? `${WRK_SECONDS} s of introspections by wrk (C, one thread; the rest by fetch in the bench process)` : `${N_INTROSPECT} introspections by fetch`}${values.quick ? ' (--quick)' : ''}; every server its own process and fresh database on one local PostgreSQL (synchronous_commit = ${await benchCommitSetting()}), the load generator a third process on the same 2 cores; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end.`;
const md = `${report(rounds.names, LEVELS, rounds.all, sql)}\n\n${cpuLine(rounds.names, LEVELS, rounds.all)}`;
const goals = goalLines(rounds.names, LEVELS, rounds.all);
console.log(`${md}\n\n${goals}\n\n${meta}${failures.length ? ` ${failures.length} operations failed (left out), e.g. ${failures[0]}` : ''}`);

if (values.write) {
  const file = join(import.meta.dirname, '../docs/benchmarks.md');
  const begin = '<!-- hydra-compare:begin -->';
  const end = '<!-- hydra-compare:end -->';
  const doc = readFileSync(file, 'utf8');
  if (!doc.includes(begin)) throw new Error(`no ${begin} in docs/benchmarks.md`);
  writeFileSync(file, doc.slice(0, doc.indexOf(begin) + begin.length) + `\n${md}\n\n${goals}\n\n${meta}\n` + doc.slice(doc.indexOf(end)));
}
process.exit(0);
