// Issue 15: a grant budget crossing 80 % and 100 % reaches subscribers over WebSocket (budgetThresholds, a
// real graphql-ws client): the app whose budget it is and the account holder's own credentials hear it;
// another app connected to the same account does not, nor does a credential without `read`, and a payment
// (not a budget event) is not told on this stream.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createGrantBudgets } from '../../src/wallet/app/grant-budgets.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { adminApi, createClient } from '../support/clients.ts';
import { collect, subscriber, type TestSubscriber } from '../support/subscriptions.ts';
import { userAccessToken } from '../support/tokens.ts';
import { oauth, startHarness, type Harness, type TestUser } from './harness.ts';

const THRESHOLDS = 'subscription { budgetThresholds { errors { code } threshold { clientId percent spent limit currency period periodStart } } }';
const SEND = 'mutation($w: WalletId!, $r: WalletId!, $a: SatAmount!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: $a }) { status errors { code } } }';

let h: Harness;
let api: string;
let payer: TestUser;
let payee: TestUser;
const open: TestSubscriber[] = [];
const connect = (params: Record<string, string>) => {
  const s = subscriber(api, { connectionParams: params });
  open.push(s);
  return s;
};

before(async () => {
  h = await startHarness({ env: { REQUIRE_DPOP_FOR_WRITE: 'false' } });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  api = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  [payer, payee] = [await h.signUp(), await h.signUp()];
  await h.fund(payer.btcWalletId, 100_000);
});
after(async () => {
  await Promise.allSettled(open.map((s) => s.dispose()));
  await h?.close();
});

test("budgetThresholds: the app's own crossings and the holder's, never another app's", { timeout: 60_000 }, async () => {
  const appToken = await h.oauthToken(payer, ['read', 'write']);
  const app = h.oauthClientId();
  const target: AuthTarget = { kind: 'lightgate', name: 'Lightgate', ...UNREACHABLE_UI, publicUrl: h.stack.urls.issuer, adminUrl: h.stack.stack.listening.admin!, stop: async () => {} };
  const admin = adminApi(target);
  const otherClient = await createClient(admin, { scope: 'openid read write' });
  const otherToken = await userAccessToken(target, admin, otherClient, payer.userId, ['read', 'write']);
  const receiveOnly = await h.oauthToken(payer, ['receive', 'write']);
  const budget = { type: 'wallet_spend' as const, limit: { amount: 1000, currency: 'BTC' as const }, period: 'P1D' as const, per_payment_max: null };
  const budgets = createGrantBudgets(h.stack.database.db);
  await budgets.recordGranted({ userId: payer.userId, clientId: app, budget, ceiling: budget, remembered: false });
  await budgets.recordGranted({ userId: payer.userId, clientId: otherClient.client_id, budget: { ...budget, limit: { amount: 100, currency: 'BTC' } }, ceiling: null, remembered: false });

  const mine = collect(connect({ 'Oauth2-Token': appToken }).client, THRESHOLDS);
  const other = collect(connect({ 'Oauth2-Token': otherToken }).client, THRESHOLDS);
  const holder = collect(connect({ Authorization: `Bearer ${payer.session}` }).client, THRESHOLDS);
  const refused = collect(connect({ 'Oauth2-Token': receiveOnly }).client, THRESHOLDS);
  await refused.done;
  assert.equal((refused.error as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions?.code ?? refused.results[0]?.errors?.[0]?.extensions?.code, 'INSUFFICIENT_SCOPE');
  await new Promise((resolve) => setTimeout(resolve, 200)); // the three subscriptions listen

  const pay = async (token: string, amount: number) => {
    const r = await h.gql(SEND, { w: payer.btcWalletId, r: payee.btcWalletId, a: amount }, oauth(token));
    assert.equal(r.body.data?.intraLedgerPaymentSend.status, 'SUCCESS', JSON.stringify(r.body));
  };
  await pay(appToken, 500); // 50 %: nothing told
  await pay(appToken, 300); // 80 %
  await pay(appToken, 200); // 100 %
  await pay(otherToken, 100); // the other app's 100 %

  const told = (c: typeof mine) => c.results.map((r) => r.data?.budgetThresholds.threshold).map((t) => [t.clientId, t.percent, t.spent, t.limit]);
  await mine.nth(2, 5000);
  await other.nth(1, 5000);
  await holder.nth(3, 5000);
  await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more arrives
  assert.deepEqual(told(mine), [
    [app, 80, 800, 1000],
    [app, 100, 1000, 1000],
  ]);
  assert.deepEqual(told(other), [[otherClient.client_id, 100, 100, 100]]);
  assert.deepEqual(told(holder), [
    [app, 80, 800, 1000],
    [app, 100, 1000, 1000],
    [otherClient.client_id, 100, 100, 100],
  ]);
  const first = mine.results[0]!.data?.budgetThresholds;
  assert.deepEqual(first.errors, []);
  assert.equal(first.threshold.currency, 'BTC');
  assert.equal(first.threshold.period, 'P1D');
  assert.equal(first.threshold.periodStart % 86_400, 0, 'the UTC day it belongs to (Timestamp: Unix seconds)');
});
