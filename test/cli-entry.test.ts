// Issue 18: `npm start` and `npx lightgate` go through src/cli/entry.js, which turns V8's compile cache on
// (next to the dependencies) before the CLI's modules load, then runs the CLI: its bundle when one was built
// for the tree as it is (scripts/build-bundle.ts), else the sources.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..');

test('the entry runs the CLI with the compile cache in node_modules/.cache/lightgate/compile', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  // glibc's mmap threshold fixed at its 128 KiB default: V8's freed compiler memory leaves (docs/benchmarks.md, issue 18).
  assert.equal(scripts.start, 'MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=8 --heap-growing-percent=50 --initial-heap-size=64 src/cli/entry.js start');
  // The probe reports the cache the process ended with: the entry's own (no NODE_COMPILE_CACHE in this env; npm
  // test sets one for the test files, in the same directory).
  const probe = `data:text/javascript,import { getCompileCacheDir } from 'node:module'; process.on('exit', () => process.stderr.write('cache=' + getCompileCacheDir()))`;
  const run = spawnSync(process.execPath, ['--import', probe, join(root, 'src', 'cli', 'entry.ts'), 'help'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LIGHTGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'lg-entry-')) },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Usage: lightgate <command>/);
  const cache = join(root, 'node_modules', '.cache', 'lightgate', 'compile');
  assert.equal(/cache=(.*)/.exec(run.stderr)?.[1]?.replace(/\/v\d[^/]*$/, ''), cache, run.stderr);
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
  assert.deepEqual(seen, { entry: 'entry.js', malloc: '131072', flags: ['--max-semi-space-size=8', '--heap-growing-percent=50', '--initial-heap-size=64'] });
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

// A bundle of the CLI (scripts/build-bundle.ts) runs only for the tree it was built from (issue 18).
const builder = join(root, 'scripts', 'build-bundle.ts');
/** Which CLI a process ran: src/cli/main.ts or a bundle's main.mjs, seen by a module load hook. */
function loadProbe(dir: string): string {
  const probe = join(dir, 'cli-probe.mjs');
  writeFileSync(
    probe,
    `import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({ load(url, context, next) { const m = /(src\\/cli\\/main\\.ts|bundle-[0-9a-f]+\\/main\\.mjs)$/.exec(url); if (m) seen.add(m[1].startsWith('bundle-') ? 'bundle' : m[1]); return next(url, context); } });
process.on('exit', () => process.stderr.write('cli=' + [...seen].join(',') + '\\n'));`,
  );
  return probe;
}

/** A project of its own: the entry and key as they are, a main.ts that reads a file next to itself. */
function tinyProject() {
  const project = mkdtempSync(join(tmpdir(), 'lg-bundle-'));
  mkdirSync(join(project, 'src', 'cli'), { recursive: true });
  for (const file of ['entry.js', 'bundle-key.js']) copyFileSync(join(root, 'src', 'cli', file), join(project, 'src', 'cli', file));
  writeFileSync(join(project, 'src', 'cli', 'word.txt'), 'hello');
  const main = join(project, 'src', 'cli', 'main.ts');
  const write = (word: string) =>
    writeFileSync(main, `import { readFileSync } from 'node:fs';\nconsole.log(readFileSync(import.meta.dirname + '/word.txt', 'utf8') + ' ${word}');\nif (process.argv[2] === 'stay') setInterval(() => {}, 1000);\n`);
  write('one');
  const args = ['--import', loadProbe(project), join(project, 'src', 'cli', 'entry.js')];
  const env = { PATH: process.env.PATH ?? '' };
  const run = () => spawnSync(process.execPath, args, { encoding: 'utf8', env });
  const build = () => assert.equal(spawnSync(process.execPath, [builder, project], { encoding: 'utf8', env }).status, 0);
  const bundles = () => readdirSync(join(project, 'node_modules', '.cache', 'lightgate')).filter((n) => n.includes('bundle-'));
  return { project, main, write, args, run, build, bundles };
}

test('a bundle runs only while every file under src/ is as it was built; an edit falls back to the sources', () => {
  const { project, main, write, run, build, bundles } = tinyProject();
  assert.match(run().stderr, /cli=src\/cli\/main\.ts\n/, 'no bundle yet: the sources');
  build();
  let out = run();
  assert.equal(out.stdout, 'hello one\n');
  assert.match(out.stderr, /cli=bundle\n/);
  // Same length, same mtime, other content: the key sees the file's ctime.
  const { mtime } = statSync(main);
  write('two');
  utimesSync(main, mtime, mtime);
  out = run();
  assert.equal(out.stdout, 'hello two\n');
  assert.match(out.stderr, /cli=src\/cli\/main\.ts\n/);
  build();
  assert.match(run().stderr, /cli=bundle\n/);
  writeFileSync(join(project, 'src', 'cli', 'new.ts'), '');
  assert.match(run().stderr, /cli=src\/cli\/main\.ts\n/, 'a new file under src/ makes it stale too');
  symlinkSync('loop', join(project, 'src', 'cli', 'loop'));
  out = run();
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stderr, /cli=src\/cli\/main\.ts\n/, 'a tree it cannot stamp (ELOOP) runs the sources');
  assert.equal(bundles().length, 1, 'the first bundle went with the second build, no temporary directory left');
});

test('a build drops the other bundles but those a running process started from', async (t) => {
  const { spawn } = await import('node:child_process');
  const { write, args, build, bundles } = tinyProject();
  build();
  const first = bundles();
  const running = spawn(process.execPath, [...args, 'stay'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => running.on('exit', resolve));
  t.after(() => running.kill('SIGKILL'));
  await new Promise((resolve) => running.stdout.once('data', resolve));
  write('two');
  build();
  assert.equal(bundles().length, 2);
  assert.ok(bundles().includes(first[0]!), 'the running process keeps its bundle');
  running.kill();
  await exited;
  write('three');
  build();
  assert.equal(bundles().length, 1);
  assert.ok(!bundles().includes(first[0]!));
});

test('the bundled start serves every health route, its assets and a GraphQL query', { timeout: 120_000 }, async (t) => {
  const { spawn } = await import('node:child_process');
  const { freePort } = await import('./support/ports.ts');
  const built = spawnSync(process.execPath, [builder], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  assert.equal(built.status, 0, built.stdout + built.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'lg-entry-'));
  const [pub, adm, ui, portal, api] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['--import', loadProbe(dir), join(root, 'src', 'cli', 'entry.js'), 'start'], {
    env: {
      PATH: process.env.PATH ?? '', LIGHTGATE_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn',
      SERVE_PUBLIC_HOST: '127.0.0.1', SERVE_PUBLIC_PORT: String(pub), SERVE_ADMIN_PORT: String(adm), UI_HOST: '127.0.0.1', UI_PORT: String(ui),
      PORTAL_HOST: '127.0.0.1', PORTAL_PORT: String(portal), API_HOST: '127.0.0.1', API_PORT: String(api),
      URLS_SELF_ISSUER: url(pub), URLS_UI: url(ui), URLS_PORTAL: url(portal), URLS_API: url(api),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => server.kill('SIGKILL'));
  let output = '';
  server.stdout.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  const health = [`${url(pub)}/health/ready`, `${url(adm)}/health/ready`, `${url(api)}/health/ready`, `${url(ui)}/health/alive`, `${url(portal)}/health/alive`];
  const ready = async () => (await Promise.all(health.map(async (u) => (await fetch(u).catch(() => undefined))?.ok === true))).every(Boolean);
  for (let i = 0; i < 600 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(await ready(), output);
  const asset = async (base: string, path: string, file: string) => assert.equal(await (await fetch(base + path)).text(), readFileSync(join(root, file), 'utf8'));
  await asset(url(ui), '/assets/lightgate.css', 'src/web/assets/lightgate.css');
  await asset(url(portal), '/assets/portal.js', 'src/portal/assets/portal.js');
  const graphql = await fetch(`${url(api)}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ globals { network } }' }) });
  const body = (await graphql.json()) as { data?: { globals?: { network?: unknown } }; errors?: unknown };
  assert.equal(body.errors, undefined);
  assert.match(String(body.data?.globals?.network), /^[a-z]+$/);
  server.kill('SIGTERM');
  assert.equal(await exited, 0, output);
  assert.match(output, /cli=bundle\n/, 'the start ran from the bundle (src/ edited since the build? run the test again)');
});
