// Issue 15: WRITE_BUDGET_DEFAULT, the budget of a `write` grant that asks none: "none" (the default, also in
// production) or one wallet_spend detail as JSON, parsed strictly; a bad value stops start-up naming the variable.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/config.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'lg-budget-config-'));

test('WRITE_BUDGET_DEFAULT: none by default, a detail in canonical form, bad values refused', () => {
  assert.equal(loadConfig({ LIGHTGATE_DATA_DIR: dataDir() }).writeBudgetDefault, null);
  assert.equal(loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), WRITE_BUDGET_DEFAULT: 'none' }).writeBudgetDefault, null);
  const set = loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), WRITE_BUDGET_DEFAULT: '{"type":"wallet_spend","limit":{"amount":10000,"currency":"BTC"},"period":"P7D"}' });
  assert.deepEqual(set.writeBudgetDefault, { type: 'wallet_spend', limit: { amount: 10000, currency: 'BTC' }, period: 'P1W', per_payment_max: null });
  for (const bad of ['unlimited', '{"type":', '[{"type":"wallet_spend","limit":{"amount":1,"currency":"BTC"}}]', '{"type":"wallet_spend","limit":{"amount":-1,"currency":"BTC"}}', '{"type":"wallet_spend","limit":{"amount":1,"currency":"EUR"}}']) {
    assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir(), WRITE_BUDGET_DEFAULT: bad }), (e: Error) => e instanceof ConfigError && /WRITE_BUDGET_DEFAULT/.test(e.message), bad);
  }
});
