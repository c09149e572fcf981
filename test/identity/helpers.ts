// Shared set-up for identity and login-ui tests: a Config on a temp data dir, the outbox reader, a movable clock.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.ts';

export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = mkdtempSync(join(tmpdir(), 'lightgate-identity-'));
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LIGHTGATE_DATA_DIR: dataDir,
    SECRETS_SYSTEM: 'test-system-secret-0123456789abcdefghijkl',
    SECRETS_COOKIE: 'test-cookie-secret-0123456789abcdefghijkl',
    ...env,
  });
}

export interface OutboxLine {
  channel: string;
  to: string;
  subject: string;
  text: string;
  code: string;
  at: string;
}

export function readOutbox(dataDir: string): OutboxLine[] {
  const file = join(dataDir, 'outbox.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as OutboxLine);
}

/** The newest code sent to `to`. */
export function lastCode(dataDir: string, to: string): string {
  const line = readOutbox(dataDir).filter((l) => l.to === to).at(-1);
  if (!line) throw new Error(`no message to ${to} in the outbox`);
  return line.code;
}

export function movableClock(start = new Date()) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

/** A code that is not `code` (for wrong tries). */
export const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
