// The wallet events outbox (issue 14, the seam shared with issue 13): every committed payment leaves
// its events in `wallet_events` and a NOTIFY on `wallet_events`; a refused or rolled-back one leaves none.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createInvoice } from '../../src/wallet/app/create-invoice.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { payInvoice } from '../../src/wallet/app/pay-invoice.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { newAccount, walletDeps } from './helpers.ts';

interface Row {
  type: string;
  account_id: string;
  wallet_id: string;
  transaction_id: string | null;
  payment_hash: string | null;
  payload: { transaction?: { settlementAmount: number; direction: string; id: string }; invoice?: { paymentHash: string } };
}

for (const kind of DATABASE_KINDS) {
  describe(`wallet events outbox on ${kind}`, () => {
    let t: TestDatabase;
    const notices: Record<string, unknown>[] = [];
    let unlisten: () => Promise<void>;
    before(async () => {
      t = await createTestDatabase(kind);
      unlisten = await t.db.listen('wallet_events', (p) => notices.push(JSON.parse(p) as Record<string, unknown>));
    });
    after(async () => {
      await unlisten();
      await t.drop();
    });
    const eventsOf = (accountId: string) =>
      t.db.query<Row>('SELECT type, account_id, wallet_id, transaction_id, payment_hash, payload FROM wallet_events WHERE account_id = $1 ORDER BY created_at, type', [accountId]);
    const waitFor = async (ids: readonly string[]) => {
      for (let i = 0; i < 100 && !ids.every((id) => notices.some((n) => n.id === id)); i++) await new Promise((r) => setTimeout(r, 20));
    };

    test('a funding, a payment and an invoice payment write their events and notify on commit', async () => {
      const deps = walletDeps(t.db);
      const a = await newAccount(t.db);
      const b = await newAccount(t.db);
      assert.ok((await fundWallet(t.db, { walletId: a.btc, amount: 10_000 })).ok);
      assert.deepEqual((await eventsOf(a.accountId)).map((e) => [e.type, e.payload.transaction?.settlementAmount]), [['payment.received', 10_000]]);

      const sent = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 1_200, currency: 'BTC', memo: 'lunch' });
      assert.ok(sent.ok);
      const [, out] = await eventsOf(a.accountId);
      assert.equal(out?.type, 'payment.sent');
      assert.equal(out?.transaction_id, sent.value.transaction?.id);
      assert.deepEqual([out?.payload.transaction?.settlementAmount, out?.payload.transaction?.direction], [-1_200, 'SEND']);
      const [received] = await eventsOf(b.accountId);
      assert.deepEqual([received?.type, received?.wallet_id, received?.payload.transaction?.settlementAmount], ['payment.received', b.btc, 1_200]);

      const inv = await createInvoice(deps, { walletId: b.btc, ownerAccountId: b.accountId, requiredCurrency: 'BTC', amount: { kind: 'sats', sats: 300 } });
      assert.ok(inv.ok);
      assert.ok((await payInvoice(deps, { accountId: a.accountId, walletId: a.btc, paymentRequest: inv.value.paymentRequest })).ok);
      const bEvents = await eventsOf(b.accountId);
      assert.deepEqual(bEvents.map((e) => e.type).sort(), ['invoice.paid', 'payment.received', 'payment.received']);
      const paid = bEvents.find((e) => e.type === 'invoice.paid')!;
      assert.equal(paid.payment_hash, inv.value.paymentHash);
      assert.equal(paid.payload.invoice?.paymentHash, inv.value.paymentHash);

      const all = await t.db.query<{ id: string }>('SELECT id FROM wallet_events WHERE account_id = ANY($1::uuid[])', [[a.accountId, b.accountId]]);
      await waitFor(all.map((r) => r.id));
      const notice = notices.find((n) => n.type === 'invoice.paid' && n.accountId === b.accountId);
      assert.deepEqual(Object.keys(notice ?? {}).sort(), ['accountId', 'id', 'paymentHash', 'transactionId', 'type', 'walletId']);
      for (const r of all) assert.ok(notices.some((n) => n.id === r.id), `notice for ${r.id}`);
    });

    test('a refused payment and a repeated idempotent one write no event', async () => {
      const deps = walletDeps(t.db);
      const a = await newAccount(t.db);
      const b = await newAccount(t.db);
      const broke = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 5, currency: 'BTC' });
      assert.equal(!broke.ok && broke.error.code, 'INSUFFICIENT_BALANCE');
      assert.equal((await eventsOf(a.accountId)).length, 0);
      assert.equal((await eventsOf(b.accountId)).length, 0);
      assert.ok((await fundWallet(t.db, { walletId: a.btc, amount: 100 })).ok);
      const send = () => sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 7, currency: 'BTC', idempotencyKey: 'k-1' });
      assert.ok((await send()).ok);
      assert.ok((await send()).ok);
      assert.deepEqual((await eventsOf(b.accountId)).map((e) => e.type), ['payment.received']);
    });
  });
}
