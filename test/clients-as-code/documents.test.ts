// Hydra OAuth2Client documents in JSON and YAML.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseClients } from '../../src/clients-as-code/load.ts';

describe('JSON and YAML client documents', () => {
  it('reads one JSON object, ignoring server-owned fields', () => {
    const r = parseClients(
      'c.json',
      JSON.stringify({
        client_id: 'abc',
        client_name: 'A',
        scope: 'read  write',
        grant_types: ['authorization_code'],
        skip_consent: false,
        metadata: { k: 'v' },
        created_at: '2026-01-01T00:00:00Z',
        client_secret_expires_at: 0,
        contacts: null,
      }),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.value, [
      {
        key: 'hydra_oauth2_client.abc',
        origin: 'c.json:1',
        fields: { client_id: 'abc', client_name: 'A', scope: 'read write', grant_types: ['authorization_code'], skip_consent: false, metadata: { k: 'v' } },
      },
    ]);
  });

  it('reads a JSON array and keys clients by lightgate_resource, client_id or client_name', () => {
    const r = parseClients(
      'c.json',
      `[\n  {"client_name": "Named"},\n  {"client_id": "fixed"},\n  {"client_name": "x", "metadata": {"lightgate_resource": "hydra_oauth2_client.custom"}}\n]`,
    );
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.map((d) => [d.key, d.origin]),
      [
        ['hydra_oauth2_client.Named', 'c.json:2'],
        ['hydra_oauth2_client.fixed', 'c.json:3'],
        ['hydra_oauth2_client.custom', 'c.json:4'],
      ],
    );
  });

  it('reads YAML, including several --- documents', () => {
    const r = parseClients(
      'c.yaml',
      `client_name: One\nredirect_uris:\n  - https://one/cb\n---\n- client_name: Two\n  token_endpoint_auth_method: none\n`,
    );
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.map((d) => d.fields),
      [
        { client_name: 'One', redirect_uris: ['https://one/cb'] },
        { client_name: 'Two', token_endpoint_auth_method: 'none' },
      ],
    );
  });

  it('rejects bad documents with the line', () => {
    const cases: [string, string, number, RegExp][] = [
      ['c.json', '{\n  "client_name": "a",\n  "colour": "blue"\n}', 3, /unsupported field "colour"/],
      ['c.yaml', 'client_name: a\nredirect_uris: https://a/cb\n', 2, /redirect_uris must be a list of strings/],
      ['c.yaml', '- client_name: a\n- 42\n', 2, /each client must be an object/],
      ['c.json', '{\n  "client_name": "a",,\n}', 2, /invalid JSON\/YAML/],
      ['c.yaml', 'owner: me\n', 1, /needs a client_id, a client_name/],
      ['c.yaml', '- client_name: a\n- client_name: a\n', 2, /appears twice/],
    ];
    for (const [file, src, line, pattern] of cases) {
      const r = parseClients(file, src);
      assert.equal(r.ok, false, src);
      if (r.ok) continue;
      assert.equal(r.error.line, line, r.error.message);
      assert.match(r.error.message, pattern);
    }
  });
});
