// Issue 18: a payment's NOTIFY wakes the delivery worker only when one of its accounts has an enabled
// endpoint. A payment between accounts without one costs the worker one cheap check, not a fan-out round
// (five statements and a transaction); its events are marked at the next poll. Deliveries stay prompt.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { createWebhooksService, type WebhookSettings, type WebhooksService } from '../../src/webhooks/webhooks-service.ts';
import { countingDatabase } from '../support/counting-database.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { newAccount, walletDeps } from '../wallet/helpers.ts';
import { startReceiver, TEST_WEBHOOK_SETTINGS, type Receiver } from './receiver.ts';

const SETTINGS: WebhookSettings = {
  ...TEST_WEBHOOK_SETTINGS,
  // Far longer than the test: whatever the worker does here, a NOTIFY started it.
  pollIntervalMs: 600_000,
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('payments between accounts without endpoints start no fan-out round; a payment to an endpoint is delivered at once', { timeout: 30_000 }, async () => {
  const counter = countingDatabase(t.db);
  service = createWebhooksService({ db: counter.db, secrets: ['webhook-test-secret-0123456789abcdefghijkl'], settings: SETTINGS, appAuthorized: async () => true, runWorker: true });
  const deps = walletDeps(t.db);
  const [a, b, c] = [await newAccount(t.db), await newAccount(t.db), await newAccount(t.db)];
  assert.ok((await fundWallet(t.db, { walletId: a.btc, amount: 1000 })).ok);
  await sleep(500); // the worker's first round, the fundings' notices and its LISTEN
  counter.reset();

  for (let i = 0; i < 5; i++) {
    const sent = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 1, currency: 'BTC' });
    assert.ok(sent.ok);
    await sleep(60);
  }
  await sleep(300);
  const rounds = counter.counts().byLabel.filter(([l]) => l === 'BEGIN' || /wallet_events|webhook_deliveries/.test(l));
  assert.deepEqual(rounds, [], 'no fan-out or claim round for accounts without endpoints');

  const added = await service.add({ accountId: c.accountId, clientId: null }, receiver.url('/c'));
  assert.ok(added.ok);
  receiver.secret('/c', added.value.secret);
  const paid = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: c.btc, amount: 7, currency: 'BTC' });
  assert.ok(paid.ok);
  await receiver.waitFor(() => [...receiver.unique('/c').values()].some((r) => r.body.type === 'payment.received'), 10_000);
});
