// Sign-in flows A/B by the auth server's CPU (issue 18): sequential browserless flows (hydra-flow.ts) against
// `lightgate start` (auth only) of each source tree, interleaved round by round (A B …, then … B A). Per step: the
// server main thread's CPU (/proc/<pid>/task/<pid>/schedstat, ns) and wall; per flow: the whole process and its
// PostgreSQL backends (process-cpu.ts; a backend that exits mid-round skews that round: read the medians).
//   npx node bench/flow-steps-ab.ts [--rounds=6] [--flows=40] [--pglite] <tree> <tree> …   (AB_PROF=<dir>: --cpu-prof per tree)
// --pglite: each server on its embedded database (npm start's default) instead of PostgreSQL; no backends then.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UNREACHABLE_UI, type AuthTarget } from '../test/support/auth-target.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';
import { loopbackEnv } from '../test/support/stack.ts';
import { codeFlow, createClient, exchange, STEPS, type Client } from './hydra-flow.ts';
import { cpuTicksOf, databaseTicks } from './process-cpu.ts';

const { values, positionals: trees } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '6' }, flows: { type: 'string', default: '40' }, pglite: { type: 'boolean', default: false } } });
const ROUNDS = Number(values.rounds), FLOWS = Number(values.flows);
const mainNs = (pid: number) => Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);

type T = AuthTarget & { pid: number; db: string; client?: Client; kill: () => Promise<void> };
async function start(tree: string, databaseUrl: string): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'h1-ab-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...(await loopbackEnv(dataDir)), ...(values.pglite ? {} : { DATABASE_URL: databaseUrl }), LIGHTGATE_SERVICES: 'auth', LOG_LEVEL: 'warn',
    URLS_LOGIN: UNREACHABLE_UI.loginUrl, URLS_CONSENT: UNREACHABLE_UI.consentUrl, URLS_LOGOUT: UNREACHABLE_UI.logoutUrl, RATE_LIMIT_IP: '100000000', RATE_LIMIT_CLIENT: '100000000',
    SECRETS_SYSTEM: 'bench-system-secret-0123456789abcdef', SECRETS_COOKIE: 'bench-cookie-secret-0123456789abcdef',
    ...(process.env.AB_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.AB_PROF}/${trees.indexOf(tree)}` } : {}) };
  const child = spawn(process.execPath, [join(tree, 'src/cli/main.ts'), 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = ''; child.stdout!.on('data', (b) => (out += b)); child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const publicUrl = `http://127.0.0.1:${env.SERVE_PUBLIC_PORT}`, adminUrl = `http://127.0.0.1:${env.SERVE_ADMIN_PORT}`;
  for (const deadline = Date.now() + 60_000; ;) {
    if (child.exitCode !== null) throw new Error(out);
    if ((await Promise.all([publicUrl, adminUrl].map((u) => fetch(`${u}/health/alive`).then((r) => r.ok, () => false)))).every(Boolean)) break;
    if (Date.now() > deadline) throw new Error(out);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { kind: 'lightgate', name: tree, ...UNREACHABLE_UI, publicUrl, adminUrl, pid: child.pid!, db: new URL(databaseUrl).pathname.slice(1), stop: async () => {},
    kill: async () => { if (process.env.AB_PROF) child.kill('SIGINT'); else child.kill('SIGTERM'); await exited; rmSync(dataDir, { recursive: true, force: true }); } };
}
const med = (a: number[]) => { const s = a.toSorted((x, y) => x - y); return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN; };
const dbs = await Promise.all(trees.map(() => createPostgresDatabase()));
const ts: T[] = [];
try {
  for (const [i, t] of trees.entries()) ts.push(await start(t, dbs[i]!.url));
  for (const t of ts) { t.client = await createClient(t); for (let i = 0; i < 20; i++) await exchange(t, t.client, await codeFlow(t, t.client, i)); }
  // per tree: per step arrays of per-round medians; per-round flow cpu (process, backends)
  const stepCpu = ts.map(() => new Map<string, number[]>()), stepWall = ts.map(() => new Map<string, number[]>());
  const flowProc = ts.map(() => [] as number[]), flowPg = ts.map(() => [] as number[]), flowMain = ts.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...ts.keys()].reverse() : [...ts.keys()];
    for (const i of order) {
      const t = ts[i]!;
      const cpu = new Map<string, number[]>(), wall = new Map<string, number[]>();
      const backends = async () => (values.pglite ? 0 : (await databaseTicks(t.db))!);
      const p0 = cpuTicksOf(t.pid)!, d0 = await backends(), m0 = mainNs(t.pid);
      let last = mainNs(t.pid);
      const on = (name: string, ms: number) => { const now = mainNs(t.pid); (cpu.get(name) ?? cpu.set(name, []).get(name)!).push((now - last) / 1000); (wall.get(name) ?? wall.set(name, []).get(name)!).push(ms); last = now; };
      for (let n = 0; n < FLOWS; n++) { last = mainNs(t.pid); const code = await codeFlow(t, t.client!, n, on); await exchange(t, t.client!, code, on); }
      flowProc[i]!.push(((cpuTicksOf(t.pid)! - p0) * 1e3) / FLOWS); flowPg[i]!.push((((await backends()) - d0) * 1e3) / FLOWS); flowMain[i]!.push((mainNs(t.pid) - m0) / 1e6 / FLOWS);
      for (const s of STEPS) { (stepCpu[i]!.get(s) ?? stepCpu[i]!.set(s, []).get(s)!).push(med(cpu.get(s)!)); (stepWall[i]!.get(s) ?? stepWall[i]!.set(s, []).get(s)!).push(med(wall.get(s)!)); }
    }
    process.stderr.write(`round ${r + 1}/${ROUNDS} load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  const f = (a: number[], d = 2) => `${med(a).toFixed(d)} (${Math.min(...a).toFixed(d)}–${Math.max(...a).toFixed(d)})`;
  console.log(`${ROUNDS} rounds × ${FLOWS} sequential flows, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`step | ${trees.map((_, i) => `T${i} main-thread CPU µs / wall ms`).join(' | ')}`);
  for (const s of STEPS) console.log(`${s} | ${ts.map((_, i) => `${f(stepCpu[i]!.get(s)!, 0)} / ${f(stepWall[i]!.get(s)!, 1)}`).join(' | ')}`);
  for (const [i] of ts.entries()) console.log(`T${i} ${trees[i]}: per flow process CPU ms ${f(flowProc[i]!, 1)}, main thread ${f(flowMain[i]!, 1)}, PG backends ${f(flowPg[i]!, 1)}`);
  for (const [i] of ts.entries()) if (i) console.log(`T${i}/T0 per round (process+pg): ${flowProc[i]!.map((x, r) => ((x + flowPg[i]![r]!) / (flowProc[0]![r]! + flowPg[0]![r]!)).toFixed(3)).join(' ')}; main thread: ${flowMain[i]!.map((x, r) => (x / flowMain[0]![r]!).toFixed(3)).join(' ')}`);
} finally {
  for (const t of ts) await t.kill().catch(() => {});
  for (const d of dbs) await d.drop().catch(() => {});
  process.exit(0);
}
