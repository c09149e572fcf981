// The authorization request alone A/B (issue 18): sequential GET /oauth2/auth → login app against `lightgate start`
// (auth only) of each source tree, interleaved round by round (A B …, then … B A); per request the server's main
// thread CPU, its whole process, its PostgreSQL backends (process-cpu.ts) and wall. Same servers as flow-steps-ab.ts.
//   npx node bench/authorize-ab.ts [--rounds=6] [--flows=200] [--pglite] <tree> <tree> …
// --pglite: each server on its embedded database (npm start's default) instead of PostgreSQL; no backends then.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { authorizeOnly, createClient, type Client } from './hydra-flow.ts';
import { cpuTicksOf, databaseTicks } from './process-cpu.ts';
import { mainThreadNs, median, startTreeServers, type TreeServer } from './tree-servers.ts';

const { values, positionals: trees } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '6' }, flows: { type: 'string', default: '200' }, pglite: { type: 'boolean', default: false } } });
const ROUNDS = Number(values.rounds), FLOWS = Number(values.flows);

type T = TreeServer & { client?: Client };
const { servers: ts, close } = await startTreeServers<T>(trees, values.pglite);
try {
  for (const t of ts) { t.client = await createClient(t); for (let i = 0; i < 30; i++) await authorizeOnly(t, t.client, i); }
  const main = ts.map(() => [] as number[]), proc = ts.map(() => [] as number[]), pg = ts.map(() => [] as number[]), wall = ts.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const i of r % 2 ? [...ts.keys()].reverse() : [...ts.keys()]) {
      const t = ts[i]!;
      const backends = async () => (values.pglite ? 0 : (await databaseTicks(t.db))!);
      const p0 = cpuTicksOf(t.pid)!, d0 = await backends(), m0 = mainThreadNs(t.pid), w0 = performance.now();
      for (let n = 0; n < FLOWS; n++) await authorizeOnly(t, t.client!, n);
      wall[i]!.push((performance.now() - w0) / FLOWS); main[i]!.push((mainThreadNs(t.pid) - m0) / 1e3 / FLOWS);
      proc[i]!.push(((cpuTicksOf(t.pid)! - p0) * 1e6) / FLOWS); pg[i]!.push((((await backends()) - d0) * 1e6) / FLOWS);
    }
    process.stderr.write(`round ${r + 1}/${ROUNDS} load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  const f = (a: number[], d = 0) => `${median(a).toFixed(d)} (${Math.min(...a).toFixed(d)}–${Math.max(...a).toFixed(d)})`;
  console.log(`${ROUNDS} rounds × ${FLOWS} sequential authorization requests, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('tree | main thread µs | process µs | PG backends µs | wall ms');
  for (const [i] of ts.entries()) console.log(`T${i} ${trees[i]} | ${f(main[i]!)} | ${f(proc[i]!)} | ${f(pg[i]!)} | ${f(wall[i]!, 2)}`);
  for (const [i] of ts.entries()) if (i) console.log(`T${i}/T0 per round: main ${main[i]!.map((x, r) => (x / main[0]![r]!).toFixed(3)).join(' ')}; process+pg ${proc[i]!.map((x, r) => ((x + pg[i]![r]!) / (proc[0]![r]! + pg[0]![r]!)).toFixed(3)).join(' ')}; wall ${wall[i]!.map((x, r) => (x / wall[0]![r]!).toFixed(3)).join(' ')}`);
} finally {
  await close();
  process.exit(0);
}
