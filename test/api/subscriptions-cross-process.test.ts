// Issue 13: a payment settled by one process reaches a subscriber connected to another within 1 s, on
// PostgreSQL (the payment's transaction NOTIFYs `wallet_events`; every API process LISTENs). Process A is
// the API server of this test process; process B is a real `lightgate start` child (API only) on the same
// database, with the same secrets.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { graphql } from '../support/graphql.ts';
import { collect, subscriber, type TestSubscriber } from '../support/subscriptions.ts';
import { SHARED_SECRETS, startLightgate, type LightgateProcess } from '../production/support/lightgate-process.ts';
import { bearer, startHarness, type Harness, type TestUser } from './harness.ts';

describe('subscriptions across processes on one PostgreSQL database', { timeout: 90_000 }, () => {
  let h: Harness;
  let b: LightgateProcess;
  let apiA: string;
  let payer: TestUser;
  let payee: TestUser;
  const open: TestSubscriber[] = [];

  before(async () => {
    h = await startHarness({ kind: 'postgres', env: SHARED_SECRETS });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    apiA = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    b = await startLightgate({ env: { DATABASE_URL: h.stack.database.url!, LIGHTGATE_SERVICES: 'api', LOG_LEVEL: 'warn' } });
    payer = await h.signUp();
    payee = await h.signUp();
    await h.fund(payer.btcWalletId, 50_000);
  });
  after(async () => {
    await Promise.allSettled(open.map((s) => s.dispose()));
    await b?.stop();
    await h?.close();
  });

  test('an invoice paid and a payment sent through process B are seen by subscribers of process A within 1 s', async () => {
    const created = await h.gql('mutation($w: WalletId!) { lnInvoiceCreate(input: { walletId: $w, amount: 2100 }) { invoice { paymentHash paymentRequest } } }', { w: payee.btcWalletId }, bearer(payee.session));
    const invoice = created.body.data!.lnInvoiceCreate.invoice as { paymentHash: string; paymentRequest: string };
    const anonymous = subscriber(apiA);
    const owner = subscriber(apiA, { connectionParams: { Authorization: `Bearer ${payee.session}` } });
    open.push(anonymous, owner);
    const status = collect(anonymous.client, 'subscription($h: PaymentHash!) { lnInvoicePaymentStatusByHash(input: { paymentHash: $h }) { status } }', { h: invoice.paymentHash });
    const updates = collect(owner.client, 'subscription { myUpdates { update { __typename ... on LnUpdate { paymentHash status } ... on IntraLedgerUpdate { txNotificationType transaction { settlementAmount } } } } }');
    assert.equal((await status.nth(1)).data?.lnInvoicePaymentStatusByHash.status, 'PENDING');
    assert.equal((await updates.nth(1)).data?.myUpdates.update.__typename, 'RealtimePrice');

    const paid = await graphql(b.urls.api, bearer(payer.session), 'mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status } }', { w: payer.btcWalletId, r: invoice.paymentRequest });
    const settled = Date.now();
    assert.equal(paid.body.data?.lnInvoicePaymentSend.status, 'SUCCESS', JSON.stringify(paid.body));
    await status.find((r) => r.data?.lnInvoicePaymentStatusByHash.status === 'PAID', 1000);
    const ln = await updates.find((r) => r.data?.myUpdates.update.__typename === 'LnUpdate', 1000);
    assert.deepEqual(ln.data.myUpdates.update, { __typename: 'LnUpdate', paymentHash: invoice.paymentHash, status: 'PAID' });
    const invoiceLatency = Date.now() - settled;

    const sent = await graphql(b.urls.api, bearer(payer.session), 'mutation($w: WalletId!, $to: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $to, amount: 321 }) { status } }', { w: payer.btcWalletId, to: payee.btcWalletId });
    const sentAt = Date.now();
    assert.equal(sent.body.data?.intraLedgerPaymentSend.status, 'SUCCESS');
    const receipt = await updates.find((r) => r.data?.myUpdates.update.txNotificationType === 'IntraLedgerReceipt', 1000);
    assert.equal(receipt.data.myUpdates.update.transaction.settlementAmount, 321);
    assert.ok(invoiceLatency < 1000 && Date.now() - sentAt < 1000, `latencies ${invoiceLatency} ms, ${Date.now() - sentAt} ms`);
  });
});
