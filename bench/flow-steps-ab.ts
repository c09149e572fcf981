// Sign-in flows A/B by the auth server's CPU (issue 18): sequential browserless flows (hydra-flow.ts) against
// `lightgate start` (auth only) of each source tree, interleaved round by round (A B …, then … B A). Per step: the
// server main thread's CPU (/proc/<pid>/task/<pid>/schedstat, ns) and wall; per flow: the whole process and its
// PostgreSQL backends (process-cpu.ts; a backend that exits mid-round skews that round: read the medians).
//   npx node bench/flow-steps-ab.ts [--rounds=6] [--flows=40] [--pglite] <tree> <tree> …   (AB_PROF=<dir>: --cpu-prof per tree)
// --pglite: each server on its embedded database (npm start's default) instead of PostgreSQL; no backends then.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { codeFlow, createClient, exchange, STEPS, type Client } from './hydra-flow.ts';
import { cpuTicksOf, databaseTicks } from './process-cpu.ts';
import { mainThreadNs, median, startTreeServers, type TreeServer } from './tree-servers.ts';

const { values, positionals: trees } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '6' }, flows: { type: 'string', default: '40' }, pglite: { type: 'boolean', default: false } } });
const ROUNDS = Number(values.rounds), FLOWS = Number(values.flows);

type T = TreeServer & { client?: Client };
const { servers: ts, close } = await startTreeServers<T>(trees, values.pglite);
try {
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
      const p0 = cpuTicksOf(t.pid)!, d0 = await backends(), m0 = mainThreadNs(t.pid);
      let last = mainThreadNs(t.pid);
      const on = (name: string, ms: number) => { const now = mainThreadNs(t.pid); (cpu.get(name) ?? cpu.set(name, []).get(name)!).push((now - last) / 1000); (wall.get(name) ?? wall.set(name, []).get(name)!).push(ms); last = now; };
      for (let n = 0; n < FLOWS; n++) { last = mainThreadNs(t.pid); const code = await codeFlow(t, t.client!, n, on); await exchange(t, t.client!, code, on); }
      flowProc[i]!.push(((cpuTicksOf(t.pid)! - p0) * 1e3) / FLOWS); flowPg[i]!.push((((await backends()) - d0) * 1e3) / FLOWS); flowMain[i]!.push((mainThreadNs(t.pid) - m0) / 1e6 / FLOWS);
      for (const s of STEPS) { (stepCpu[i]!.get(s) ?? stepCpu[i]!.set(s, []).get(s)!).push(median(cpu.get(s)!)); (stepWall[i]!.get(s) ?? stepWall[i]!.set(s, []).get(s)!).push(median(wall.get(s)!)); }
    }
    process.stderr.write(`round ${r + 1}/${ROUNDS} load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  const f = (a: number[], d = 2) => `${median(a).toFixed(d)} (${Math.min(...a).toFixed(d)}–${Math.max(...a).toFixed(d)})`;
  console.log(`${ROUNDS} rounds × ${FLOWS} sequential flows, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`step | ${trees.map((_, i) => `T${i} main-thread CPU µs / wall ms`).join(' | ')}`);
  for (const s of STEPS) console.log(`${s} | ${ts.map((_, i) => `${f(stepCpu[i]!.get(s)!, 0)} / ${f(stepWall[i]!.get(s)!, 1)}`).join(' | ')}`);
  for (const [i] of ts.entries()) console.log(`T${i} ${trees[i]}: per flow process CPU ms ${f(flowProc[i]!, 1)}, main thread ${f(flowMain[i]!, 1)}, PG backends ${f(flowPg[i]!, 1)}`);
  for (const [i] of ts.entries()) if (i) console.log(`T${i}/T0 per round (process+pg): ${flowProc[i]!.map((x, r) => ((x + flowPg[i]![r]!) / (flowProc[0]![r]! + flowPg[0]![r]!)).toFixed(3)).join(' ')}; main thread: ${flowMain[i]!.map((x, r) => (x / flowMain[0]![r]!).toFixed(3)).join(' ')}`);
} finally {
  await close();
  process.exit(0);
}
