// Shared by the example tests: chromium (playwright-core) through the real login & consent pages, screenshots
// into test-artifacts/examples/, child processes whose output is kept for failure messages, and applying an
// example's client.tf through the clients-as-code command.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { runClientsCli } from '../../src/cli/commands/clients.ts';
import { lastCode } from '../support/users.ts';
import { screenshots, signInOnLoginPage } from '../support/browser.ts';

export const ROOT = process.cwd();
/** Screenshots into test-artifacts/examples/. */
export const shot = screenshots('examples');

/** On the login page: email, the code from the outbox, then Allow on the consent page (unless the client skips consent). */
export async function signInThroughPages(page: Page, dataDir: string, email: string, shots?: string, { consent = true }: { consent?: boolean } = {}): Promise<void> {
  await signInOnLoginPage(page, email, (to) => lastCode(dataDir, to), { atPage: async () => (shots ? shot(page, `${shots}-login`) : undefined) });
  if (!consent) return;
  await page.getByRole('button', { name: 'Allow' }).waitFor();
  if (shots) await shot(page, `${shots}-consent`);
  await page.getByRole('button', { name: 'Allow' }).click();
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output (stdout and stderr), or rejects on exit/timeout. */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function run(cmd: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Proc {
  const child = spawn(cmd, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const listeners = new Set<() => void>();
  const append = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            done();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} within ${ms} ms; output:\n${out.slice(-3000)}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`exited with ${code} before ${pattern}; output:\n${out.slice(-3000)}`));
        });
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The whole process group: `next start` runs its server in a child process.
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `lightgate clients apply <file>` against the stack's admin API; returns the command's output and secrets. */
export async function applyClientFile(adminUrl: string, file: string, args: string[] = []): Promise<{ lines: string[]; secrets: Record<string, { client_id: string; client_secret: string }> }> {
  const dir = mkdtempSync(join(tmpdir(), 'lightgate-example-'));
  const secretsFile = join(dir, 'secrets.json');
  const lines: string[] = [];
  try {
    const code = await runClientsCli(['apply', file, ...args, '--secrets-out', secretsFile], adminUrl, (l) => lines.push(l));
    if (code !== 0) throw new Error(`clients apply ${file} exited ${code}:\n${lines.join('\n')}`);
    let secrets = {};
    try {
      secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as typeof secrets;
    } catch {
      // public clients only: no secrets file
    }
    return { lines, secrets };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
