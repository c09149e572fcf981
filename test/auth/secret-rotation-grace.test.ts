// Issue 17 #5: rotating a client secret keeps the old one working for CLIENT_SECRET_ROTATION_GRACE (Hydra's
// zero-downtime rotation), and not after; a secret set by hand (PUT) ends the grace at once. Black-box at
// the token endpoint (client_credentials, HTTP Basic) and Hydra's admin route POST /admin/clients/{id}/secrets/rotate.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import { postForm } from '../support/http-from.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const GRACE_SECONDS = 2;
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });

let t: TestStack;
before(async () => {
  t = await startTestStack({ env: { LIGHTGATE_SERVICES: 'auth', CLIENT_SECRET_ROTATION_GRACE: `${GRACE_SECONDS}s` } });
});
after(() => t?.close());

async function newClient() {
  const created = await t.stack.admin!.createClient({ client_name: 'Rotating app', grant_types: ['client_credentials'], response_types: [], scope: 'read', token_endpoint_auth_method: 'client_secret_basic' });
  assert.ok(created.ok && created.value.client_secret);
  return { id: created.value.client_id, secret: created.value.client_secret };
}

const tokenStatus = async (id: string, secret: string) => (await postForm('127.0.0.1', `${t.urls.issuer}/oauth2/token`, { grant_type: 'client_credentials', scope: 'read' }, basic(id, secret))).status;

test('the old secret works within the grace period, not after it; the new one works throughout', async () => {
  const { id, secret: first } = await newClient();
  const rotated = await fetch(`${t.urls.admin}/admin/clients/${encodeURIComponent(id)}/secrets/rotate`, { method: 'POST' });
  assert.equal(rotated.status, 200);
  const second = ((await rotated.json()) as { client_secret: string }).client_secret;
  assert.ok(second && second !== first);
  const rotatedAt = Date.now();

  assert.equal(await tokenStatus(id, second), 200, 'the new secret');
  assert.equal(await tokenStatus(id, first), 200, 'the old secret within the grace');
  assert.equal(await tokenStatus(id, 'not-a-secret-of-this-client'), 401, 'a wrong secret is still wrong');

  // A second rotation keeps both earlier secrets in their grace (Hydra keeps up to five).
  const third = await t.stack.admin!.rotateClientSecret(id);
  assert.ok(third.ok && third.value.client_secret);
  assert.equal(await tokenStatus(id, third.value.client_secret), 200);
  assert.equal(await tokenStatus(id, second), 200);

  await sleep(Math.max(0, rotatedAt + GRACE_SECONDS * 1000 + 300 - Date.now()));
  assert.equal(await tokenStatus(id, first), 401, 'the first secret after its grace');
  assert.equal(await tokenStatus(id, third.value.client_secret), 200, 'the current secret');
  const [row] = await t.stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM oauth2_client_rotated_secrets WHERE client_id = $1 AND secret_hash LIKE $2', [id, 'sha256:%']);
  assert.ok(row!.n >= 1, 'rotated secrets are stored only as hashes');
  const [plain] = await t.stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM oauth2_client_rotated_secrets WHERE secret_hash IN ($1, $2)', [first, second]);
  assert.equal(plain!.n, 0, 'never in the clear');
});

test('a secret set by hand (PUT) ends the grace of rotated secrets at once, as in Hydra', async () => {
  const { id, secret: first } = await newClient();
  const rotated = await t.stack.admin!.rotateClientSecret(id);
  assert.ok(rotated.ok);
  assert.equal(await tokenStatus(id, first), 200);
  const client = await t.stack.admin!.getClient(id);
  assert.ok(client.ok);
  const replaced = await t.stack.admin!.replaceClient(id, { ...client.value, client_secret: 'a-new-secret-typed-by-the-operator-0123456789' });
  assert.ok(replaced.ok);
  assert.equal(await tokenStatus(id, first), 401, 'the rotated secret');
  assert.equal(await tokenStatus(id, rotated.value.client_secret!), 401, 'the replaced secret');
  assert.equal(await tokenStatus(id, 'a-new-secret-typed-by-the-operator-0123456789'), 200);
});

test("DELETE /admin/clients/{id}/secrets/rotate (Hydra's deleteRotatedOAuth2ClientSecrets) ends the grace at once; the HTTP adapter calls it", async () => {
  const { id, secret: first } = await newClient();
  const rotated = await t.stack.admin!.rotateClientSecret(id);
  assert.ok(rotated.ok && rotated.value.client_secret);
  assert.equal(await tokenStatus(id, first), 200);
  const ended = await fetch(`${t.urls.admin}/admin/clients/${encodeURIComponent(id)}/secrets/rotate`, { method: 'DELETE' });
  assert.equal(ended.status, 200);
  assert.equal(((await ended.json()) as { client_id: string; client_secret?: string }).client_secret, undefined, 'no secret in the answer');
  assert.equal(await tokenStatus(id, first), 401, 'the rotated secret');
  assert.equal(await tokenStatus(id, rotated.value.client_secret), 200, 'the current secret');
  assert.equal((await fetch(`${t.urls.admin}/admin/clients/no-such-client/secrets/rotate`, { method: 'DELETE' })).status, 404);

  const http = createHttpHydraAdmin(t.stack.listening.admin ?? t.urls.admin);
  const again = await http.rotateClientSecret(id);
  assert.ok(again.ok && again.value.client_secret);
  assert.equal(await tokenStatus(id, rotated.value.client_secret), 200, 'in its grace');
  assert.ok((await http.deleteRotatedClientSecrets(id)).ok);
  assert.equal(await tokenStatus(id, rotated.value.client_secret), 401, 'grace ended through the adapter');
});
