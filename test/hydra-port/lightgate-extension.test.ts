// Issue 12 (the Hydra port): Lightgate's extension (approval state, paged client lists) is part of the one
// port, with the same two adapters as the rest. Over HTTP it carries the admin credential; behind a real
// Ory Hydra (HYDRA_ADMIN_URL) it is the error value EXTENSION_UNAVAILABLE and nothing is sent.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import { EXTENSION_UNAVAILABLE } from '../../src/hydra-port/port.ts';
import { startStack, type Stack } from '../../src/main/stack.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { loopbackEnv, startTestStack, type TestStack } from '../support/stack.ts';

const TOKEN = 'extension-token-8e2b4d6f0a1c3e5a7b9d1f3a5c7e9b0d';

/** A server that records what reaches it and answers every request like Hydra does for an unknown route. */
async function recorder(): Promise<{ url: string; seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[]; close(): Promise<void> }> {
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const client = { client_id: 'c1', client_name: 'one', status: 'suspended' };
      if (req.url?.startsWith('/admin/clients/c1/status')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(client));
      if (req.url?.startsWith('/admin/clients?')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([client]));
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not Found', error_description: 'no such route' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('issue 12 Hydra port: over HTTP the extension is PUT /admin/clients/{id}/status and GET /admin/clients by position, with the admin credential', async () => {
  const s = await recorder();
  try {
    const port = createHttpHydraAdmin(`${s.url}/base`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const set = await port.setClientStatus('c1', 'suspended');
    assert.deepEqual(set, { ok: false, error: { status: 404, error: 'Not Found', error_description: 'no such route' } }, 'the base path is kept');
    const plain = createHttpHydraAdmin(s.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    const suspended = await plain.setClientStatus('c1', 'suspended');
    assert.equal(suspended.ok && suspended.value.status, 'suspended');
    const page = await plain.listClientsPage({ owner: 'dev', limit: 2, offset: 4 });
    assert.equal(page.ok && page.value.length, 1);
    const [viaBase, status, list] = s.seen;
    assert.equal(viaBase?.url, '/base/admin/clients/c1/status');
    assert.equal(status?.method, 'PUT');
    assert.equal(status?.url, '/admin/clients/c1/status');
    assert.deepEqual(JSON.parse(status?.body ?? ''), { status: 'suspended' });
    assert.equal(status?.headers.authorization, `Bearer ${TOKEN}`);
    const query = new URL(list?.url ?? '', s.url).searchParams;
    assert.equal(query.get('owner'), 'dev');
    assert.equal(query.get('page_size'), '2');
    assert.equal(Buffer.from(query.get('page_token') ?? '', 'base64url').toString(), '4');
    assert.equal(list?.headers.authorization, `Bearer ${TOKEN}`);
  } finally {
    await s.close();
  }
});

test('issue 12 Hydra port: behind a real Hydra (HYDRA_ADMIN_URL) the extension answers EXTENSION_UNAVAILABLE and sends nothing', async () => {
  const hydra = await recorder();
  const config = loadConfig({ ...(await loopbackEnv(mkdtempSync(join(tmpdir(), 'lg-ext-')))), LOG_LEVEL: 'silent', LIGHTGATE_SERVICES: 'portal', HYDRA_ADMIN_URL: hydra.url });
  const stack = await startStack(config, { logger: createLogger('silent') });
  try {
    // The portal registers its own client while starting (awaited); what comes after is the test's.
    hydra.seen.length = 0;
    const set = await stack.hydra!.setClientStatus('c1', 'suspended');
    assert.equal(!set.ok && set.error.error, EXTENSION_UNAVAILABLE);
    assert.equal(!set.ok && set.error.status, 501);
    const page = await stack.hydra!.listClientsPage({ limit: 10, offset: 0 });
    assert.equal(!page.ok && page.error.error, EXTENSION_UNAVAILABLE);
    assert.deepEqual(hydra.seen.map((r) => `${r.method} ${r.url}`), [], 'no request reached Hydra');
    // The rest of the port still goes to Hydra.
    await stack.hydra!.getClient('c1');
    assert.deepEqual(hydra.seen.map((r) => `${r.method} ${r.url}`), ['GET /admin/clients/c1']);
  } finally {
    await stack.close();
    await hydra.close();
  }
});

for (const kind of DATABASE_KINDS) {
  describe(`issue 12 Hydra port: a process without auth uses the extension over HTTP (${kind})`, { timeout: 120_000 }, () => {
    let t: TestStack;
    let portalOnly: Stack;
    let anonymous: Stack;
    before(async () => {
      t = await startTestStack({ kind, env: { ADMIN_API_TOKEN: TOKEN } });
      const second = async (env: Record<string, string>) =>
        startStack(loadConfig({ ...(await loopbackEnv(mkdtempSync(join(tmpdir(), 'lg-ext-')))), LOG_LEVEL: 'silent', LIGHTGATE_SERVICES: 'portal', URLS_SELF_ADMIN: t.urls.admin, ...env }), { db: t.stack.db, logger: createLogger('silent') });
      portalOnly = await second({ HYDRA_ADMIN_TOKEN: TOKEN });
      anonymous = await second({});
    });
    after(async () => {
      await portalOnly?.close();
      await anonymous?.close();
      await t?.close();
    });

    test('issue 12 Hydra port: suspend, reactivate and a page of clients through the stack port, refused without the credential', async () => {
      const created = await t.stack.admin!.createClient({ client_name: `ext ${kind}`, owner: `ext-${kind}`, redirect_uris: ['https://ext.example/cb'], scope: 'openid read' });
      assert.ok(created.ok, JSON.stringify(created));
      for (const n of [2, 3]) assert.ok((await t.stack.admin!.createClient({ client_name: `ext ${kind} ${n}`, owner: `ext-${kind}` })).ok);
      const id = created.value.client_id;

      const refused = await anonymous.hydra!.setClientStatus(id, 'suspended');
      assert.equal(refused.ok ? 200 : refused.error.status, 401);
      const suspended = await portalOnly.hydra!.setClientStatus(id, 'suspended');
      assert.equal(suspended.ok && suspended.value.status, 'suspended');
      const seen = await t.stack.admin!.getClient(id);
      assert.equal(seen.ok && seen.value.status, 'suspended');
      const active = await portalOnly.hydra!.setClientStatus(id, 'active');
      assert.equal(active.ok && active.value.status, 'active');
      const unknown = await portalOnly.hydra!.setClientStatus('no-such-client', 'active');
      assert.equal(unknown.ok ? 200 : unknown.error.status, 404);

      const first = await portalOnly.hydra!.listClientsPage({ owner: `ext-${kind}`, limit: 2, offset: 0 });
      const rest = await portalOnly.hydra!.listClientsPage({ owner: `ext-${kind}`, limit: 2, offset: 2 });
      const local = await t.stack.admin!.listClientsPage({ owner: `ext-${kind}`, limit: 3, offset: 0 });
      assert.ok(first.ok && rest.ok && local.ok);
      assert.equal(first.value.length, 2);
      assert.equal(rest.value.length, 1);
      assert.deepEqual([...first.value, ...rest.value].map((c) => c.client_id), local.value.map((c) => c.client_id));
    });
  });
}
