// Issue 15: a grant budget reaching 80% and 100% is a `budget.threshold` wallet event, delivered by the
// webhook worker like the payments' — but only to the endpoints of the app whose budget it is and to the
// account holder's own; another app connected to the same account does not learn this app's budget.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createGrantBudgets } from '../../src/wallet/app/grant-budgets.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { createWebhooksService, type WebhookSettings, type WebhooksService } from '../../src/webhooks/webhooks-service.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { newAccount, walletDeps } from '../wallet/helpers.ts';
import { startReceiver, TEST_WEBHOOK_SETTINGS, type Receiver } from './receiver.ts';

const SETTINGS: WebhookSettings = {
  ...TEST_WEBHOOK_SETTINGS,
  pollIntervalMs: 200,
};

let t: TestDatabase;
let receiver: Receiver;
let service: WebhooksService | undefined;
before(async () => {
  t = await createTestDatabase('postgres');
  receiver = await startReceiver();
});
after(async () => {
  await service?.close();
  await receiver?.close();
  await t?.drop();
});

test("budget.threshold reaches the app's endpoints and the holder's, not another app's", { timeout: 30_000 }, async () => {
  service = createWebhooksService({ db: t.db, secrets: ['webhook-test-secret-0123456789abcdefghijkl'], settings: SETTINGS, appAuthorized: async () => true, runWorker: true });
  const [payer, payee] = [await newAccount(t.db), await newAccount(t.db)];
  assert.ok((await fundWallet(t.db, { walletId: payer.btc, amount: 10_000 })).ok);
  for (const [path, clientId] of [['/app', 'app-a'], ['/other', 'app-b'], ['/holder', null]] as const) {
    const added = await service.add({ accountId: payer.accountId, clientId }, receiver.url(path));
    assert.ok(added.ok, JSON.stringify(added));
    receiver.secret(path, added.value.secret);
  }
  const grant = { userId: payer.userId, clientId: 'app-a' };
  const budget = { type: 'wallet_spend' as const, limit: { amount: 1000, currency: 'BTC' as const }, period: 'P1M' as const, per_payment_max: null };
  await createGrantBudgets(t.db).recordGranted({ ...grant, budget, ceiling: budget, remembered: false });
  const deps = walletDeps(t.db);
  for (const amount of [850, 150]) assert.ok((await sendIntraLedger(deps, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount, currency: 'BTC', grant })).ok);
  const thresholds = (path: string) => [...receiver.unique(path).values()].filter((r) => r.body.type === 'budget.threshold').map((r) => r.body.data.budget as { percent: number; clientId: string; spent: number });
  await receiver.waitFor(() => thresholds('/app').length === 2 && thresholds('/holder').length === 2, 10_000);
  assert.deepEqual(thresholds('/app').map((b) => [b.clientId, b.percent, b.spent]).sort(), [['app-a', 100, 1000], ['app-a', 80, 850]]);
  // The other app got the payments (its `read` covers them) but no word of app-a's budget.
  await receiver.waitFor(() => [...receiver.unique('/other').values()].filter((r) => r.body.type === 'payment.sent').length === 2, 10_000);
  assert.deepEqual(thresholds('/other'), []);
});
