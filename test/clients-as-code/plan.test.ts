// Planning is pure: desired clients against a list of server clients.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesiredClient } from '../../src/clients-as-code/client-fields.ts';
import { makePlan } from '../../src/clients-as-code/plan.ts';
import type { OAuth2Client } from '../../src/hydra-port/types.ts';

// A client as Hydra answers it: every field present, unset ones empty.
function server(id: string, over: Partial<OAuth2Client>): OAuth2Client {
  return {
    client_id: id,
    client_name: '',
    client_secret_expires_at: 0,
    client_uri: '',
    contacts: null,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: '',
    redirect_uris: [],
    post_logout_redirect_uris: [],
    skip_consent: false,
    skip_logout_consent: false,
    audience: [],
    metadata: {},
    owner: '',
    policy_uri: '',
    tos_uri: '',
    logo_uri: '',
    subject_type: 'public',
    access_token_strategy: 'opaque',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...over,
  };
}

const managed = (key: string, source = 'c.tf') => ({ lightgate_resource: key, lightgate_source: source });
const desired = (name: string, fields: DesiredClient['fields']): DesiredClient => ({ key: `hydra_oauth2_client.${name}`, origin: `c.tf:1`, fields });

describe('makePlan', () => {
  it('plans create, update (changed fields only), delete and unchanged', () => {
    const existing = [
      server('id-same', { client_name: 'Same', scope: 'read  write', metadata: managed('hydra_oauth2_client.same') }),
      server('id-changed', { client_name: 'Old', redirect_uris: ['https://a/cb'], owner: 'kept', metadata: managed('hydra_oauth2_client.changed') }),
      server('id-gone', { client_name: 'Gone', metadata: managed('hydra_oauth2_client.gone') }),
      server('id-other-file', { metadata: managed('hydra_oauth2_client.x', 'other.tf') }),
      server('id-unmanaged', {}),
    ];
    const r = makePlan('c.tf', [
      desired('same', { client_name: 'Same', scope: 'write read', skip_consent: false, audience: [] }),
      desired('changed', { client_name: 'New', redirect_uris: ['https://a/cb'] }),
      desired('new', { client_name: 'Brand new' }),
    ], existing);
    assert.ok(r.ok);
    const steps = r.value.steps;
    assert.deepEqual(
      steps.map((s) => [s.action, s.key]),
      [
        ['unchanged', 'hydra_oauth2_client.same'],
        ['update', 'hydra_oauth2_client.changed'],
        ['create', 'hydra_oauth2_client.new'],
        ['delete', 'hydra_oauth2_client.gone'],
      ],
    );
    const update = steps[1];
    assert.ok(update?.action === 'update');
    assert.deepEqual(update.changes, [{ field: 'client_name', from: 'Old', to: 'New' }]);
    // PUT keeps what the file does not manage and drops server-owned fields
    assert.equal(update.body.owner, 'kept');
    assert.equal(update.body.client_id, 'id-changed');
    assert.equal('created_at' in update.body, false);
    const create = steps[2];
    assert.ok(create?.action === 'create');
    assert.deepEqual(create.body, { client_name: 'Brand new', metadata: managed('hydra_oauth2_client.new') });
  });

  it('matches an explicit client_id and adopts it, adding the ownership metadata', () => {
    const r = makePlan('c.tf', [desired('fixed', { client_id: 'fixed-id', client_name: 'Fixed' })], [server('fixed-id', { client_name: 'Fixed' })]);
    assert.ok(r.ok);
    const [step] = r.value.steps;
    assert.ok(step?.action === 'update');
    assert.deepEqual(
      step.changes.map((c) => c.field),
      ['metadata'],
    );
  });

  it('never takes over another source\'s client with the same address, and refuses ambiguous identities', () => {
    const other = makePlan('new.tf', [desired('a', { client_name: 'A' })], [server('id-a', { client_name: 'A', metadata: managed('hydra_oauth2_client.a', 'old.tf') })]);
    assert.ok(other.ok);
    assert.deepEqual(
      other.value.steps.map((s) => s.action),
      ['create'],
      'examples/pos/client.tf and examples/cli/client.tf may both declare hydra_oauth2_client.a',
    );
    const unowned = makePlan('new.tf', [desired('a', { client_name: 'A' })], [server('id-a', { client_name: 'A', metadata: { lightgate_resource: 'hydra_oauth2_client.a' } })]);
    assert.ok(unowned.ok);
    assert.deepEqual(unowned.value.steps.map((s) => s.action), ['update'], 'a client no source owns is adopted');

    const twice = makePlan('c.tf', [desired('a', {})], [
      server('id-1', { metadata: managed('hydra_oauth2_client.a') }),
      server('id-2', { metadata: managed('hydra_oauth2_client.a') }),
    ]);
    assert.equal(twice.ok, false);
    if (!twice.ok) assert.equal(twice.error.code, 'ambiguous_resource');

    const dup = makePlan('c.tf', [desired('a', { client_id: 'x' }), desired('b', { client_id: 'x' })], []);
    assert.equal(dup.ok, false);
    if (!dup.ok) assert.equal(dup.error.code, 'duplicate_client_id');
  });

  it('never compares client secrets (stored hashed)', () => {
    const r = makePlan('c.tf', [desired('s', { client_secret: 'a-secret', client_name: 'S' })], [server('id-s', { client_name: 'S', metadata: managed('hydra_oauth2_client.s') })]);
    assert.ok(r.ok);
    assert.equal(r.value.steps[0]?.action, 'unchanged');
  });
});
