// The portal's callback endpoints page (issue 14) over real HTTP on a whole stack: owner only, CSRF on
// every form, the secret shown once, recent deliveries with status/attempts/response code, "Send test
// event" and "Replay" reaching a real receiver that verifies with `standardwebhooks`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { formBody } from '../support/forms.ts';
import { csrfFrom, startPortalHarness, type PortalHarness } from '../portal/harness.ts';
import { startReceiver, type Receiver } from './receiver.ts';

describe('portal: callback endpoints', { timeout: 90_000 }, () => {
  let h: PortalHarness;
  let receiver: Receiver;
  let base: string;
  before(async () => {
    h = await startPortalHarness({ kind: 'postgres', env: { WEBHOOK_POLL_INTERVAL: '50ms', WEBHOOK_RETRY_BASE: '50ms' } });
    base = h.t.urls.portal;
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver?.close();
    await h?.close();
  });

  const get = async (path: string, cookie: string) => {
    const res = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
    const cookies = res.headers.getSetCookie().map((c) => {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      return { name: name!, value: value.join('=') };
    });
    return { status: res.status, body: await res.text(), cookies, headers: res.headers };
  };
  /** Reads the page's CSRF token with this session, then POSTs the form. */
  const post = async (session: string, path: string, fields: Record<string, string> = {}, csrf: 'ok' | 'none' = 'ok') => {
    const page = await get('/callbacks', session);
    const { cookie, token } = csrfFrom(page);
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `${session}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(csrf === 'ok' ? { ...fields, _csrf: token } : fields),
    });
    return { status: res.status, body: await res.text(), headers: res.headers };
  };

  test('signed out: redirected to sign in, forms refused', async () => {
    const page = await get('/callbacks', '');
    assert.equal(page.status, 302);
    assert.equal(page.headers.get('location'), '/auth/login?return_to=%2Fcallbacks');
    const res = await fetch(`${base}/callbacks`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'url=https%3A%2F%2Fexample.com' });
    assert.equal(res.status, 401);
  });

  test('the owner adds an endpoint (secret shown once, no-store), sees deliveries, sends a test event and replays; another person cannot touch it', async () => {
    const owner = await h.session('hooks-owner@example.com');
    const userId = await h.user('hooks-owner@example.com');
    const empty = await get('/callbacks', owner);
    assert.match(empty.body, /No endpoints yet/);
    assert.match(empty.body, /<a href="\/callbacks" aria-current="page">Callbacks<\/a>/, 'in the portal navigation');

    assert.equal((await post(owner, '/callbacks', { url: receiver.url('/portal') }, 'none')).status, 403, 'no CSRF token, nothing changed');
    const refused = await post(owner, '/callbacks', { url: 'https://192.168.1.10/hook' });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /not allowed|private/);

    const added = await post(owner, '/callbacks', { url: receiver.url('/portal') });
    assert.equal(added.status, 200);
    assert.equal(added.headers.get('cache-control'), 'no-store');
    const secret = /whsec_[A-Za-z0-9+/=]+/.exec(added.body)?.[0];
    assert.ok(secret, 'the secret is on the answer');
    receiver.secret('/portal', secret);
    const again = await get('/callbacks', owner);
    assert.ok(!again.body.includes(secret), 'and never again');
    const endpointId = /action="\/callbacks\/([0-9a-f-]{36})\/test"/.exec(again.body)?.[1];
    assert.ok(endpointId);

    const [wallet] = await h.t.stack.db.query<{ id: string }>("SELECT w.id FROM wallets w JOIN wallet_accounts a ON a.id = w.account_id WHERE a.user_id = $1 AND w.currency = 'BTC'", [userId]);
    assert.ok((await fundWallet(h.t.stack.db, { walletId: wallet!.id, amount: 777 })).ok);
    await receiver.waitFor(() => receiver.unique('/portal').size === 1);
    let page = await get('/callbacks', owner);
    for (let i = 0; i < 40 && !/succeeded/.test(page.body); i++) {
      await new Promise((r) => setTimeout(r, 50));
      page = await get('/callbacks', owner);
    }
    assert.match(page.body, /payment\.received/);
    assert.match(page.body, /succeeded/);
    assert.match(page.body, /HTTP 204/);

    const tested = await post(owner, `/callbacks/${endpointId}/test`);
    assert.equal(tested.status, 303);
    await receiver.waitFor(() => [...receiver.unique('/portal').values()].some((r) => r.body.type === 'webhook.test'));

    const deliveryId = /action="\/callbacks\/deliveries\/([0-9a-f-]{36})\/replay"/.exec(page.body)?.[1];
    assert.ok(deliveryId);
    const before = receiver.received.length;
    assert.equal((await post(owner, `/callbacks/deliveries/${deliveryId}/replay`)).status, 303);
    await receiver.waitFor(() => receiver.received.length > before);
    const first = [...receiver.unique('/portal').values()].find((r) => r.body.type === 'payment.received')!;
    assert.equal(receiver.received.at(-1)!.id, first.id, 'a replay keeps its webhook-id');

    // Another signed-in person: not on their page, and every form on it is a 404.
    const stranger = await h.session('hooks-stranger@example.com');
    assert.ok(!(await get('/callbacks', stranger)).body.includes(endpointId));
    for (const path of [`/callbacks/${endpointId}/delete`, `/callbacks/${endpointId}/test`, `/callbacks/${endpointId}/rotate`, `/callbacks/deliveries/${deliveryId}/replay`]) {
      assert.equal((await post(stranger, path)).status, 404, path);
    }

    const rotated = await post(owner, `/callbacks/${endpointId}/rotate`);
    assert.equal(rotated.status, 200);
    const newSecret = /whsec_[A-Za-z0-9+/=]+/.exec(rotated.body)?.[0];
    assert.ok(newSecret && newSecret !== secret);
    assert.equal((await post(owner, `/callbacks/${endpointId}/delete`)).status, 303);
    assert.match((await get('/callbacks', owner)).body, /No endpoints yet/);
  });
});
