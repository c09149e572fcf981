// Issue 15: `clients apply` manages a client's spending budgets (spend_budget_default, spend_budget_max: wallet_spend
// details) from YAML/JSON and HCL, against a real stack over the HTTP adapter; a second apply plans no change (the
// file's detail is read in the server's canonical form), and a bad budget is refused with its line.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runClientsCommand } from '../../src/cli/commands/clients.ts';
import { parseClients } from '../../src/clients-as-code/load.ts';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import type { HydraAdmin } from '../../src/hydra-port/port.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const YAML = `client_name: Budgeted shop
redirect_uris: [https://shop.example/cb]
scope: openid read write
spend_budget_default:
  type: wallet_spend
  limit: { amount: 5000, currency: BTC }
  period: P7D
  per_payment_max: 1000
spend_budget_max: { type: wallet_spend, limit: { amount: 20000, currency: BTC }, period: P1W, per_payment_max: 5000 }
`;

const HCL = `resource "hydra_oauth2_client" "budgeted_pos" {
  client_name      = "Budgeted POS"
  redirect_uris    = ["https://pos.example/cb"]
  scopes           = ["read", "write"]
  spend_budget_max = { type = "wallet_spend", limit = { amount = 1500, currency = "USD" }, period = "P1M" }
}
`;

describe('clients apply: spending budgets', () => {
  let stack: TestStack;
  let hydra: HydraAdmin;
  const dir = mkdtempSync(join(tmpdir(), 'lg-budgets-'));
  before(async () => {
    stack = await startTestStack({ kind: 'pglite' });
    hydra = createHttpHydraAdmin(stack.urls.admin);
  });
  after(() => stack?.close());

  async function run(...argv: string[]) {
    const lines: string[] = [];
    const code = await runClientsCommand(argv, { hydra, out: (l) => lines.push(l) });
    return { code, text: lines.join('\n') };
  }

  it('YAML and HCL budgets are applied, read back canonical, and a second apply changes nothing', async () => {
    const yaml = join(dir, 'shop.yaml');
    const hcl = join(dir, 'pos.tf');
    writeFileSync(yaml, YAML);
    writeFileSync(hcl, HCL);
    for (const file of [yaml, hcl]) {
      const applied = await run('apply', file);
      assert.equal(applied.code, 0, applied.text);
    }
    const listed = await hydra.listClients();
    assert.ok(listed.ok);
    const shop = listed.value.find((c) => c.client_name === 'Budgeted shop')!;
    assert.deepEqual(shop.spend_budget_default, { type: 'wallet_spend', limit: { amount: 5000, currency: 'BTC' }, period: 'P1W', per_payment_max: 1000 });
    assert.deepEqual(shop.spend_budget_max, { type: 'wallet_spend', limit: { amount: 20000, currency: 'BTC' }, period: 'P1W', per_payment_max: 5000 });
    const pos = listed.value.find((c) => c.client_name === 'Budgeted POS')!;
    assert.deepEqual(pos.spend_budget_max, { type: 'wallet_spend', limit: { amount: 1500, currency: 'USD' }, period: 'P1M', per_payment_max: null });
    assert.equal(pos.spend_budget_default, null);
    for (const file of [yaml, hcl]) {
      const again = await run('plan', file);
      assert.equal(again.code, 0);
      assert.doesNotMatch(again.text, /spend_budget/, `no drift on ${file}:\n${again.text}`);
    }
    // A lowered maximum is planned as a change of that field.
    writeFileSync(hcl, HCL.replace('amount = 1500', 'amount = 1000'));
    assert.match((await run('plan', hcl)).text, /spend_budget_max/);
  });

  it('a bad budget is refused with its line, before anything is sent', () => {
    const bad = parseClients('bad.yaml', YAML.replace('currency: BTC }', 'currency: EUR }'));
    assert.ok(!bad.ok && bad.error.code === 'invalid_source');
    assert.equal(bad.error.line, 4);
    assert.match(bad.error.message, /spend_budget_default: limit.currency must be BTC/);
    const hcl = parseClients('bad.tf', HCL.replace('period = "P1M"', 'period = "P2M"'));
    assert.ok(!hcl.ok && hcl.error.code === 'invalid_source');
    assert.equal(hcl.error.line, 5);
    assert.match(hcl.error.message, /spend_budget_max: period must be/);
    const unknown = parseClients('bad.json', JSON.stringify({ client_name: 'x', spend_budget_max: { type: 'wallet_spend', limit: { amount: 1, currency: 'BTC' }, extra: 1 } }));
    assert.ok(!unknown.ok);
    assert.match(unknown.error.message, /unknown field "extra"/);
  });
});
