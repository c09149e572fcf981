// The auth server of a source tree (a checkout or `git worktree`) for the A/B benches that compare trees
// (flow-steps-ab.ts, authorize-ab.ts): `lightgate start` with the auth service only, its own data directory,
// PostgreSQL or PGlite, limits off, and the per-thread CPU reading of /proc those benches use.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNREACHABLE_UI, type AuthTarget } from '../test/support/auth-target.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';
import { loopbackEnv } from '../test/support/stack.ts';

export type TreeServer = AuthTarget & { pid: number; db: string; kill: () => Promise<void> };

/** CPU time of a process's main thread, ns (/proc/<pid>/task/<pid>/schedstat). */
export const mainThreadNs = (pid: number) => Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]);

/** The median (of an even count, the mean of the middle two). */
export const median = (a: number[]) => {
  const s = a.toSorted((x, y) => x - y);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};

/** Orders of 0..n-1 shuffled from a fixed seed (Fisher-Yates on a linear congruential generator): every run the same. */
export function seededShuffle(seed: number): (n: number) => number[] {
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return (n) => {
    const order = [...Array(n).keys()];
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  };
}

/**
 * Starts `tree`'s auth server on `databaseUrl` (or PGlite in its data directory when `pglite`); `profileDir`: a
 * --cpu-prof of it written there when it stops (SIGINT, so that the profile is flushed).
 */
export async function startTreeServer(tree: string, o: { databaseUrl: string; pglite: boolean; profileDir?: string }): Promise<TreeServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lg-tree-ab-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...(await loopbackEnv(dataDir)), ...(o.pglite ? {} : { DATABASE_URL: o.databaseUrl }), LIGHTGATE_SERVICES: 'auth', LOG_LEVEL: 'warn',
    URLS_LOGIN: UNREACHABLE_UI.loginUrl, URLS_CONSENT: UNREACHABLE_UI.consentUrl, URLS_LOGOUT: UNREACHABLE_UI.logoutUrl, RATE_LIMIT_IP: '100000000', RATE_LIMIT_CLIENT: '100000000',
    SECRETS_SYSTEM: 'bench-system-secret-0123456789abcdef', SECRETS_COOKIE: 'bench-cookie-secret-0123456789abcdef',
    ...(o.profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${o.profileDir}` } : {}) };
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
  return { kind: 'lightgate', name: tree, ...UNREACHABLE_UI, publicUrl, adminUrl, pid: child.pid!, db: new URL(o.databaseUrl).pathname.slice(1), stop: async () => {},
    kill: async () => { child.kill(o.profileDir ? 'SIGINT' : 'SIGTERM'); await exited; rmSync(dataDir, { recursive: true, force: true }); } };
}

/**
 * One server per tree, each on a fresh PostgreSQL database (unused with `pglite`), started in order; AB_PROF=<dir>
 * profiles tree i into <dir>/i. close() stops them all and drops the databases.
 */
export async function startTreeServers<T extends TreeServer>(trees: string[], pglite: boolean): Promise<{ servers: T[]; close(): Promise<void> }> {
  const dbs = await Promise.all(trees.map(() => createPostgresDatabase()));
  const servers: T[] = [];
  const close = async () => {
    for (const s of servers) await s.kill().catch(() => {});
    for (const d of dbs) await d.drop().catch(() => {});
  };
  try {
    for (const [i, tree] of trees.entries()) servers.push((await startTreeServer(tree, { databaseUrl: dbs[i]!.url, pglite, ...(process.env.AB_PROF ? { profileDir: `${process.env.AB_PROF}/${i}` } : {}) })) as T);
  } catch (error) {
    await close();
    throw error;
  }
  return { servers, close };
}
