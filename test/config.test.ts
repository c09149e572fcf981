import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { parseDuration } from '../src/config/duration.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'lg-config-'));

test('defaults are Hydra and Blink ports, and the config is frozen', () => {
  const config = loadConfig({ LIGHTGATE_DATA_DIR: dataDir() });
  assert.equal(config.listen.public.port, 4444);
  assert.equal(config.listen.admin.port, 4445);
  assert.equal(config.listen.admin.host, '127.0.0.1');
  assert.equal(config.listen.ui.port, 3000);
  assert.equal(config.listen.portal.port, 3001);
  assert.equal(config.listen.api.port, 4002);
  assert.equal(config.urls.issuer, 'http://localhost:4444');
  assert.equal(config.secrets.generated, true);
  assert.throws(() => ((config.listen.public as { port: number }).port = 1));
});

test('a bad value stops start-up with a message naming the variable', () => {
  assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), SERVE_PUBLIC_PORT: 'abc' }), (e: Error) => e instanceof ConfigError && /SERVE_PUBLIC_PORT/.test(e.message));
  assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), TTL_AUTH_CODE: '11m' }), /TTL_AUTH_CODE/);
  assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
  assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), LIGHTGATE_SERVICES: 'auth,nope' }), /LIGHTGATE_SERVICES/);
});

test('production refuses to start without real secrets', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production', LIGHTGATE_DATA_DIR: dataDir() }), (e: Error) => /SECRETS_SYSTEM/.test(e.message) && /SECRETS_COOKIE/.test(e.message));
  const config = loadConfig({
    NODE_ENV: 'production',
    LIGHTGATE_DATA_DIR: dataDir(),
    SECRETS_SYSTEM: 'production-system-secret-0123456789abcdef',
    SECRETS_COOKIE: 'production-cookie-secret-0123456789abcdef',
    URLS_SELF_ISSUER: 'https://auth.example.com',
    SMTP_URL: 'smtp://mail.example.com',
  });
  assert.equal(config.secrets.generated, false);
  assert.equal(config.cookiesSecure, true);
});

test('durations in Hydra style', () => {
  assert.equal(parseDuration('30s'), 30);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('720h'), 2592000);
  assert.equal(parseDuration('15'), 15);
  assert.equal(parseDuration('1y'), undefined);
});

test('the embedded engine: PGLITE_SHARED_BUFFERS (16MB by default, a size or refused) and PGLITE_TEMPLATE_DIR (a path, or off)', () => {
  const defaults = loadConfig({ LIGHTGATE_DATA_DIR: dataDir() });
  assert.deepEqual(defaults.pglite, { sharedBuffers: '16MB', templateRoot: undefined });
  const off = loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), PGLITE_TEMPLATE_DIR: 'off', PGLITE_SHARED_BUFFERS: '32MB' });
  assert.deepEqual(off.pglite, { sharedBuffers: '32MB', templateRoot: false });
  assert.equal(loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), PGLITE_TEMPLATE_DIR: 'some/dir' }).pglite.templateRoot, join(process.cwd(), 'some/dir'));
  assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), PGLITE_SHARED_BUFFERS: 'lots' }), ConfigError);
});
