// Issue 15, the user's side over fastify inject() on a real stack (PGlite, the wallet API over real HTTP): the
// Connected apps page shows an app's budget, spent, left and the 30-day chart; lowering takes effect at once (a
// send above what is left fails with BUDGET_EXCEEDED); raising asks a FRESH one-time code (a wrong one, an old
// one, another session's pending raise or a replayed confirmation change nothing); pausing stops sends; removing
// access ends the budget. Bad input is a 4xx page, never 500: non-integer, negative, above the ceiling, unknown
// app, another person's app, no CSRF, signed out; changes are counted per person (429).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formBody as form } from '../support/forms.ts';
import { lastCode, readOutbox, wrongCode } from '../support/users.ts';
import { randomBytes } from 'node:crypto';
import { hashToken, SESSION_COOKIE } from '../../src/portal/routes/support.ts';
import { insertSession } from '../../src/portal/services/portal-store.ts';
import { budgetsOf, grantedApp, grantedAppOf, letTimePassForResend, perDay, send, type GrantedApp } from './budget-fixtures.ts';
import { csrfFrom, startPortalHarness, type PortalHarness } from './harness.ts';

/** The cookies a browser would keep for the portal (name → value). */
class Jar {
  readonly values = new Map<string, string>();
  constructor(header: string) {
    for (const part of header.split('; ')) {
      const [k, ...v] = part.split('=');
      this.values.set(k!, v.join('='));
    }
  }
  take(res: { cookies: { name: string; value: string; maxAge?: number; expires?: Date }[] }) {
    for (const c of res.cookies) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.values.delete(c.name);
      else this.values.set(c.name, c.value);
    }
  }
  get header() {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const VICTIM = 'budget-victim@example.com';
const OTHER = 'budget-other@example.com';

describe('Connected apps: spending budgets (inject)', () => {
  let h: PortalHarness;
  let app: GrantedApp;
  let other: GrantedApp;
  let victim: Jar;
  before(async () => {
    h = await startPortalHarness();
    app = await grantedApp(h, VICTIM, 'Coffee Shop', perDay(5000, 3000), perDay(10_000, 3000));
    other = await grantedApp(h, OTHER, 'Other App', perDay(4000), perDay(4000));
    victim = new Jar(await h.session(VICTIM));
  });
  after(async () => h?.close());

  async function get(jar: Jar, url: string, headers: Record<string, string> = {}) {
    const res = await h.portal.inject({ method: 'GET', url, headers: { cookie: jar.header, ...headers } });
    jar.take(res);
    return res;
  }
  async function post(jar: Jar, url: string, fields: Record<string, string | string[]>, csrf: 'ok' | 'none' = 'ok') {
    const page = await get(jar, '/account/apps');
    const { token } = csrfFrom(page);
    const res = await h.portal.inject({ method: 'POST', url, headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(csrf === 'ok' ? { ...fields, _csrf: token } : fields) });
    jar.take(res);
    return res;
  }
  const balanceOf = async (walletId: string) => Number((await h.t.stack.db.query<{ balance: string }>('SELECT balance::text AS balance FROM wallets WHERE id = $1', [walletId]))[0]!.balance);
  const amountOf = async (a: GrantedApp) => (await budgetsOf(h).budgetOf(a.userId, a.client.client_id))?.budget?.limit.amount;

  test('the page shows the budget in words, spent, left, when it starts again and the chart with its numbers', async () => {
    assert.deepEqual(await send(h, app, other.btcWalletId, 1200), { status: 'SUCCESS', code: undefined });
    const page = await get(victim, '/account/apps');
    assert.equal(page.statusCode, 200);
    const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    assert.match(text, /Up to 5,000 sats \(≈ \$5\.00\) per day, at most 3,000 sats per payment/, 'at the configured $100,000 per bitcoin');
    assert.match(text, /Spent today \(UTC\) 1,200 sats/);
    assert.match(text, /Left 3,800 sats/);
    assert.match(text, /Starts again on .* 00:00 UTC/);
    assert.match(page.body, /<svg role="img" aria-labelledby="budget-0-t budget-0-d"/);
    assert.match(page.body, /<desc id="budget-0-d">1,200 sats in the last 30 days; the most in one day: 1,200 sats\.<\/desc>/);
    const today = new Date().toISOString().slice(0, 10);
    assert.match(page.body, new RegExp(`<time datetime="${today}">[^<]+</time></td><td>1,200 sats</td>`), 'the day in the table');
    assert.doesNotMatch(page.body, /Other App/, 'only the person\'s own apps');

    const es = await get(victim, '/account/apps', { 'accept-language': 'es' });
    assert.match(es.body.replace(/<[^>]+>/g, ' '), /Hasta 5,000 sats|Hasta 5\.000 sats/);
    assert.match(es.body, /por día/);
  });

  test('lowering takes effect at once: a send above what is left fails with BUDGET_EXCEEDED and nothing moves', async () => {
    const lowered = await post(victim, '/account/apps/budget', { client_id: app.client.client_id, amount: '2000' });
    assert.equal(lowered.statusCode, 303);
    assert.equal(lowered.headers.location, '/account/apps');
    assert.equal(await amountOf(app), 2000);
    const page = await get(victim, '/account/apps');
    assert.match(page.body, /Budget lowered: up to 2,000 sats/);
    const [mine, theirs] = [await balanceOf(app.btcWalletId), await balanceOf(other.btcWalletId)];
    assert.deepEqual(await send(h, app, other.btcWalletId, 900), { status: 'FAILURE', code: 'BUDGET_EXCEEDED' });
    assert.deepEqual([await balanceOf(app.btcWalletId), await balanceOf(other.btcWalletId)], [mine, theirs], 'nothing moved');
    assert.deepEqual(await send(h, app, other.btcWalletId, 800), { status: 'SUCCESS', code: undefined }, 'exactly what is left still goes');
  });

  test('raising asks a fresh code: a wrong one, then the right one; an old code and a replay change nothing', async () => {
    await letTimePassForResend(h);
    const sentBefore = readOutbox(h.t.dataDir).length;
    const start = await post(victim, '/account/apps/budget', { client_id: app.client.client_id, amount: '8000' });
    assert.equal(start.statusCode, 303);
    assert.equal(start.headers.location, '/account/apps/budget/confirm');
    assert.equal(await amountOf(app), 2000, 'nothing changes before the code');
    assert.equal(readOutbox(h.t.dataDir).length, sentBefore + 1, 'a code was sent now');
    const confirm = await get(victim, '/account/apps/budget/confirm');
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Raise the budget of Coffee Shop\?/);
    assert.match(confirm.body, /b•••@example\.com/);
    assert.match(confirm.body, /up to 8,000 sats/);
    const code = lastCode(h.t.dataDir, VICTIM);
    const raisedPage = { body: confirm.body, cookies: [] };
    const csrf = csrfFrom(raisedPage).token;
    const postCode = (jar: Jar, c: string) => h.portal.inject({ method: 'POST', url: '/account/apps/budget/confirm', headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ code: c, _csrf: csrf }) });

    const wrong = await postCode(victim, wrongCode(code));
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /That code is not right/);
    assert.equal(await amountOf(app), 2000);
    const notDigits = await postCode(victim, 'abc');
    assert.equal(notDigits.statusCode, 400);

    const kept = victim.header; // the pending raise's cookie, as a replaying attacker would keep it
    const right = await postCode(victim, code);
    assert.equal(right.statusCode, 303);
    victim.take(right);
    assert.equal(await amountOf(app), 8000);
    assert.match((await get(victim, '/account/apps')).body, /Budget raised: up to 8,000 sats/);

    // The same confirmation again (the cookie kept): the code was used, nothing changes.
    await budgetsOf(h).changeBudget(app.userId, app.client.client_id, { amount: 2000 });
    const replay = await h.portal.inject({ method: 'POST', url: '/account/apps/budget/confirm', headers: { cookie: kept, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ code, _csrf: csrf }) });
    assert.equal(replay.statusCode, 409);
    assert.match(replay.body, /This code no longer works/);
    assert.equal(await amountOf(app), 2000);

    // A new raise: the previous (used) code does not confirm it.
    await letTimePassForResend(h);
    assert.equal((await post(victim, '/account/apps/budget', { client_id: app.client.client_id, amount: '9000' })).statusCode, 303);
    const old = await postCode(victim, code);
    assert.equal(old.statusCode, 400);
    assert.equal(await amountOf(app), 2000);
    // Without a pending raise in this browser: nothing to confirm.
    const fresh = new Jar(await h.session(VICTIM));
    const none = await post(fresh, '/account/apps/budget/confirm', { code: lastCode(h.t.dataDir, VICTIM) });
    assert.equal(none.statusCode, 409);
    assert.equal(await amountOf(app), 2000);
  });

  test('another person cannot finish a raise started in the victim\'s session, nor use their own pending raise on the victim\'s app', async () => {
    await letTimePassForResend(h);
    assert.equal((await post(victim, '/account/apps/budget', { client_id: app.client.client_id, amount: '7000' })).statusCode, 303);
    const raiseCookie = victim.values.get('lg_portal_raise')!;
    const attacker = new Jar(await h.session(OTHER));
    attacker.values.set('lg_portal_raise', raiseCookie);
    const code = lastCode(h.t.dataDir, VICTIM);
    const stolen = await post(attacker, '/account/apps/budget/confirm', { code });
    assert.equal(stolen.statusCode, 409, 'the pending raise is bound to the session that started it');
    assert.equal(await amountOf(app), 2000);
  });

  test('bad input is a clear 4xx page and changes nothing', async () => {
    const id = app.client.client_id;
    for (const amount of ['abc', '-5', '1.5', '', '1e3', '99999999999999999999', '0x10']) {
      const res = await post(victim, '/account/apps/budget', { client_id: id, amount });
      assert.equal(res.statusCode, 400, `amount ${JSON.stringify(amount)}`);
      assert.match(res.body, /whole number of sats/);
    }
    const above = await post(victim, '/account/apps/budget', { client_id: id, amount: '10001' });
    assert.equal(above.statusCode, 400);
    assert.match(above.body, /cannot be raised above 10,000 sats/);
    assert.equal((await post(victim, '/account/apps/budget', { client_id: 'no-such-app', amount: '10' })).statusCode, 404);
    assert.equal((await post(victim, '/account/apps/budget', { client_id: 'x'.repeat(300), amount: '10' })).statusCode, 404);
    // Another person's app: not found for the victim, and that budget stays as it was.
    assert.equal((await post(victim, '/account/apps/budget', { client_id: other.client.client_id, amount: '1' })).statusCode, 404);
    assert.equal((await post(victim, '/account/apps/budget/pause', { client_id: other.client.client_id, paused: 'true' })).statusCode, 404);
    assert.equal(await amountOf(other), 4000);
    assert.equal((await budgetsOf(h).budgetOf(other.userId, other.client.client_id))?.paused, false);
    assert.equal((await post(victim, '/account/apps/budget/pause', { client_id: id, paused: 'maybe' })).statusCode, 400);
    // Repeated fields (arrays) are not values.
    assert.equal((await post(victim, '/account/apps/budget', { client_id: id, amount: ['1', '2'] })).statusCode, 400);
    assert.equal((await post(victim, '/account/apps/budget', { client_id: [id, id], amount: '1' })).statusCode, 404);
    // No CSRF token; signed out.
    assert.equal((await post(victim, '/account/apps/budget', { client_id: id, amount: '1' }, 'none')).statusCode, 403);
    const signedOut = await h.portal.inject({ method: 'POST', url: '/account/apps/budget', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ client_id: id, amount: '1' }) });
    assert.equal(signedOut.statusCode, 401);
    assert.equal(await amountOf(app), 2000);
  });

  test('pause stops sends with SENDING_PAUSED; resume lets them through', async () => {
    const id = app.client.client_id;
    assert.equal((await post(victim, '/account/apps/budget/pause', { client_id: id, paused: 'true' })).statusCode, 303);
    assert.match((await get(victim, '/account/apps')).body, /Sending paused/);
    assert.deepEqual(await send(h, app, other.btcWalletId, 10), { status: 'FAILURE', code: 'SENDING_PAUSED' });
    assert.equal((await post(victim, '/account/apps/budget/pause', { client_id: id, paused: 'false' })).statusCode, 303);
    assert.deepEqual(await send(h, app, other.btcWalletId, 10), { status: 'FAILURE', code: 'BUDGET_EXCEEDED' }, '2,000 of 2,000 spent today');
    await post(victim, '/account/apps/budget', { client_id: id, amount: '2000' });
  });

  test('changes are counted per person: past the limit, 429', async () => {
    const jar = new Jar(await h.session(OTHER));
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await post(jar, '/account/apps/budget/pause', { client_id: other.client.client_id, paused: i % 2 ? 'false' : 'true' })).statusCode;
    assert.equal(last, 429);
  });

  test('a person who signs in by phone gets the raise code by SMS', async () => {
    const phone = '+12025550148';
    assert.ok((await h.t.stack.identity!.requestPhoneCode({ phone })).ok);
    const signedIn = await h.t.stack.identity!.loginWithPhone({ phone, code: lastCode(h.t.dataDir, phone) });
    assert.ok(signedIn.ok);
    const byPhone = await grantedAppOf(h, signedIn.value.userId, 'Phone App', perDay(100), perDay(500));
    const token = randomBytes(32).toString('base64url');
    await insertSession(h.t.stack.db, { tokenHash: hashToken(token), userId: byPhone.userId, ttlSeconds: 3600 });
    const jar = new Jar(`${SESSION_COOKIE}=${token}`);
    await letTimePassForResend(h);
    assert.equal((await post(jar, '/account/apps/budget', { client_id: byPhone.client.client_id, amount: '400' })).statusCode, 303);
    const confirm = await get(jar, '/account/apps/budget/confirm');
    assert.match(confirm.body, /•••48/);
    const res = await h.portal.inject({ method: 'POST', url: '/account/apps/budget/confirm', headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ code: lastCode(h.t.dataDir, phone), _csrf: csrfFrom(confirm).token }) });
    assert.equal(res.statusCode, 303);
    assert.equal(await amountOf(byPhone), 400);
  });

  test('a write grant made before budgets (no row yet) shows the operator\'s default and can be paused', async () => {
    const legacy = await grantedApp(h, 'budget-legacy@example.com', 'Old App', perDay(100), null);
    await h.t.stack.db.query('DELETE FROM grant_budgets WHERE user_id = $1 AND client_id = $2', [legacy.userId, legacy.client.client_id]);
    const jar = new Jar(await h.session('budget-legacy@example.com'));
    const page = await get(jar, '/account/apps');
    assert.match(page.body, /No limit \(this app may send any amount your wallet holds\)/, 'WRITE_BUDGET_DEFAULT=none');
    assert.equal((await post(jar, '/account/apps/budget/pause', { client_id: legacy.client.client_id, paused: 'true' })).statusCode, 303);
    assert.equal((await budgetsOf(h).budgetOf(legacy.userId, legacy.client.client_id))?.paused, true);
    assert.deepEqual(await send(h, legacy, other.btcWalletId, 10), { status: 'FAILURE', code: 'SENDING_PAUSED' });
  });

  test('the account\'s Activity lists the budget changes', async () => {
    const text = (await get(victim, '/account/activity')).body;
    for (const line of ['Spending budget of Coffee Shop lowered', 'Spending budget of Coffee Shop raised (with a code)', 'Sending paused for Coffee Shop', 'Sending resumed for Coffee Shop']) assert.ok(text.includes(line), line);
  });

  test('removing access ends the budget', async () => {
    const removed = await post(victim, '/account/apps/remove', { client_id: app.client.client_id });
    assert.equal(removed.statusCode, 303);
    assert.equal(await budgetsOf(h).budgetOf(app.userId, app.client.client_id), undefined);
    assert.equal((await post(victim, '/account/apps/budget', { client_id: app.client.client_id, amount: '1' })).statusCode, 404);
  });
});
