// Issue 11 #5 (portal approval race) and issue 19 #8 (unreviewed edits): an admin approves exactly the
// version they reviewed, and after approval every change to what the consent screen shows or the client
// may do waits for review while the live client keeps its approved values. Over the portal's HTTP
// routes; the live client is read back from the admin API over HTTP (what the consent page shows).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASE_KINDS } from '../support/databases.ts';
import { formBody as form } from '../support/forms.ts';
import { ADMIN_EMAIL, csrfFrom, startPortalHarness, type PortalHarness } from './harness.ts';

const VALID = {
  name: 'Review Shop',
  purpose: 'Take payments',
  website: 'https://review.example',
  logo_uri: 'https://review.example/logo.png',
  policy_uri: 'https://review.example/privacy',
  tos_uri: 'https://review.example/terms',
  scopes: ['read'],
  redirect_uris: 'https://review.example/callback',
  auth_method: 'client_secret_basic',
};

for (const kind of DATABASE_KINDS) describe(`portal review of changes (${kind})`, () => {
  let h: PortalHarness;
  before(async () => {
    h = await startPortalHarness({ kind });
  });
  after(async () => {
    await h?.close();
  });

  const get = (session: string, url: string) => h.portal.inject({ method: 'GET', url, headers: { cookie: session } });
  async function post(session: string, page: string, url: string, fields: Record<string, string | string[]>) {
    const { cookie, token } = csrfFrom(await get(session, page));
    return h.portal.inject({ method: 'POST', url, headers: { cookie: `${session}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ ...fields, _csrf: token }) });
  }
  /** The review queue as an admin sees it: the CSRF token and the version in the app's approve link (to its confirmation page, issue 17 #5). */
  async function openQueue(admin: string, id: string) {
    const queue = await get(admin, '/admin');
    const { cookie, token } = csrfFrom(queue);
    const version = new RegExp(`href="/admin/apps/${id}/approve\\?version=([0-9]+)"`).exec(queue.body)?.[1];
    assert.ok(version, 'the approve link carries the reviewed version');
    return { cookie, token, version, body: queue.body };
  }
  const decide = (admin: string, opened: { cookie: string; token: string; version: string }, id: string, action: 'approve' | 'reject', extra: Record<string, string> = {}) =>
    h.portal.inject({ method: 'POST', url: `/admin/apps/${id}/${action}`, headers: { cookie: `${admin}; ${opened.cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ _csrf: opened.token, version: opened.version, ...extra }) });
  async function liveClient(clientId: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${h.t.urls.admin}/admin/clients/${encodeURIComponent(clientId)}`);
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  }
  const auditOf = async (id: string) => (await h.t.stack.db.query<{ action: string; actor_email: string; details: unknown }>('SELECT action, actor_email, details FROM portal_audit_log WHERE target = $1 ORDER BY id', [id])).map((r) => ({ ...r, details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown> }));

  test('issue 11 #5: approving an application that changed after the admin opened it is refused (409) and approves nothing', async () => {
    const dev = await h.session('race-ui-dev@example.com');
    const devId = await h.user('race-ui-dev@example.com');
    const admin = await h.session(ADMIN_EMAIL);
    const appPath = String((await post(dev, '/apps/new', '/apps', VALID)).headers.location);
    const id = appPath.split('/')[2]!;

    const opened = await openQueue(admin, id);
    assert.ok(opened.body.includes('https://review.example/callback'));
    // The developer swaps the callback for their own while the admin reads the harmless one.
    assert.equal((await post(dev, `${appPath}/edit`, appPath, { ...VALID, redirect_uris: 'https://attacker.example/steal' })).statusCode, 303);
    const stale = await decide(admin, opened, id, 'approve');
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /changed since you opened it/);
    assert.match(stale.body, /review it again/);
    const none = await h.t.stack.admin!.listClients({ owner: devId });
    assert.ok(none.ok && none.value.length === 0, 'no client was created');
    assert.match((await get(dev, appPath)).body, /waiting for review/);
    // A stale reject and a form without a version are refused alike.
    assert.equal((await decide(admin, opened, id, 'reject', { reason: 'no' })).statusCode, 409);
    assert.equal((await decide(admin, { ...opened, version: '' }, id, 'approve')).statusCode, 409);

    // Reviewed again, the new version is approved: the client has what the admin saw.
    const again = await openQueue(admin, id);
    assert.ok(again.body.includes('https://attacker.example/steal'));
    assert.equal((await decide(admin, again, id, 'approve')).statusCode, 303);
    const clients = await h.t.stack.admin!.listClients({ owner: devId });
    assert.ok(clients.ok && clients.value.length === 1);
    assert.deepEqual(clients.value[0]!.redirect_uris, ['https://attacker.example/steal']);
    const approve = (await auditOf(id)).find((e) => e.action === 'application.approve');
    assert.equal(approve?.details.version, Number(again.version));
  });

  const CHANGES: [string, Record<string, string | string[]>, string, unknown, unknown][] = [
    // [what, form change, client field, approved value, new value]
    ['name', { name: 'Blink Wallet (official)' }, 'client_name', 'Review Shop', 'Blink Wallet (official)'],
    ['logo', { logo_uri: 'https://attacker.example/blink-logo.png' }, 'logo_uri', 'https://review.example/logo.png', 'https://attacker.example/blink-logo.png'],
    ['website', { website: 'https://attacker.example' }, 'client_uri', 'https://review.example', 'https://attacker.example'],
    ['privacy policy', { policy_uri: 'https://attacker.example/privacy' }, 'policy_uri', 'https://review.example/privacy', 'https://attacker.example/privacy'],
    ['terms', { tos_uri: 'https://attacker.example/terms' }, 'tos_uri', 'https://review.example/terms', 'https://attacker.example/terms'],
    ['callback URLs', { redirect_uris: 'https://review.example/callback\nhttps://attacker.example/cb' }, 'redirect_uris', ['https://review.example/callback'], ['https://review.example/callback', 'https://attacker.example/cb']],
    ['scopes', { scopes: ['read', 'write'] }, 'scope', 'openid offline_access read', 'openid offline_access read write'],
  ];

  for (const [what, change, field, before, after] of CHANGES) {
    test(`issue 19 #8 / issue 11 #5: a change of the ${what} after approval waits for review; the live client keeps the approved value; audited`, async () => {
      const email = `edit-${what.replace(/\W/g, '').toLowerCase()}@example.com`;
      const dev = await h.session(email);
      const devId = await h.user(email);
      const admin = await h.session(ADMIN_EMAIL);
      const appPath = String((await post(dev, '/apps/new', '/apps', VALID)).headers.location);
      const id = appPath.split('/')[2]!;
      assert.equal((await decide(admin, await openQueue(admin, id), id, 'approve')).statusCode, 303);
      const listed = await h.t.stack.admin!.listClients({ owner: devId });
      assert.ok(listed.ok);
      const clientId = listed.value[0]!.client_id;

      assert.equal((await post(dev, `${appPath}/edit`, appPath, { ...VALID, ...change })).statusCode, 303);
      assert.deepEqual((await liveClient(clientId))[field], before, 'the live client keeps the approved value');
      const page = (await get(dev, appPath)).body;
      assert.match(page, /Change in review/);
      const queue = await openQueue(admin, id);
      assert.match(queue.body, /Change to a live app/);

      // Declined: the app goes back to its approved values.
      assert.equal((await decide(admin, queue, id, 'reject', { reason: 'looks like impersonation' })).statusCode, 303);
      assert.deepEqual((await liveClient(clientId))[field], before);
      assert.match((await get(dev, appPath)).body, /Your last change was declined: looks like impersonation/);

      // Asked again and approved: now it goes live.
      assert.equal((await post(dev, `${appPath}/edit`, appPath, { ...VALID, ...change })).statusCode, 303);
      assert.deepEqual((await liveClient(clientId))[field], before);
      assert.equal((await decide(admin, await openQueue(admin, id), id, 'approve')).statusCode, 303);
      assert.deepEqual((await liveClient(clientId))[field], after);

      const audit = await auditOf(id);
      assert.deepEqual(audit.map((e) => e.action), ['application.approve', 'application.edit', 'application.reject_change', 'application.edit', 'application.approve_change']);
      assert.deepEqual(audit.map((e) => e.actor_email), [ADMIN_EMAIL, email, ADMIN_EMAIL, email, ADMIN_EMAIL]);
      assert.equal((audit[1]!.details.in_review as string[]).length, 1, 'the edit records what waits for review');
      assert.equal((audit[4]!.details.changed as string[]).length, 1, 'the approval records what went live');
    });
  }

  test('issue 11 #5: removing a scope or a callback URL after approval applies at once, without review', async () => {
    const dev = await h.session('narrow-dev@example.com');
    const devId = await h.user('narrow-dev@example.com');
    const admin = await h.session(ADMIN_EMAIL);
    const wide = { ...VALID, scopes: ['read', 'receive'], redirect_uris: 'https://review.example/callback\nhttps://review.example/old' };
    const appPath = String((await post(dev, '/apps/new', '/apps', wide)).headers.location);
    const id = appPath.split('/')[2]!;
    assert.equal((await decide(admin, await openQueue(admin, id), id, 'approve')).statusCode, 303);
    const listed = await h.t.stack.admin!.listClients({ owner: devId });
    assert.ok(listed.ok);
    assert.equal((await post(dev, `${appPath}/edit`, appPath, VALID)).statusCode, 303);
    const live = await liveClient(listed.value[0]!.client_id);
    assert.equal(live.scope, 'openid offline_access read');
    assert.deepEqual(live.redirect_uris, ['https://review.example/callback']);
    assert.doesNotMatch((await get(dev, appPath)).body, /Change in review/);
    const edit = (await auditOf(id)).find((e) => e.action === 'application.edit');
    assert.deepEqual(edit?.details.applied_now, ['scopes', 'redirectUris']);
    assert.deepEqual(edit?.details.in_review, []);
  });
});
