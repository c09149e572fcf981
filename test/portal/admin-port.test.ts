// The portal with its admin port over HTTP (a portal process without the auth service), and with the
// auth server unreachable: clear 503 pages, nothing half-done, never a 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import { findApplication } from '../../src/portal/services/portal-store.ts';
import { freePort } from '../support/stack.ts';
import { formBody as form } from '../support/forms.ts';
import { ADMIN_EMAIL, csrfFrom, startPortalHarness, type PortalHarness } from './harness.ts';

const APP = {
  name: 'Remote Review',
  purpose: 'Checks the HTTP admin port',
  website: 'https://remote.example',
  scopes: ['read'],
  redirect_uris: 'https://remote.example/cb',
  auth_method: 'client_secret_basic',
};

describe('portal admin port', () => {
  let h: PortalHarness;
  before(async () => {
    h = await startPortalHarness();
  });
  after(async () => {
    await h?.close();
  });

  async function post(app: FastifyInstance, session: string, pagePath: string, url: string, fields: Record<string, string | string[]>) {
    const got = await app.inject({ method: 'GET', url: pagePath, headers: { cookie: session } });
    const { cookie, token } = csrfFrom(got);
    // Review forms carry the version the admin saw (issue 11 #5).
    // The approve link to its confirmation page carries it in its query (issue 17 #5).
    const seen = new RegExp(`action="${url}"[^]*?name="version" value="([0-9]+)"|href="${url}\\?version=([0-9]+)"`).exec(got.body);
    const version = seen?.[1] ?? seen?.[2];
    return app.inject({ method: 'POST', url, headers: { cookie: `${session}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ ...(version ? { version } : {}), ...fields, _csrf: token }) });
  }

  test('over HTTP: approve creates the client, suspend and reactivate set its status, connected apps list', async () => {
    const adminUrl = h.t.stack.listening.admin!;
    const remote = await h.portalWith(createHttpHydraAdmin(adminUrl));
    const dev = await h.session('remote-dev@example.com');
    const admin = await h.session(ADMIN_EMAIL);
    const applied = await post(remote, dev, '/apps/new', '/apps', APP);
    assert.equal(applied.statusCode, 303);
    const id = String(applied.headers.location).split('/')[2]!;
    assert.equal((await post(remote, admin, '/admin', `/admin/apps/${id}/approve`, {})).statusCode, 303);
    const app = await findApplication(h.t.stack.db, id);
    assert.ok(app?.clientId);
    const shown = await remote.inject({ method: 'GET', url: `/apps/${id}`, headers: { cookie: dev } });
    assert.match(shown.body, /id="client-secret"/);
    assert.equal((await post(remote, admin, '/admin', `/admin/apps/${id}/suspend`, {})).statusCode, 303);
    const suspended = await h.t.stack.admin!.getClient(app.clientId);
    assert.equal(suspended.ok && suspended.value.status, 'suspended');
    assert.equal((await post(remote, admin, '/admin', `/admin/apps/${id}/reactivate`, {})).statusCode, 303);
    const live = await h.t.stack.admin!.getClient(app.clientId);
    assert.equal(live.ok && live.value.status, 'active');
    const connected = await remote.inject({ method: 'GET', url: '/account/apps', headers: { cookie: dev } });
    assert.equal(connected.statusCode, 200);
    assert.match(connected.body, /No app has access to your wallet/);
  });

  test('issue 12 Hydra port: behind a real Hydra (no Lightgate extension) suspend and reactivate are a 409 page, nothing changes', async () => {
    // Configured as for HYDRA_ADMIN_URL: the extension answers EXTENSION_UNAVAILABLE without a request.
    const hydraLike = await h.portalWith(createHttpHydraAdmin(h.t.stack.listening.admin!, { lightgateExtension: false }));
    const dev = await h.session('hydra-dev@example.com');
    const admin = await h.session(ADMIN_EMAIL);
    const applied = await post(hydraLike, dev, '/apps/new', '/apps', { ...APP, name: 'Hydra Review' });
    const id = String(applied.headers.location).split('/')[2]!;
    assert.equal((await post(hydraLike, admin, '/admin', `/admin/apps/${id}/approve`, {})).statusCode, 303, 'approving needs only Hydra\'s API');
    const suspend = await post(hydraLike, admin, '/admin', `/admin/apps/${id}/suspend`, {});
    assert.equal(suspend.statusCode, 409);
    assert.match(suspend.body, /Could not suspend the app: the authorization server does not know this client or does not offer this action/);
    const app = await findApplication(h.t.stack.db, id);
    assert.equal(app?.status, 'approved');
    const client = await h.t.stack.admin!.getClient(app!.clientId!);
    assert.equal(client.ok && client.value.status, 'active');
    assert.equal((await post(h.portal, admin, '/admin', `/admin/apps/${id}/suspend`, {})).statusCode, 303);
    const reactivate = await post(hydraLike, admin, '/admin', `/admin/apps/${id}/reactivate`, {});
    assert.equal(reactivate.statusCode, 409);
    assert.equal((await findApplication(h.t.stack.db, id))?.status, 'suspended');
  });

  test('auth server unreachable: 503 pages, the application stays pending, no client is half-made', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const down = await h.portalWith(createHttpHydraAdmin(closed, { timeoutMs: 2000 }));
    const dev = await h.session('down-dev@example.com');
    const admin = await h.session(ADMIN_EMAIL);
    const applied = await post(down, dev, '/apps/new', '/apps', APP);
    assert.equal(applied.statusCode, 303, 'applying needs only the database');
    const id = String(applied.headers.location).split('/')[2]!;
    const approve = await post(down, admin, '/admin', `/admin/apps/${id}/approve`, {});
    assert.equal(approve.statusCode, 503);
    assert.match(approve.body, /authorization server is unavailable/);
    const app = await findApplication(h.t.stack.db, id);
    assert.equal(app?.status, 'pending');
    assert.equal(app?.clientId, null);
    const connected = await down.inject({ method: 'GET', url: '/account/apps', headers: { cookie: dev } });
    assert.equal(connected.statusCode, 503);
    const login = await down.inject({ method: 'GET', url: '/auth/login' });
    assert.equal(login.statusCode, 503);
    assert.match(login.body, /Sign-in is unavailable/);
  });
});
