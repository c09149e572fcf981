// Where a server's main thread spends its CPU, from a V8 .cpuprofile (--cpu-prof; issue 18): per operation, the
// samples' self time by owner (the nearest frame of a package or a src/ file, from the leaf up: a socket write
// under pg's query counts for pg), by function, and the stacks leading to one function.
//   npx node bench/cpuprofile-summary.ts <file.cpuprofile> [--ops N] [--windows windows.json --phase exchange]
//     [--top 40] [--callers <text in a frame> [--depth 8]]
// --windows: a JSON file { "<phase>": [[startUs, endUs], …] } (or that under "windows") of CLOCK_MONOTONIC microseconds (Number(
// process.hrtime.bigint() / 1000n) in any process of the machine: V8's profile clock is the same), so that
// only the samples taken while the operations of one phase ran count.
// Sampled, so wall-clock-like on a busy machine: read the shares, and measure a change by CPU time A/B.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Frame { functionName: string; url: string; lineNumber: number }
interface Profile { nodes: { id: number; callFrame: Frame; children?: number[] }[]; samples: number[]; timeDeltas: number[]; startTime: number }

const { values, positionals: [file] } = parseArgs({
  allowPositionals: true,
  options: { ops: { type: 'string', default: '1' }, windows: { type: 'string' }, phase: { type: 'string' }, top: { type: 'string', default: '40' }, callers: { type: 'string' }, depth: { type: 'string', default: '8' } },
});
if (!file) throw new Error('usage: cpuprofile-summary.ts <file.cpuprofile> [--ops N] [--windows w.json --phase p] [--top N] [--callers text]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
type Windows = Record<string, [number, number][]>;
const read = values.windows ? (JSON.parse(readFileSync(values.windows, 'utf8')) as Windows | { windows: Windows }) : undefined;
const windows = read && ('windows' in read && !Array.isArray(read.windows) ? read.windows : (read as Windows))[values.phase ?? ''];
if (values.windows && !windows) throw new Error(`no phase ${values.phase} in ${values.windows}`);
const ops = Number(values.ops), top = Number(values.top);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Packages grouped with the one whose work they do. */
const GROUPS: Record<string, string> = { 'pg-protocol': 'pg', 'pg-pool': 'pg', 'pg-types': 'pg', 'find-my-way': 'fastify', pino: 'fastify (logger)', '@pinojs/redact': 'fastify (logger)', 'koa-compose': 'koa', delegates: 'koa' };
function owner(url: string): string | undefined {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return GROUPS[pkg] ?? pkg;
  if (url.startsWith('wasm://')) return 'wasm';
  const src = /\/(src\/.*)$/.exec(url)?.[1];
  return src;
}
const where = (f: Frame) => `${f.functionName || '(anonymous)'} ${owner(f.url) ?? (f.url.replace(/^node:internal\//, 'node:') || '(native)')}:${f.lineNumber + 1}`;
const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);

const owners = new Map<string, number>(), self = new Map<string, number>(), stacks = new Map<string, number>();
let busy = 0;
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i]!;
  const us = profile.timeDeltas[i + 1] ?? 0;
  if (windows && !windows.some(([a, b]) => t >= a && t <= b)) continue;
  const leaf = byId.get(profile.samples[i]!)!.callFrame;
  if (leaf.functionName === '(idle)') continue;
  busy += us;
  add(self, where(leaf), us);
  let who = leaf.functionName === '(garbage collector)' || leaf.functionName === '(program)' ? leaf.functionName : undefined;
  for (let id: number | undefined = profile.samples[i]!; !who && id !== undefined; id = parent.get(id)) who = owner(byId.get(id)!.callFrame.url);
  add(owners, who ?? 'node (no package frame: sockets, http, timers)', us);
  if (values.callers) {
    const chain: Frame[] = [];
    for (let id: number | undefined = profile.samples[i]!; id !== undefined; id = parent.get(id)) chain.push(byId.get(id)!.callFrame);
    const at = chain.findIndex((f) => where(f).includes(values.callers!));
    if (at >= 0) add(stacks, chain.slice(at, at + Number(values.depth)).map(where).join(' < '), us);
  }
}

const show = (title: string, m: Map<string, number>, n: number) => {
  console.log(`\n${title} (µs per operation)`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${(us / ops).toFixed(1).padStart(9)}  ${k}`);
};
console.log(`${file}${values.phase ? ` (${values.phase})` : ''}: ${(busy / ops).toFixed(0)} µs busy per operation over ${ops}`);
if (values.callers) show(`stacks from a frame matching "${values.callers}"`, stacks, top);
else {
  show('by owner', owners, top);
  show('self time by function', self, top);
}
