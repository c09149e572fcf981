// Terraform's hydra provider against the admin API (issue 13): the exact request bodies the provider sends for
// Blink's two guide clients (test/hydra/terraform-provider.ts ports how it builds them), replayed over HTTP
// through create → read → plan → update with the secret → read → plan → delete. After each write, a read gives
// back exactly the fields written (as the provider reads them), and `terraform plan` shows no change. The same
// bodies run against a real Ory Hydra v2 (terraform-provider.hydra-test.ts) and against Lightgate
// (test/auth/terraform-provider.test.ts), so both servers give the same answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asProviderReads, dataFromClient, dataToClient, planDiff, planned, type ResourceData } from './terraform-provider.ts';
import { type AuthTarget, type TargetFactory, targetPerSuite } from './support/target.ts';

/** Blink's guide, `hydra_oauth2_client.api_dashboard`, with its local filled in. */
export const API_DASHBOARD: ResourceData = {
  client_name: 'Blink Api Dashboard',
  grant_types: ['authorization_code'],
  response_types: ['code', 'id_token'],
  token_endpoint_auth_method: 'client_secret_basic',
  scopes: ['read', 'write'],
  redirect_uris: ['https://dashboard.example.com/api/auth/callback/blink'],
  skip_consent: true,
};
/** Blink's guide, `hydra_oauth2_client.galoy_pay`, for two hosts. */
export const GALOY_PAY: ResourceData = {
  client_name: 'Blink POS',
  grant_types: ['authorization_code'],
  response_types: ['code', 'id_token'],
  token_endpoint_auth_method: 'client_secret_basic',
  scopes: ['read'],
  redirect_uris: ['https://pay.example.com/api/auth/callback/blink', 'https://pos.example.net/api/auth/callback/blink'],
  skip_consent: true,
};
/**
 * The provider's create body for API_DASHBOARD as Go marshals it (json.Encoder adds the final newline). Recorded
 * from the real provider under OpenTofu 1.12 (docs/hydra-compatibility.md): the same bytes.
 */
export const API_DASHBOARD_CREATE =
  '{"allowed_cors_origins":[],"audience":[],"backchannel_logout_session_required":false,"backchannel_logout_uri":"","client_id":"",' +
  '"client_name":"Blink Api Dashboard","client_uri":"","contacts":[],"frontchannel_logout_uri":"","grant_types":["authorization_code"],' +
  '"jwks_uri":"","logo_uri":"","policy_uri":"","post_logout_redirect_uris":[],' +
  '"redirect_uris":["https://dashboard.example.com/api/auth/callback/blink"],"request_uris":[],"response_types":["code","id_token"],' +
  '"scope":"read write","sector_identifier_uri":"","skip_consent":true,"token_endpoint_auth_method":"client_secret_basic","tos_uri":""}\n';

// hydra-client-go's headers (a content type only with a body).
const HEADERS = { accept: 'application/json', 'user-agent': 'OpenAPI-Generator/2.1.1/go' };

async function call(t: AuthTarget, method: string, path: string, body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${t.adminUrl}/admin/clients${path}`, { method, headers: body === undefined ? HEADERS : { ...HEADERS, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Each field written comes back as written, as the provider reads it (an absent field is its zero value). */
function assertReadsBack(written: Record<string, unknown>, read: Record<string, unknown>, t: AuthTarget): void {
  for (const [field, value] of Object.entries(written)) {
    if (field === 'client_secret' || (field === 'client_id' && value === '')) continue;
    assert.deepEqual(asProviderReads(read, field, value), value, `${t.name}: ${field} read back`);
  }
}

/** True if the token endpoint takes the client's credentials (a bogus code: invalid_grant, not invalid_client). */
async function authenticates(t: AuthTarget, id: string, secret: string, redirectUri: string): Promise<boolean> {
  const res = await fetch(`${t.publicUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: 'ory_ac_bogus', redirect_uri: redirectUri }),
  });
  const { error } = (await res.json()) as { error: string };
  return error !== 'invalid_client';
}

export function terraformProviderSuite(label: string, start: TargetFactory): void {
  describe(`Terraform's hydra provider request bodies: ${label}`, () => {
    let t: AuthTarget;
    targetPerSuite(start, (target) => {
      t = target;
    });

    it("apply → plan → update (with the secret) → plan → destroy with the guide's API dashboard", async () => {
      const create = dataToClient(API_DASHBOARD);
      assert.equal(`${JSON.stringify(create)}\n`, API_DASHBOARD_CREATE, 'the port of dataToClient builds the body the real provider sends');

      const created = await call(t, 'POST', '', API_DASHBOARD_CREATE);
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const id = created.json.client_id as string;
      const secret = created.json.client_secret as string;
      assert.ok(id && id.length > 0, 'an empty client_id means "generate one"');
      assert.ok(secret && secret.length >= 26, 'a generated secret, in the create answer only');
      assert.equal(created.json.access_token_strategy, undefined, 'not set, not returned');
      let state = dataFromClient(created.json);
      assert.deepEqual(planDiff(API_DASHBOARD, state), [], 'plan right after create');

      const read = await call(t, 'GET', `/${encodeURIComponent(id)}`);
      assert.equal(read.status, 200);
      assert.equal(read.json.client_secret, undefined);
      assertReadsBack(JSON.parse(API_DASHBOARD_CREATE), read.json, t);
      state = dataFromClient(read.json, state);
      assert.deepEqual(planDiff(API_DASHBOARD, state), [], 'terraform plan: no changes');
      assert.equal(state.client_secret, secret);

      // An update in place: a new name and a second redirect URI. The provider sends the whole client again,
      // the secret from its state and the computed values it read (subject_type, userinfo_signed_response_alg).
      const changed: ResourceData = { ...API_DASHBOARD, client_name: 'Blink Api Dashboard (staging)', redirect_uris: [...(API_DASHBOARD.redirect_uris as string[]), 'https://staging.example.com/api/auth/callback/blink'] };
      assert.deepEqual(planDiff(changed, state).map((c) => c.attribute), ['client_name', 'redirect_uris']);
      const update = dataToClient(planned(changed, state));
      assert.equal(update.client_id, id);
      assert.equal(update.client_secret, secret);
      assert.equal(update.subject_type, 'public');
      assert.equal(update.userinfo_signed_response_alg, 'none');
      const updated = await call(t, 'PUT', `/${encodeURIComponent(id)}`, `${JSON.stringify(update)}\n`);
      assert.equal(updated.status, 200, JSON.stringify(updated.json));
      assert.equal(updated.json.client_secret, secret, 'the secret sent is echoed, as Hydra does');
      state = dataFromClient(updated.json, state);
      assert.deepEqual(planDiff(changed, state), [], 'plan right after update');

      const reread = await call(t, 'GET', `/${encodeURIComponent(id)}`);
      assertReadsBack(update, reread.json, t);
      state = dataFromClient(reread.json, state);
      assert.deepEqual(planDiff(changed, state), [], 'terraform plan after the update: no changes');
      assert.equal(await authenticates(t, id, secret, 'https://staging.example.com/api/auth/callback/blink'), true, 'the secret still works');
      assert.equal(await authenticates(t, id, `${secret}x`, 'https://staging.example.com/api/auth/callback/blink'), false);

      const deleted = await call(t, 'DELETE', `/${encodeURIComponent(id)}`);
      assert.equal(deleted.status, 204);
      assert.equal((await call(t, 'GET', `/${encodeURIComponent(id)}`)).status, 404);
    });

    it("the guide's POS client, and access_token_strategy once it is set", async () => {
      for (const config of [GALOY_PAY, { ...GALOY_PAY, client_name: 'Blink POS (opaque)', access_token_strategy: 'opaque' }]) {
        const body = dataToClient(config);
        const created = await call(t, 'POST', '', JSON.stringify(body));
        assert.equal(created.status, 201, JSON.stringify(created.json));
        const id = created.json.client_id as string;
        assert.equal(created.json.access_token_strategy, config.access_token_strategy);
        const read = await call(t, 'GET', `/${encodeURIComponent(id)}`);
        assertReadsBack(body, read.json, t);
        const state = dataFromClient(read.json, dataFromClient(created.json));
        assert.deepEqual(planDiff(config, state), [], `${String(config.client_name)}: terraform plan shows no changes`);
        assert.equal((await call(t, 'DELETE', `/${encodeURIComponent(id)}`)).status, 204);
      }
    });

    it('empty values mean "unset", as the SDKs send them: the server generates or defaults each', async () => {
      const created = await call(t, 'POST', '', JSON.stringify({ client_id: '', client_secret: '', client_name: '', scope: '', token_endpoint_auth_method: '', subject_type: '', owner: '', grant_types: [], response_types: [], redirect_uris: [], audience: [], contacts: [], metadata: {} }));
      assert.equal(created.status, 201, JSON.stringify(created.json));
      assert.ok(String(created.json.client_id).length > 0 && String(created.json.client_secret).length >= 26);
      assert.equal(created.json.scope, 'offline_access offline openid', "Hydra's default scope");
      assert.equal(created.json.token_endpoint_auth_method, 'client_secret_basic');
      assert.equal(created.json.subject_type, 'public');
      for (const field of ['grant_types', 'response_types', 'redirect_uris', 'audience']) assert.deepEqual(created.json[field] ?? [], [], `${field} stays empty`);
      assert.equal((await call(t, 'DELETE', `/${encodeURIComponent(String(created.json.client_id))}`)).status, 204);
    });

    it('importing a client created elsewhere (`terraform import`) plans no change for the matching configuration', async () => {
      const created = await call(t, 'POST', '', JSON.stringify({ client_name: 'Imported', redirect_uris: ['https://i.example.com/cb'], scope: 'read', skip_consent: true }));
      assert.equal(created.status, 201);
      const id = created.json.client_id as string;
      const state = dataFromClient((await call(t, 'GET', `/${encodeURIComponent(id)}`)).json);
      assert.deepEqual(planDiff({ client_name: 'Imported', redirect_uris: ['https://i.example.com/cb'], scopes: ['read'], skip_consent: true }, state), []);
      assert.equal((await call(t, 'DELETE', `/${encodeURIComponent(id)}`)).status, 204);
    });
  });
}
