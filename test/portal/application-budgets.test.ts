// Issue 15: a developer registers their app's spending budgets (spend_budget_default, spend_budget_max: wallet_spend
// details as JSON) on the application form; bad JSON, a bad detail or a default above the maximum is a field error
// (in the person's language); the review queue shows them and the approved client carries them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formBody as form } from '../support/forms.ts';
import { ADMIN_EMAIL, csrfFrom, startPortalHarness, type PortalHarness } from './harness.ts';

const VALID = {
  name: 'Budget Shop',
  purpose: 'Pay suppliers from the shop wallet',
  website: 'https://budget.example',
  scopes: ['read', 'write'],
  redirect_uris: 'https://budget.example/callback',
  auth_method: 'client_secret_basic',
};
const DEFAULT = { type: 'wallet_spend', limit: { amount: 5000, currency: 'BTC' }, period: 'P1D', per_payment_max: 1000 };
const MAX = { type: 'wallet_spend', limit: { amount: 20000, currency: 'BTC' }, period: 'P1D', per_payment_max: 5000 };

describe('developer portal: an application with spending budgets', () => {
  let h: PortalHarness;
  before(async () => {
    h = await startPortalHarness({ kind: 'pglite' });
  });
  after(async () => {
    await h?.close();
  });

  async function post(session: string, page: string, url: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
    const got = await h.portal.inject({ method: 'GET', url: page, headers: { cookie: session, ...headers } });
    assert.equal(got.statusCode, 200, `GET ${page}: ${got.statusCode}`);
    const { cookie, token } = csrfFrom(got);
    const seen = /^\/admin\/apps\/([^/]+)\/approve$/.test(url) ? new RegExp(`action="${url}"[^]*?name="version" value="([0-9]+)"|href="${url}\\?version=([0-9]+)"`).exec(got.body) : undefined;
    const version = seen?.[1] ?? seen?.[2];
    const body = { ...(version ? { version } : {}), ...fields, _csrf: token };
    return h.portal.inject({ method: 'POST', url, headers: { cookie: `${session}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: form(body) });
  }

  test('bad budgets are field errors, in English and Spanish', async () => {
    const dev = await h.session('budget-bad@example.com');
    const page = await h.portal.inject({ method: 'GET', url: '/apps/new', headers: { cookie: dev } });
    assert.match(page.body, /name="spend_budget_default"/);
    assert.match(page.body, /name="spend_budget_max"/);
    const cases: [Record<string, string>, RegExp][] = [
      [{ spend_budget_default: '{"type":' }, /Default spending budget \(optional\): Enter a wallet_spend detail as JSON/],
      [{ spend_budget_max: JSON.stringify({ ...MAX, limit: { amount: 1, currency: 'EUR' } }) }, /Maximum spending budget \(optional\): Enter a wallet_spend detail/],
      [{ spend_budget_max: JSON.stringify({ ...MAX, memo: 'x' }) }, /Enter a wallet_spend detail/],
      [{ spend_budget_default: JSON.stringify(MAX), spend_budget_max: JSON.stringify(DEFAULT) }, /must stay within the maximum/],
    ];
    for (const [fields, message] of cases) {
      const r = await post(dev, '/apps/new', '/apps', { ...VALID, ...fields });
      assert.notEqual(r.statusCode, 303, JSON.stringify(fields));
      assert.match(r.body, message);
    }
    const es = await post(dev, '/apps/new', '/apps', { ...VALID, spend_budget_default: 'nope' }, { 'accept-language': 'es' });
    assert.match(es.body, /Escribe un detalle wallet_spend en JSON/);
  });

  test('registered budgets are reviewed and carried by the approved client', async () => {
    const dev = await h.session('budget-dev@example.com');
    const admin = await h.session(ADMIN_EMAIL);
    const applied = await post(dev, '/apps/new', '/apps', { ...VALID, spend_budget_default: JSON.stringify({ ...DEFAULT, period: 'P1D' }), spend_budget_max: JSON.stringify(MAX) });
    assert.equal(applied.statusCode, 303, applied.body.slice(0, 500));
    const appPath = String(applied.headers.location);
    const id = appPath.split('/')[2]!;
    const queue = await h.portal.inject({ method: 'GET', url: '/admin', headers: { cookie: admin } });
    assert.match(queue.body, /Maximum spending budget<\/dt><dd><code>\{&quot;type&quot;:&quot;wallet_spend&quot;,&quot;limit&quot;:\{&quot;amount&quot;:20000/);
    assert.equal((await post(admin, '/admin', `/admin/apps/${id}/approve`, {})).statusCode, 303);
    const clients = await h.t.stack.admin!.listClients({ owner: await h.user('budget-dev@example.com') });
    assert.ok(clients.ok);
    assert.deepEqual(clients.value[0]!.spend_budget_default, DEFAULT);
    assert.deepEqual(clients.value[0]!.spend_budget_max, MAX);
    // The edit form shows them as they are stored.
    const edit = await h.portal.inject({ method: 'GET', url: `${appPath}/edit`, headers: { cookie: dev } });
    assert.match(edit.body, /name="spend_budget_max"[^>]*value="\{&quot;type&quot;:&quot;wallet_spend&quot;/);
  });
});
