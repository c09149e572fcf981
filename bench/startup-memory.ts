// Time from `npm start` to ready, and idle memory of the whole stack (every service in one process),
// on PGlite (first start on an empty data dir, then a restart) and on PostgreSQL.
//   npx node bench/startup-memory.ts [--rounds 3] [--idle 5] [--write]
// Ready: every service answers (readiness of auth public, admin and API; liveness of the login app and
// portal). Memory: the process's own gauges on GET /metrics after `idle` seconds without traffic.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPostgresDatabase } from '../test/support/databases.ts';
import { freePort } from '../test/support/stack.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, idle: { type: 'string', default: '5' }, write: { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
const idleSeconds = Number(values.idle);
const ROOT = new URL('..', import.meta.url).pathname;

interface Sample {
  readyMs: number;
  rssMiB: number;
  heapMiB: number;
}

async function startOnce(env: Record<string, string>): Promise<Sample> {
  const [pub, admin, ui, portal, api] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      SERVE_PUBLIC_PORT: String(pub),
      SERVE_ADMIN_PORT: String(admin),
      UI_PORT: String(ui),
      PORTAL_PORT: String(portal),
      API_PORT: String(api),
      URLS_SELF_ISSUER: `http://127.0.0.1:${pub}`,
      URLS_UI: `http://127.0.0.1:${ui}`,
      URLS_PORTAL: `http://127.0.0.1:${portal}`,
      URLS_API: `http://127.0.0.1:${api}`,
      ...env,
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const checks = [`${pub}/health/ready`, `${admin}/health/ready`, `${api}/health/ready`, `${ui}/health/alive`, `${portal}/health/alive`].map((p) => `http://127.0.0.1:${p}`);
  try {
    for (;;) {
      const up = await Promise.all(checks.map((u) => fetch(u).then((r) => r.ok, () => false)));
      if (up.every(Boolean)) break;
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      if (performance.now() - started > 60_000) throw new Error('not ready within 60 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const metrics = await (await fetch(`http://127.0.0.1:${admin}/metrics`)).text();
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN) / 2 ** 20;
    return { readyMs, rssMiB: gauge('lightgate_process_resident_memory_bytes'), heapMiB: gauge('lightgate_nodejs_heap_size_used_bytes') };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: string[] = [];
async function scenario(name: string, run: () => Promise<Sample>) {
  const samples: Sample[] = [];
  for (let i = 0; i < rounds; i++) samples.push(await run());
  const row = `| ${name} | ${median(samples.map((s) => s.readyMs)).toFixed(0)} | ${median(samples.map((s) => s.rssMiB)).toFixed(0)} | ${median(samples.map((s) => s.heapMiB)).toFixed(0)} |`;
  console.log(row);
  rows.push(row);
}

await scenario('PGlite, first start (empty data dir: migrations, first signing key)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lightgate-bench-'));
  try {
    return await startOnce({ LIGHTGATE_DATA_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
const warm = mkdtempSync(join(tmpdir(), 'lightgate-bench-'));
await startOnce({ LIGHTGATE_DATA_DIR: warm });
await scenario('PGlite, restart (existing data dir)', () => startOnce({ LIGHTGATE_DATA_DIR: warm }));
rmSync(warm, { recursive: true, force: true });
await scenario('PostgreSQL, first start (fresh database)', async () => {
  const database = await createPostgresDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'lightgate-bench-'));
  try {
    return await startOnce({ LIGHTGATE_DATA_DIR: dir, DATABASE_URL: database.url });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
});

const cpu = cpus();
const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; median of ${rounds} starts; memory after ${idleSeconds} s idle; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end; ${new Date().toISOString().slice(0, 10)}`;
const table = ['| start | `npm start` → ready (ms) | idle RSS (MiB) | JS heap used (MiB) |', '| --- | ---: | ---: | ---: |', ...rows].join('\n');
console.log(`\n${table}\n\n${machine}`);

if (values.write) {
  const section = `<!-- startup-memory:begin -->
## Start-up time and idle memory of the whole stack (issue 7)

\`npx node bench/startup-memory.ts --write\` runs \`npm start\` (all five servers: auth public and admin, API,
login app, portal, in one process) and waits until every one answers (readiness of the public, admin and API
ports, which checks the database; liveness of the two web apps).

${table}

Machine: ${machine}.

RSS is the whole process: Node, every server, oidc-provider, and with PGlite the embedded PostgreSQL (WASM)
and its buffers. With PostgreSQL the database server's own memory is not included. The time includes npm and
Node starting and TypeScript type stripping of every module.
<!-- startup-memory:end -->`;
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const [begin, end] = ['<!-- startup-memory:begin -->', '<!-- startup-memory:end -->'];
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  writeFileSync(file, a >= 0 && b > a ? text.slice(0, a) + section + text.slice(b + end.length) : `${text.trimEnd()}\n\n${section}\n`);
}
