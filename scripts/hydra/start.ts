// Starts a real Ory Hydra v2 (`hydra serve all --dev`) on a fresh PostgreSQL database, for the
// compatibility suite (issue 8) and the benchmarks. The binary comes from scripts/hydra/install.sh
// (built from the Go module proxy, cached outside the repository).
//
// As a command: `npx node scripts/hydra/start.ts` runs one on 5444/5445 until Ctrl-C, with login,
// consent and logout at the login & consent app on :3000 (override with HYDRA_URLS_LOGIN etc.).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase } from '../../test/support/databases.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const HYDRA_VERSION = process.env.HYDRA_VERSION ?? 'v2.3.0';

export interface HydraOptions {
  /** Where Hydra sends the browser with ?login_challenge= (the login & consent app). */
  loginUrl: string;
  consentUrl: string;
  logoutUrl: string;
  errorUrl?: string;
  postLogoutRedirectUrl?: string;
  /** 0 or absent: a free port is chosen (tests run files in parallel). */
  publicPort?: number;
  adminPort?: number;
  /** An existing postgres:// database; absent: a fresh one is created and dropped on stop(). */
  databaseUrl?: string;
  /** Hydra's database pool size (DSN max_conns); default 20. */
  maxConns?: number;
  /** Extra Hydra configuration as environment variables (e.g. TTL_ACCESS_TOKEN: '1h'). */
  env?: Record<string, string>;
}

export interface RunningHydra {
  version: string;
  publicUrl: string;
  adminUrl: string;
  databaseUrl: string;
  /** Everything Hydra printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Path of the cached Hydra binary, building it first when needed (minutes on a cold module cache). */
export function hydraBinary(): string {
  if (process.env.HYDRA_BIN) return process.env.HYDRA_BIN;
  const r = spawnSync('bash', [join(HERE, 'install.sh')], {
    encoding: 'utf8',
    env: { ...process.env, HYDRA_VERSION },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !path) throw new Error(`scripts/hydra/install.sh failed (exit ${r.status})`);
  return path;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function hydraEnv(o: HydraOptions, dsn: string, publicPort: number, adminPort: number): NodeJS.ProcessEnv {
  const publicUrl = `http://127.0.0.1:${publicPort}`;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DSN: dsn,
    LOG_LEVEL: process.env.HYDRA_LOG_LEVEL ?? 'warn',
    LOG_LEAK_SENSITIVE_VALUES: 'true',
    SQA_OPT_OUT: 'true', // no telemetry: the machine has no network
    SERVE_PUBLIC_HOST: '127.0.0.1',
    SERVE_PUBLIC_PORT: String(publicPort),
    SERVE_ADMIN_HOST: '127.0.0.1',
    SERVE_ADMIN_PORT: String(adminPort),
    URLS_SELF_ISSUER: publicUrl,
    URLS_SELF_PUBLIC: publicUrl,
    URLS_LOGIN: o.loginUrl,
    URLS_CONSENT: o.consentUrl,
    URLS_LOGOUT: o.logoutUrl,
    ...(o.errorUrl ? { URLS_ERROR: o.errorUrl } : {}),
    ...(o.postLogoutRedirectUrl ? { URLS_POST_LOGOUT_REDIRECT: o.postLogoutRedirectUrl } : {}),
    SECRETS_SYSTEM: randomBytes(24).toString('hex'),
    ...o.env,
  };
}

async function waitReady(urls: string[], child: ChildProcess, output: () => string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (const url of urls) {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`hydra exited with ${child.exitCode}:\n${output()}`);
      try {
        const r = await fetch(url);
        if (r.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`hydra not ready at ${url} after ${ms} ms:\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startHydra(o: HydraOptions): Promise<RunningHydra> {
  const bin = hydraBinary();
  const db = o.databaseUrl ? { url: o.databaseUrl, drop: async () => {} } : await createPostgresDatabase();
  // sslmode spelled out (the local server has no TLS). max_conns: Hydra's default pool is 2 x CPU
  // (4 here), and v2.3.0 deadlocks under 8 concurrent code exchanges with it: every connection sits
  // "idle in transaction" after DELETE FROM hydra_oauth2_oidc, waiting for a second connection.
  const dsn = `${db.url}${db.url.includes('?') ? '&' : '?'}sslmode=disable&max_conns=${o.maxConns ?? 20}&max_idle_conns=${o.maxConns ?? 20}`;
  const publicPort = o.publicPort || (await freePort());
  const adminPort = o.adminPort || (await freePort());
  const env = hydraEnv(o, dsn, publicPort, adminPort);

  const migrate = spawnSync(bin, ['migrate', 'sql', '--read-from-env', '--yes'], { env, encoding: 'utf8' });
  if (migrate.status !== 0) {
    await db.drop();
    throw new Error(`hydra migrate sql failed (${migrate.status}):\n${migrate.stdout}\n${migrate.stderr}`);
  }

  let out = '';
  const child = spawn(bin, ['serve', 'all', '--dev', '--sqa-opt-out'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const publicUrl = `http://127.0.0.1:${publicPort}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (!o.databaseUrl) await db.drop();
  };
  try {
    await waitReady([`${adminUrl}/health/ready`, `${publicUrl}/health/ready`], child, () => out, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { version: HYDRA_VERSION, publicUrl, adminUrl, databaseUrl: db.url, output: () => out, stop };
}

if (import.meta.main) {
  const ui = process.env.HYDRA_UI_URL ?? 'http://127.0.0.1:3000';
  const h = await startHydra({
    loginUrl: process.env.HYDRA_URLS_LOGIN ?? `${ui}/login`,
    consentUrl: process.env.HYDRA_URLS_CONSENT ?? `${ui}/consent`,
    logoutUrl: process.env.HYDRA_URLS_LOGOUT ?? `${ui}/logout`,
    publicPort: Number(process.env.HYDRA_PUBLIC_PORT ?? 5444),
    adminPort: Number(process.env.HYDRA_ADMIN_PORT ?? 5445),
  });
  console.log(`hydra ${h.version}: public ${h.publicUrl}, admin ${h.adminUrl}, database ${h.databaseUrl}`);
  const shutdown = () => void h.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
