// Terraform's hydra provider against Lightgate's admin API (issue 13): the provider's exact request bodies
// (test/hydra/terraform-provider-suite.ts, also run against a real Ory Hydra by `npm run test:hydra`), and what
// Lightgate refuses where Hydra would store a value Lightgate cannot honour. One engine: nothing here is SQL.
import assert from 'node:assert/strict';
import { after, before, describe, it, test } from 'node:test';
import { migrate } from '../../src/db/migrate.ts';
import { terraformProviderSuite } from '../hydra/terraform-provider-suite.ts';
import { createTestDatabase } from '../support/databases.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { lightgateTarget } from './lightgate-target.ts';

terraformProviderSuite('Lightgate', lightgateTarget('pglite'));

describe('admin API: the values Lightgate cannot honour are refused, never dropped', () => {
  let t: AuthTarget;
  before(async () => {
    t = await lightgateTarget('pglite')(UNREACHABLE_UI);
  });
  after(() => t.stop());
  const post = async (body: unknown) => {
    const res = await fetch(`${t.adminUrl}/admin/clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('a real value for a field Lightgate does not implement is a 400 naming the field; its empty value is accepted', async () => {
    for (const [field, value] of [
      ['allowed_cors_origins', ['https://app.example.com']],
      ['request_uris', ['https://app.example.com/request.jwt']],
      ['jwks_uri', 'https://app.example.com/jwks.json'],
      ['jwks', { keys: [{ kty: 'EC' }] }],
      ['sector_identifier_uri', 'https://app.example.com/sector.json'],
      ['frontchannel_logout_uri', 'https://app.example.com/logout'],
      ['frontchannel_logout_session_required', true],
      ['token_endpoint_auth_signing_alg', 'RS256'],
      ['request_object_signing_alg', 'RS256'],
      ['userinfo_signed_response_alg', 'RS256'],
      ['authorization_code_grant_access_token_lifespan', '1h'],
    ] as const) {
      const r = await post({ client_name: 'x', [field]: value });
      assert.equal(r.status, 400, `${field}: ${JSON.stringify(r.json)}`);
      assert.equal(r.json.error, 'invalid_client_metadata');
      assert.match(String(r.json.error_description), new RegExp(`Field ${field} is not supported by Lightgate`));
    }
    const empty = await post({ client_name: 'x', allowed_cors_origins: [], request_uris: [], jwks: {}, jwks_uri: '', userinfo_signed_response_alg: 'none', frontchannel_logout_session_required: false, authorization_code_grant_access_token_lifespan: null });
    assert.equal(empty.status, 201, JSON.stringify(empty.json));
  });

  it('access_token_strategy: "opaque" is kept and returned, "jwt" is refused (tokens are opaque), anything else is a 400', async () => {
    const opaque = await post({ access_token_strategy: 'opaque' });
    assert.equal(opaque.status, 201);
    assert.equal(opaque.json.access_token_strategy, 'opaque');
    const unset = await post({ access_token_strategy: '' });
    assert.equal(unset.status, 201);
    assert.equal('access_token_strategy' in unset.json, false);
    const jwt = await post({ access_token_strategy: 'jwt' });
    assert.equal(jwt.status, 400);
    assert.match(String(jwt.json.error_description), /"jwt" is not supported: Lightgate issues opaque access tokens/);
    assert.equal((await post({ access_token_strategy: 'signed' })).status, 400);
  });

  it('an empty client_id or client_secret means "generate one", on create and (client_id) on replace', async () => {
    const r = await post({ client_id: '', client_secret: '', client_name: 'gen' });
    assert.equal(r.status, 201);
    assert.match(String(r.json.client_id), /^[0-9a-f-]{36}$/);
    assert.ok(String(r.json.client_secret).length >= 26);
    const put = await fetch(`${t.adminUrl}/admin/clients/${String(r.json.client_id)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: '', client_name: 'gen 2' }) });
    assert.equal(put.status, 200);
    assert.equal(((await put.json()) as { client_name: string }).client_name, 'gen 2');
  });
});

test('migration 0010 unsets the "opaque" access_token_strategy every client stored before it carried', async () => {
  const { db, drop } = await createTestDatabase('pglite');
  try {
    const client = (id: string, extra: Record<string, unknown>) => JSON.stringify({ client_id: id, client_name: id, grant_types: [], scope: 'read', ...extra });
    await db.query('INSERT INTO oauth2_clients (client_id, metadata) VALUES ($1, $2::jsonb), ($3, $4::jsonb)', ['old', client('old', { access_token_strategy: 'opaque' }), 'other', client('other', {})]);
    await db.query("DELETE FROM schema_migrations WHERE name = '0010-auth-client-access-token-strategy.sql'");
    assert.deepEqual(await migrate(db), ['0010-auth-client-access-token-strategy.sql']);
    const rows = await db.query<{ client_id: string; metadata: Record<string, unknown> }>('SELECT client_id, metadata FROM oauth2_clients ORDER BY client_id');
    assert.deepEqual(rows.map((r) => [r.client_id, 'access_token_strategy' in r.metadata, r.metadata.scope]), [['old', false, 'read'], ['other', false, 'read']]);
  } finally {
    await drop();
  }
});
