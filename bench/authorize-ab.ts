// The authorization request alone A/B (issue 18): sequential GET /oauth2/auth → login app against `lightgate start`
// (auth only) of each source tree, interleaved round by round (A B …, then … B A); per request the server's main
// thread CPU, its whole process, its PostgreSQL backends (process-cpu.ts) and wall. Same servers as flow-steps-ab.ts.
//   npx node bench/authorize-ab.ts [--rounds=6] [--flows=200] [--pglite] <tree> <tree> …
// --pglite: each server on its embedded database (npm start's default) instead of PostgreSQL; no backends then.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UNREACHABLE_UI, type AuthTarget } from '../test/support/auth-target.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';
import { loopbackEnv } from '../test/support/stack.ts';
import { authorizeOnly, createClient, type Client } from './hydra-flow.ts';
import { cpuTicksOf, databaseTicks } from './process-cpu.ts';

const { values, positionals: trees } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '6' }, flows: { type: 'string', default: '200' }, pglite: { type: 'boolean', default: false } } });
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
  for (const t of ts) { t.client = await createClient(t); for (let i = 0; i < 30; i++) await authorizeOnly(t, t.client, i); }
  const main = ts.map(() => [] as number[]), proc = ts.map(() => [] as number[]), pg = ts.map(() => [] as number[]), wall = ts.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const i of r % 2 ? [...ts.keys()].reverse() : [...ts.keys()]) {
      const t = ts[i]!;
      const backends = async () => (values.pglite ? 0 : (await databaseTicks(t.db))!);
      const p0 = cpuTicksOf(t.pid)!, d0 = await backends(), m0 = mainNs(t.pid), w0 = performance.now();
      for (let n = 0; n < FLOWS; n++) await authorizeOnly(t, t.client!, n);
      wall[i]!.push((performance.now() - w0) / FLOWS); main[i]!.push((mainNs(t.pid) - m0) / 1e3 / FLOWS);
      proc[i]!.push(((cpuTicksOf(t.pid)! - p0) * 1e6) / FLOWS); pg[i]!.push((((await backends()) - d0) * 1e6) / FLOWS);
    }
    process.stderr.write(`round ${r + 1}/${ROUNDS} load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  const f = (a: number[], d = 0) => `${med(a).toFixed(d)} (${Math.min(...a).toFixed(d)}–${Math.max(...a).toFixed(d)})`;
  console.log(`${ROUNDS} rounds × ${FLOWS} sequential authorization requests, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('tree | main thread µs | process µs | PG backends µs | wall ms');
  for (const [i] of ts.entries()) console.log(`T${i} ${trees[i]} | ${f(main[i]!)} | ${f(proc[i]!)} | ${f(pg[i]!)} | ${f(wall[i]!, 2)}`);
  for (const [i] of ts.entries()) if (i) console.log(`T${i}/T0 per round: main ${main[i]!.map((x, r) => (x / main[0]![r]!).toFixed(3)).join(' ')}; process+pg ${proc[i]!.map((x, r) => ((x + pg[i]![r]!) / (proc[0]![r]! + pg[0]![r]!)).toFixed(3)).join(' ')}; wall ${wall[i]!.map((x, r) => (x / wall[0]![r]!).toFixed(3)).join(' ')}`);
} finally {
  for (const t of ts) await t.kill().catch(() => {});
  for (const d of dbs) await d.drop().catch(() => {});
  process.exit(0);
}
