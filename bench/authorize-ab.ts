// The authorization request alone A/B (issue 18): sequential GET /oauth2/auth → login app against `lightgate start`
// (auth only) of each source tree, interleaved round by round (A B …, then … B A); per request the server's main
// thread CPU, its whole process, its PostgreSQL backends (process-cpu.ts) and wall. Same servers as flow-steps-ab.ts.
//   npx node bench/authorize-ab.ts [--rounds=6] [--flows=200] [--pglite] [--turns] <tree> <tree> …
// --pglite: each server on its embedded database (npm start's default) instead of PostgreSQL; no backends then.
// --turns: the trees take turns request by request in a shuffled order (a fixed seed), and each request's main
// thread CPU is read on its own (schedstat, ns): per tree the median and mean of every request, and per round the
// ratio of the medians; and each request's wall time (the client's, one at a time). On a shared machine whose load moves, round-by-round blocks read 0.7-1.4x apart for the
// same code; requests in turns see the same load.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { authorizeOnly, createClient, type Client } from './hydra-flow.ts';
import { cpuTicksOf, databaseTicks } from './process-cpu.ts';
import { mainThreadNs, median, startTreeServers, type TreeServer, seededShuffle } from './tree-servers.ts';

const { values, positionals: trees } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '6' }, flows: { type: 'string', default: '200' }, pglite: { type: 'boolean', default: false }, turns: { type: 'boolean', default: false } } });
const ROUNDS = Number(values.rounds), FLOWS = Number(values.flows);

// A fixed seed: the same orders every run.
const shuffled = seededShuffle(18);
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;

type T = TreeServer & { client?: Client };
const { servers: ts, close } = await startTreeServers<T>(trees, values.pglite);

async function blocks() {
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
}

async function turns() {
  const all = ts.map(() => [] as number[]), rounds = ts.map(() => [] as number[]), walls = ts.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    const round = ts.map(() => [] as number[]);
    for (let n = 0; n < FLOWS; n++) {
      for (const i of shuffled(ts.length)) {
        const t = ts[i]!;
        const m0 = mainThreadNs(t.pid), w0 = performance.now();
        await authorizeOnly(t, t.client!, n);
        walls[i]!.push(performance.now() - w0);
        round[i]!.push((mainThreadNs(t.pid) - m0) / 1e3);
      }
    }
    for (const [i, a] of round.entries()) {
      all[i]!.push(...a);
      rounds[i]!.push(median(a));
    }
    process.stderr.write(`round ${r + 1}/${ROUNDS} load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  console.log(`${ROUNDS} rounds × ${FLOWS} authorization requests per tree in shuffled turns, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('tree | main thread µs per request: median | mean | median of round medians (min–max) | wall ms: median, p90');
  for (const [i, a] of all.entries()) console.log(`T${i} ${trees[i]} | ${median(a).toFixed(0)} | ${mean(a).toFixed(0)} | ${median(rounds[i]!).toFixed(0)} (${Math.min(...rounds[i]!).toFixed(0)}–${Math.max(...rounds[i]!).toFixed(0)}) | ${median(walls[i]!).toFixed(2)}, ${walls[i]!.toSorted((x, y) => x - y)[Math.floor(walls[i]!.length * 0.9)]!.toFixed(2)}`);
  for (const [i] of ts.entries()) {
    if (!i) continue;
    const ratios = rounds[i]!.map((x, r) => x / rounds[0]![r]!);
    console.log(`T${i}/T0: medians ${(median(all[i]!) / median(all[0]!)).toFixed(3)}, means ${(mean(all[i]!) / mean(all[0]!)).toFixed(3)}, per round (median ${median(ratios).toFixed(3)}): ${ratios.map((x) => x.toFixed(3)).join(' ')}`);
  }
}

try {
  for (const t of ts) { t.client = await createClient(t); for (let i = 0; i < 30; i++) await authorizeOnly(t, t.client, i); }
  await (values.turns ? turns() : blocks());
} finally {
  await close();
  process.exit(0);
}
