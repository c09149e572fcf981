// WEBHOOK_* settings (issue 14): durations in ms or Hydra's syntax, loopback targets allowed outside
// production only (and refused at start-up if asked for in production), https-only URLs in production.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { parseEndpointUrl } from '../../src/webhooks/domain/endpoint-url.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'lg-webhook-config-'));
const production = (env: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  LIGHTGATE_DATA_DIR: dataDir(),
  LIGHTGATE_SERVICES: 'auth',
  SECRETS_SYSTEM: randomBytes(32).toString('base64url'),
  SECRETS_COOKIE: randomBytes(32).toString('base64url'),
  URLS_SELF_ISSUER: 'https://auth.example.com',
  ...env,
});

test('defaults, ms durations and bad values', () => {
  const dev = loadConfig({ LIGHTGATE_DATA_DIR: dataDir() }).webhooks;
  assert.deepEqual(
    [dev.allowLoopback, dev.baseMs, dev.windowMs, dev.connectTimeoutMs, dev.totalTimeoutMs, dev.maxResponseBytes, dev.concurrency, dev.pollIntervalMs],
    [true, 30_000, 86_400_000, 3_000, 10_000, 65_536, 8, 1_000],
  );
  const fast = loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), WEBHOOK_RETRY_BASE: '250ms', WEBHOOK_RETRY_WINDOW: '2s', WEBHOOK_TIMEOUT: '1500ms' }).webhooks;
  assert.deepEqual([fast.baseMs, fast.windowMs, fast.totalTimeoutMs], [250, 2_000, 1_500]);
  for (const [name, value] of [['WEBHOOK_RETRY_BASE', 'soon'], ['WEBHOOK_TIMEOUT', '0ms'], ['WEBHOOK_CONCURRENCY', '-1'], ['WEBHOOK_ALLOW_LOOPBACK', 'maybe']] as const) {
    assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), [name]: value }), (e: Error) => e instanceof ConfigError && e.message.includes(name), `${name}=${value}`);
  }
});

test('production: no loopback targets (asking for them stops start-up), https only', () => {
  const config = loadConfig(production());
  assert.equal(config.webhooks.allowLoopback, false);
  assert.throws(() => loadConfig(production({ WEBHOOK_ALLOW_LOOPBACK: 'true' })), (e: Error) => e instanceof ConfigError && /WEBHOOK_ALLOW_LOOPBACK/.test(e.message));
  for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://example.com/hook', 'https://localhost/hook', 'https://127.0.0.2/hook']) {
    const parsed = parseEndpointUrl(url, config.webhooks);
    assert.equal(!parsed.ok && parsed.error.code, 'URL_NOT_ALLOWED', url);
  }
  assert.ok(parseEndpointUrl('https://hooks.example.com/lightgate', config.webhooks).ok);
  assert.ok(parseEndpointUrl('http://127.0.0.1:8080/hook', { allowLoopback: true }).ok, 'development allows http://127.0.0.1');
  assert.equal((parseEndpointUrl('http://10.0.0.5/hook', { allowLoopback: true }) as { error: { code: string } }).error.code, 'URL_NOT_ALLOWED');
});
