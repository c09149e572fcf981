// Issue 18: `npm start` and `npx lightgate` go through src/cli/entry.ts, which turns V8's compile cache on
// (next to the dependencies) before the CLI's modules load, then runs the CLI unchanged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..');

test('the entry runs the CLI with the compile cache in node_modules/.cache/lightgate/compile', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  // glibc's mmap threshold fixed at its 128 KiB default: V8's freed compiler memory leaves (docs/benchmarks.md, issue 18).
  assert.equal(scripts.start, 'MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=8 --heap-growing-percent=50 src/cli/entry.js start');
  const run = spawnSync(process.execPath, [join(root, 'src', 'cli', 'entry.ts'), 'help'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LIGHTGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'lg-entry-')) },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Usage: lightgate <command>/);
  const cache = join(root, 'node_modules', '.cache', 'lightgate', 'compile');
  assert.ok(readdirSync(cache, { recursive: true }).length > 0, 'compiled modules are cached for the next start');
});

test('a start through entry.js with a warm cache never loads the TypeScript stripper (amaro and its WASM)', () => {
  // Every module comes from the compile cache already stripped; only a .ts entry (read before the cache is on)
  // would need Node's stripper: ~12 MiB of RSS and its load, for three lines.
  const probe = `data:text/javascript,process.on('exit', () => process.stderr.write('amaro=' + process.moduleLoadList.some((m) => m.includes('amaro'))))`;
  const env = { PATH: process.env.PATH ?? '', LIGHTGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'lg-entry-')) };
  const help = (entry: string) => spawnSync(process.execPath, ['--import', probe, join(root, 'src', 'cli', entry), 'help'], { encoding: 'utf8', env });
  assert.equal(help('entry.js').status, 0); // warms the cache
  const run = help('entry.js');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Usage: lightgate <command>/);
  assert.match(run.stderr, /amaro=false/);
  assert.match(help('entry.ts').stderr, /amaro=true/, 'the probe sees the stripper when a .ts entry needs it');
});

test('npx lightgate runs the CLI through entry.js with npm start\'s footprint levers', () => {
  // The probe runs in both processes (NODE_OPTIONS is inherited) and speaks only in the CLI's.
  const dir = mkdtempSync(join(tmpdir(), 'lg-entry-'));
  const probe = join(dir, 'probe.mjs');
  writeFileSync(probe, `if (process.argv[1]?.includes('src/cli/')) process.stderr.write(JSON.stringify({ entry: process.argv[1].split('/').pop(), malloc: process.env.MALLOC_MMAP_THRESHOLD_, flags: process.execArgv }))`);
  const run = spawnSync(process.execPath, [join(root, 'bin', 'lightgate.js'), 'help'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', LIGHTGATE_DATA_DIR: dir, NODE_OPTIONS: `--import=${probe}` } });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Usage: lightgate <command>/);
  const seen = JSON.parse(run.stderr) as { entry: string; malloc: string; flags: string[] };
  assert.deepEqual(seen, { entry: 'entry.js', malloc: '131072', flags: ['--max-semi-space-size=8', '--heap-growing-percent=50'] });
});

test('npx lightgate start passes SIGTERM to the server, which drains and stops before the wrapper exits', { timeout: 60_000 }, async (t) => {
  const { spawn } = await import('node:child_process');
  const { freePort } = await import('./support/ports.ts');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lg-entry-'));
  const wrapper = spawn(process.execPath, [join(root, 'bin', 'lightgate.js'), 'start'], {
    env: { PATH: process.env.PATH ?? '', LIGHTGATE_DATA_DIR: dir, LIGHTGATE_SERVICES: 'api', API_PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that a server left behind (the bug this guards against) is killed after.
    detached: true,
  });
  t.after(() => {
    try {
      process.kill(-wrapper.pid!, 'SIGKILL');
    } catch {
      // The group is gone: nothing was left behind.
    }
  });
  let output = '';
  wrapper.stdout.on('data', (d: Buffer) => (output += d.toString()));
  wrapper.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => wrapper.on('exit', (code) => resolve(code)));
  const ready = async () => (await fetch(`http://127.0.0.1:${port}/health/alive`).catch(() => undefined))?.ok === true;
  for (let i = 0; i < 300 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await ready(), output);
  // Only the wrapper is signalled, as a supervisor does (not its process group, as a terminal's Ctrl-C does).
  wrapper.kill('SIGTERM');
  assert.equal(await exited, 0, output);
  assert.match(output, /draining and stopping/);
  assert.equal(await ready(), false, 'the server is gone when the wrapper has exited');
});

test('a SIGTERM while the database opens lets the start finish, then drains and stops (not killed mid-start)', { timeout: 60_000 }, async (t) => {
  const { spawn } = await import('node:child_process');
  const { existsSync, rmSync } = await import('node:fs');
  const { freePort } = await import('./support/ports.ts');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'lg-entry-'));
  const server = spawn(process.execPath, [join(root, 'src', 'cli', 'entry.js'), 'start'], {
    env: { PATH: process.env.PATH ?? '', LIGHTGATE_DATA_DIR: dir, LIGHTGATE_SERVICES: 'api', API_PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  let output = '';
  server.stdout.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  // PGlite's directory appears when start-up reaches the database (the modules are loaded, main() runs).
  for (let i = 0; i < 600 && !existsSync(join(dir, 'pglite')); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(existsSync(join(dir, 'pglite')), output);
  server.kill('SIGTERM');
  assert.equal(await exited, 0, output);
  assert.match(output, /lightgate started[\s\S]*draining and stopping/);
});
