// What any Hydra admin API must do for the HTTP adapter, whoever serves it: Lightgate's admin
// server or a real Ory Hydra (issue 8 runs the same contract against one). Only Hydra's documented
// behaviour is asserted: statuses, shapes and round trips, not Lightgate's wording.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import type { HydraAdmin } from '../../src/hydra-port/port.ts';
import type { HydraError } from '../../src/hydra-port/types.ts';
import type { Result } from '../../src/shared/result.ts';

function value<T>(r: Result<T, HydraError>): T {
  if (!r.ok) assert.fail(`expected success, got ${JSON.stringify(r.error)}`);
  return r.value;
}

function failure<T>(r: Result<T, HydraError>, status: number): HydraError {
  if (r.ok) assert.fail(`expected HTTP ${status}, got success ${JSON.stringify(r.value)}`);
  assert.equal(r.error.status, status, JSON.stringify(r.error));
  assert.equal(typeof r.error.error, 'string');
  assert.ok(r.error.error.length > 0);
  assert.equal(typeof r.error.error_description, 'string');
  return r.error;
}

/** Registers the contract tests; `adminUrl` is read when the tests run (after the server started). */
export function adminApiContract(adminUrl: () => string): void {
  const hydra = (): HydraAdmin => createHttpHydraAdmin(adminUrl(), { pageSize: 2 });

  it('creates, reads, replaces, rotates and deletes a client', async () => {
    const h = hydra();
    const owner = `owner-${randomUUID()}`;
    const created = value(
      await h.createClient({
        client_name: 'Contract App',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'read write',
        redirect_uris: ['https://contract.example/cb'],
        owner,
        metadata: { lightgate_resource: 'hydra_oauth2_client.contract' },
      }),
    );
    assert.ok(created.client_id);
    assert.ok(created.client_secret, 'the secret is returned once, at creation');
    assert.equal(created.token_endpoint_auth_method, 'client_secret_post');

    const got = value(await h.getClient(created.client_id));
    assert.equal(got.client_name, 'Contract App');
    assert.deepEqual(got.redirect_uris, ['https://contract.example/cb']);
    assert.deepEqual(got.metadata, { lightgate_resource: 'hydra_oauth2_client.contract' });
    assert.ok(!got.client_secret, 'never returned again');

    const replaced = value(await h.replaceClient(created.client_id, { ...got, client_name: 'Renamed', scope: 'read' }));
    assert.equal(replaced.client_id, created.client_id);
    assert.equal(replaced.client_name, 'Renamed');
    assert.equal(replaced.scope, 'read');

    const rotated = value(await h.rotateClientSecret(created.client_id));
    assert.ok(rotated.client_secret);
    assert.notEqual(rotated.client_secret, created.client_secret);
    // Hydra's deleteRotatedOAuth2ClientSecrets: the client back, without a secret (issue 17 #5).
    const ended = value(await h.deleteRotatedClientSecrets(created.client_id));
    assert.equal(ended.client_id, created.client_id);
    assert.equal(ended.client_secret ?? '', '');

    const mine = value(await h.listClients({ owner }));
    assert.deepEqual(
      mine.map((c) => c.client_id),
      [created.client_id],
    );

    value(await h.deleteClient(created.client_id));
    failure(await h.getClient(created.client_id), 404);
    failure(await h.deleteClient(created.client_id), 404);
  });

  it('follows pagination to list every client', async () => {
    const h = hydra();
    const owner = `owner-${randomUUID()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(value(await h.createClient({ client_name: `Page ${i}`, owner, token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: ['https://p.example/cb'] })).client_id);
    }
    const listed = value(await h.listClients({ owner }));
    assert.deepEqual(listed.map((c) => c.client_id).sort(), [...ids].sort());
    const all = value(await h.listClients());
    for (const id of ids) assert.ok(all.some((c) => c.client_id === id));
    for (const id of ids) value(await h.deleteClient(id));
  });

  it('answers unknown challenges with 404 error values', async () => {
    const h = hydra();
    failure(await h.getLoginRequest(randomUUID()), 404);
    failure(await h.getConsentRequest(randomUUID()), 404);
    failure(await h.getLogoutRequest(randomUUID()), 404);
    failure(await h.acceptLoginRequest(randomUUID(), { subject: 'someone' }), 404);
    failure(await h.rejectConsentRequest(randomUUID(), { error: 'access_denied' }), 404);
  });

  it('introspects an unknown token as inactive, and revokes sessions and tokens', async () => {
    const h = hydra();
    assert.deepEqual(value(await h.introspect(`unknown-${randomUUID()}`)), { active: false });
    const subject = `subject-${randomUUID()}`;
    assert.deepEqual(value(await h.listConsentSessions(subject)), []);
    value(await h.revokeConsentSessions(subject));
    value(await h.revokeLoginSessions(subject));
    const c = value(
      await h.createClient({ client_name: 'Tokens', grant_types: ['authorization_code'], redirect_uris: ['https://t.example/cb'], token_endpoint_auth_method: 'client_secret_basic' }),
    );
    value(await h.revokeConsentSessions(subject, c.client_id));
    value(await h.revokeClientTokens(c.client_id));
    value(await h.deleteClient(c.client_id));
  });

  it('rejects an invalid client with a 400 error value', async () => {
    const r = await hydra().createClient({ client_name: 'Bad', redirect_uris: ['not a url'], token_endpoint_auth_method: 'bogus_method' });
    failure(r, 400);
  });
}
