// `lightgate start` to ready, tree against tree, interleaved round by round (issue 18's start-up goals):
//   npx node bench/startup-ab.ts [--mode fresh|restart] [--rounds 8] [--prof <dir>] <tree> [<tree>…]
// A tree is a source tree with its own node_modules (bench/ab-setup.ts's `git archive` trees, or the checkout).
// Node is started directly with npm start's flags (npm's own ~0.2 s is the same for every tree), on a fresh
// data directory per start (`fresh`) or one kept per tree (`restart`; one start before the rounds makes it).
// Each tree keeps its PGlite template in a directory of its own (PGLITE_TEMPLATE_DIR: a build of one layout
// drops the others), made by a first start before the rounds, as is the restart's data directory.
// Ready: every server answers, as in bench/startup-memory.ts. Printed per tree: the medians of wall, the main
// thread's CPU at ready (/proc/<pid>/task/<pid>/schedstat) and the process's (utime + stime, its children
// reaped: the template's `cp`), and the median of per-round ratios to the first tree; the load average.
// Each tree's CLI bundle is built here (its own scripts/build-bundle.ts) and held open for the run: the trees share
// node_modules (a symlink), so each build would drop the bundles built before it, unless a process holds them
// open, and a tree without its bundle silently runs its sources (~25 % more main thread). A tree without a
// builder runs its sources; each start checks that its bundle is still there.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loopbackEnv } from '../test/support/stack.ts';
import { mainThreadNs, median } from './tree-servers.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { mode: { type: 'string', default: 'restart' }, rounds: { type: 'string', default: '8' }, prof: { type: 'string' } },
});
const trees = positionals.map((t) => resolve(t));
if (!trees.length || !['fresh', 'restart'].includes(values.mode)) throw new Error('usage: startup-ab.ts [--mode fresh|restart] [--rounds N] [--prof dir] <tree>…');
const FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=50', '--initial-heap-size=64'];
const TICK_MS = 10;

/** utime + stime + cutime + cstime of a process, ms. */
function processCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
}

interface Sample { wallMs: number; mainMs: number; processMs: number }

const templates = trees.map(() => mkdtempSync(join(tmpdir(), 'lightgate-startup-ab-template-')));

/** The tree's bundle (main.mjs), built for it and held open until the bench exits; undefined: no builder. */
async function bundleOf(tree: string): Promise<string | undefined> {
  const builder = join(tree, 'scripts', 'build-bundle.ts');
  if (!existsSync(builder) || !existsSync(join(tree, 'src', 'cli', 'bundle-key.js'))) return undefined;
  const built = spawnSync(join(tree, 'node_modules', 'node', 'bin', 'node'), [builder, tree], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`${tree}: build-bundle failed: ${built.stdout}${built.stderr}`);
  const { bundleKey } = (await import(pathToFileURL(join(tree, 'src', 'cli', 'bundle-key.js')).href)) as { bundleKey(root: string): string };
  const main = join(tree, 'node_modules', '.cache', 'lightgate', bundleKey(tree), 'main.mjs');
  openSync(main, 'r'); // a later build (of the next tree) keeps what a process holds open
  return main;
}
const bundles: (string | undefined)[] = [];
for (const tree of trees) bundles.push(await bundleOf(tree));
for (const [i, tree] of trees.entries()) console.log(`tree ${i}: ${tree} runs ${bundles[i] ?? 'its sources (no builder)'}`);

async function startOnce(i: number, dataDir: string, profDir?: string): Promise<Sample> {
  const tree = trees[i]!;
  if (bundles[i] && !existsSync(bundles[i])) throw new Error(`${tree}: its bundle ${bundles[i]} is gone (the start would run the sources)`);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', MALLOC_MMAP_THRESHOLD_: '131072', ...(await loopbackEnv(dataDir)), NODE_ENV: 'development', LOG_LEVEL: 'warn', PGLITE_TEMPLATE_DIR: templates[i]! };
  const args = [...FLAGS, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), join(tree, 'src', 'cli', 'entry.js'), 'start'];
  const started = performance.now();
  const child = spawn(join(tree, 'node_modules', 'node', 'bin', 'node'), args, { cwd: tree, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr!.on('data', (b) => (err += b));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const checks = [`${env.URLS_SELF_ISSUER}/health/ready`, `http://127.0.0.1:${env.SERVE_ADMIN_PORT}/health/ready`, `${env.URLS_API}/health/ready`, `${env.URLS_UI}/health/alive`, `${env.URLS_PORTAL}/health/alive`];
  try {
    for (;;) {
      if ((await Promise.all(checks.map((u) => fetch(u).then((r) => r.ok, () => false)))).every(Boolean)) break;
      if (child.exitCode !== null) throw new Error(`${tree} exited with ${child.exitCode}: ${err}`);
      if (performance.now() - started > 60_000) throw new Error(`${tree}: not ready within 60 s: ${err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { wallMs: performance.now() - started, mainMs: mainThreadNs(child.pid!) / 1e6, processMs: processCpuMs(child.pid!) };
  } finally {
    // SIGINT: the start drains and exits, so a --cpu-prof is written.
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
}

const warm = trees.map(() => mkdtempSync(join(tmpdir(), 'lightgate-startup-ab-')));
for (const i of trees.keys()) await startOnce(i, warm[i]!);
const samples: Sample[][] = trees.map(() => []);
const rounds = Number(values.rounds);
const loads: number[] = [];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? trees.map((_, i) => i).reverse() : trees.map((_, i) => i);
  for (const i of order) {
    const dir = values.mode === 'fresh' ? mkdtempSync(join(tmpdir(), 'lightgate-startup-ab-')) : warm[i]!;
    try {
      samples[i]!.push(await startOnce(i, dir, values.prof && round === rounds - 1 ? join(values.prof, String(i)) : undefined));
    } finally {
      if (values.mode === 'fresh') rmSync(dir, { recursive: true, force: true });
    }
  }
  loads.push(loadavg()[0]!);
  console.log(`round ${round + 1}: ${samples.map((s, i) => `${i}: ${s.at(-1)!.wallMs.toFixed(0)} / ${s.at(-1)!.mainMs.toFixed(0)} / ${s.at(-1)!.processMs}`).join('   ')}   load ${loads.at(-1)!.toFixed(1)}`);
}
for (const dir of [...warm, ...templates]) rmSync(dir, { recursive: true, force: true });

const ratio = (i: number, pick: (s: Sample) => number) => median(samples[i]!.map((s, r) => pick(s) / pick(samples[0]![r]!))).toFixed(3);
console.log(`\n${values.mode}, ${rounds} interleaved rounds, load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}; medians (ms) and median of per-round ratios to tree 0`);
console.log('| tree | wall | main thread | process | x wall | x main | x process |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [i, tree] of trees.entries()) {
  const m = (pick: (s: Sample) => number) => median(samples[i]!.map(pick)).toFixed(0);
  console.log(`| ${i} ${tree} | ${m((s) => s.wallMs)} | ${m((s) => s.mainMs)} | ${m((s) => s.processMs)} | ${ratio(i, (s) => s.wallMs)} | ${ratio(i, (s) => s.mainMs)} | ${ratio(i, (s) => s.processMs)} |`);
}
