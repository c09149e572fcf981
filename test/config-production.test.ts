// Issue 19 #14: production refuses weak, repeated or shared secrets and an http issuer (unless TLS is
// declared to end at a proxy, in which case cookies stay Secure).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'lg-config-prod-'));
const strong = () => randomBytes(32).toString('base64url');
const production = (env: Record<string, string>) => ({
  NODE_ENV: 'production',
  LIGHTGATE_DATA_DIR: dataDir(),
  LIGHTGATE_SERVICES: 'auth',
  SECRETS_SYSTEM: strong(),
  SECRETS_COOKIE: strong(),
  URLS_SELF_ISSUER: 'https://auth.example.com',
  ...env,
});
const refused = (env: Record<string, string>, pattern: RegExp) =>
  assert.throws(() => loadConfig(production(env)), (e: Error) => e instanceof ConfigError && pattern.test(e.message), JSON.stringify(env));

test('issue 19 #14: production accepts random secrets (base64url and hex) and an https issuer', () => {
  const config = loadConfig(production({ SECRETS_COOKIE: randomBytes(16).toString('hex') }));
  assert.equal(config.cookiesSecure, true);
  assert.doesNotThrow(() => loadConfig(production({ SECRETS_SYSTEM: `${strong()},${strong()}` })));
});

test('issue 19 #14: production refuses SECRETS_SYSTEM equal to SECRETS_COOKIE', () => {
  const same = strong();
  refused({ SECRETS_SYSTEM: same, SECRETS_COOKIE: same }, /SECRETS_COOKIE: must differ from SECRETS_SYSTEM/);
  // Also when the shared value is an older one in a rotation list.
  refused({ SECRETS_SYSTEM: `${strong()},${same}`, SECRETS_COOKIE: same }, /must differ from SECRETS_SYSTEM/);
  refused({ SECRETS_SYSTEM: `${same},${same}` }, /SECRETS_SYSTEM: .*repeated/);
});

test('issue 19 #14: production refuses low-entropy and repeated secrets (32 × a, short periods, few symbols)', () => {
  refused({ SECRETS_SYSTEM: 'a'.repeat(32), SECRETS_COOKIE: 'a'.repeat(32) }, /SECRETS_SYSTEM: too weak/);
  refused({ SECRETS_SYSTEM: 'x'.repeat(32) }, /SECRETS_SYSTEM: too weak/);
  refused({ SECRETS_COOKIE: 'abcdefghijklmnop'.repeat(2) }, /SECRETS_COOKIE: too weak.*repeats/);
  refused({ SECRETS_COOKIE: '0123456789abcdefghij'.repeat(2) }, /SECRETS_COOKIE: too weak.*repeats/);
  refused({ SECRETS_COOKIE: 'aabbccddeeffaabbccddeeffaabbccdd00' }, /SECRETS_COOKIE: too weak.*distinct/);
  refused({ SECRETS_SYSTEM: `${strong()},${'z'.repeat(40)}` }, /SECRETS_SYSTEM: too weak/);
  // Development keeps accepting anything of 32 characters (tests and local runs).
  assert.doesNotThrow(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), SECRETS_SYSTEM: 'a'.repeat(32), SECRETS_COOKIE: 'a'.repeat(32) }));
});

test('issue 19 #14: production refuses an http issuer unless TLS_TERMINATED_AT_PROXY=true, and then cookies stay Secure', () => {
  refused({ URLS_SELF_ISSUER: 'http://auth.example.com' }, /URLS_SELF_ISSUER: must be https.*TLS_TERMINATED_AT_PROXY/);
  refused({ URLS_SELF_ISSUER: 'http://auth.example.com', TLS_TERMINATED_AT_PROXY: 'false' }, /URLS_SELF_ISSUER: must be https/);
  const behindProxy = loadConfig(production({ URLS_SELF_ISSUER: 'http://auth.example.com', TLS_TERMINATED_AT_PROXY: 'true' }));
  assert.equal(behindProxy.cookiesSecure, true);
  // Secure cookies cannot be turned off in production.
  refused({ COOKIES_SECURE: 'false' }, /COOKIES_SECURE: cannot be false/);
  // Development keeps its http://localhost issuer and plain cookies.
  assert.equal(loadConfig({ LIGHTGATE_DATA_DIR: dataDir() }).cookiesSecure, false);
});

test('issue 19 #14: `lightgate start` refuses weak production secrets and an http issuer with exit code 78', () => {
  const cli = join(import.meta.dirname, '../src/cli/main.ts');
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    LIGHTGATE_DATA_DIR: dataDir(),
    LIGHTGATE_SERVICES: 'auth',
    SECRETS_SYSTEM: 'a'.repeat(32),
    SECRETS_COOKIE: 'a'.repeat(32),
    URLS_SELF_ISSUER: 'http://auth.example.com',
  };
  const run = spawnSync(process.execPath, [cli, 'start'], { env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 78, run.stderr);
  assert.match(run.stderr, /SECRETS_SYSTEM: too weak/);
  assert.match(run.stderr, /SECRETS_COOKIE: must differ from SECRETS_SYSTEM/);
  assert.match(run.stderr, /URLS_SELF_ISSUER: must be https/);
});
