// A real `lightgate start` child process on free ports, its JSON log lines captured, for the
// scale-out, outage, kill and drain tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopbackEnv } from '../../support/stack.ts';

export interface LightgateProcess {
  child: ChildProcess;
  urls: { public: string; admin: string; ui: string; api: string };
  env: Record<string, string>;
  dataDir: string;
  /** Every stdout and stderr line so far. */
  logs: string[];
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
  stop(): Promise<void>;
}

export const CLI = join(import.meta.dirname, '../../../src/cli/main.ts');

/** Shared secrets, so that processes of one deployment accept each other's cookies and keys. */
export const SHARED_SECRETS = {
  SECRETS_SYSTEM: 'production-test-system-secret-0123456789abcdef',
  SECRETS_COOKIE: 'production-test-cookie-secret-0123456789abcdef',
};

export async function startLightgate(options: { env: Record<string, string>; dataDir?: string; readyTimeoutMs?: number }): Promise<LightgateProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'lightgate-proc-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...(await loopbackEnv(dataDir)),
    LOG_LEVEL: 'info',
    LIGHTGATE_SERVICES: 'auth,api,ui',
    ...SHARED_SECRETS,
    ...options.env,
  };
  const child = spawn(process.execPath, [CLI, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => (done = true) && reject(new Error(`lightgate did not start within ${options.readyTimeoutMs ?? 20_000} ms:\n${logs.join('\n')}`)), options.readyTimeoutMs ?? 20_000);
    const ready = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve();
    };
    const onLine = (line: string) => {
      logs.push(line);
      if (line.includes('"lightgate started"')) ready();
    };
    // Quieter log levels print no start line: then every service answering /health/alive means ready.
    const port = (name: string) => Number(env[name]);
    const ports: Record<string, number[]> = { auth: [port('SERVE_PUBLIC_PORT'), port('SERVE_ADMIN_PORT')], api: [port('API_PORT')], ui: [port('UI_PORT')], portal: [port('PORTAL_PORT')] };
    const wanted = env.LIGHTGATE_SERVICES!.split(',').flatMap((s) => ports[s.trim()] ?? []);
    const poll = async () => {
      while (!done && child.exitCode === null) {
        const up = await Promise.all(wanted.map((p) => fetch(`http://127.0.0.1:${p}/health/alive`).then((r) => r.ok, () => false)));
        if (up.every(Boolean)) return ready();
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    void poll();
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop() ?? '';
        lines.forEach(onLine);
      });
      stream.on('end', () => rest && onLine(rest));
    }
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`lightgate exited (${code ?? signal}) before it was ready:\n${logs.join('\n')}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    // Never leave a half-started process behind.
    child.kill('SIGKILL');
    throw error;
  }
  return {
    child,
    env,
    dataDir,
    logs,
    exited,
    urls: { public: `http://127.0.0.1:${env.SERVE_PUBLIC_PORT}`, admin: `http://127.0.0.1:${env.SERVE_ADMIN_PORT}`, ui: `http://127.0.0.1:${env.UI_PORT}`, api: `http://127.0.0.1:${env.API_PORT}` },
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns the time it took (ms). */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
