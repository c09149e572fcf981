// A Config for tests that build one module (identity, login UI) without a whole stack: a temp data dir and
// test secrets; and a clock the test moves by hand.
import { mkdtempSync } from 'node:fs';
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

export function movableClock(start = new Date()) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}
