// The HTTP adapter's admin-API contract and `clients apply` on Blink's guide, against a real Ory
// Hydra v2 (scripts/hydra/start.ts; part of `npm run test:hydra`, not of `npm test`).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHydra, type RunningHydra } from '../../scripts/hydra/start.ts';
import { runClientsCommand } from '../../src/cli/commands/clients.ts';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import { adminApiContract } from './admin-contract.ts';

const BLINK_GUIDE = join(import.meta.dirname, '../../examples/terraform/blink-guide.tf');

describe('HTTP adapter against Ory Hydra', () => {
  let hydra: RunningHydra;
  before(async () => {
    hydra = await startHydra({ loginUrl: 'http://127.0.0.1:9/login', consentUrl: 'http://127.0.0.1:9/consent', logoutUrl: 'http://127.0.0.1:9/logout' });
  });
  after(() => hydra.stop());

  adminApiContract(() => hydra.adminUrl);

  it("clients apply creates the guide's two clients as written; a second apply changes nothing", async () => {
    const admin = createHttpHydraAdmin(hydra.adminUrl);
    const run = async () => {
      const lines: string[] = [];
      const code = await runClientsCommand(['apply', BLINK_GUIDE, '--var', 'dashboard_url=https://app.example.com'], { hydra: admin, out: (l) => lines.push(l) });
      return { code, text: lines.join('\n') };
    };
    const first = await run();
    assert.equal(first.code, 0, first.text);
    assert.match(first.text, /Apply complete: 2 created/);
    const listed = await admin.listClients();
    assert.ok(listed.ok);
    const pos = listed.value.find((c) => c.metadata?.lightgate_resource === 'hydra_oauth2_client.galoy_pay');
    const dashboard = listed.value.find((c) => c.metadata?.lightgate_resource === 'hydra_oauth2_client.api_dashboard');
    assert.equal(pos?.client_name, 'Blink POS');
    assert.deepEqual(pos?.response_types, ['code', 'id_token']);
    assert.equal(pos?.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(pos?.scope, 'read');
    assert.deepEqual(pos?.redirect_uris, ['https://pay.example.com/api/auth/callback/blink']);
    assert.equal(dashboard?.client_name, 'Blink Api Dashboard');
    assert.equal(dashboard?.scope, 'read write');
    assert.deepEqual(dashboard?.redirect_uris, ['https://app.example.com/api/auth/callback/blink']);
    assert.equal(dashboard?.skip_consent, true);
    const second = await run();
    assert.equal(second.code, 0, second.text);
    assert.match(second.text, /Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged\./);
  });
});
