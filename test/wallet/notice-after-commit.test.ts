// Issue 18: a payment's NOTIFY is sent after its transaction commits, not inside it. PostgreSQL serialises
// the commits of every transaction that notifies (a database-wide lock held through the WAL flush), so a
// notice inside the payment capped payments at one commit flush each. The notice still names a committed
// event, and a refused payment sends none.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { countingDatabase } from '../support/counting-database.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';
import { newAccount, walletDeps } from './helpers.ts';

for (const kind of DATABASE_KINDS) {
  describe(kind, () => {
    let t: TestDatabase;
    const notices: { id: string; type: string; accountId: string }[] = [];
    let unlisten: () => Promise<void>;
    before(async () => {
      t = await createTestDatabase(kind);
      unlisten = await t.db.listen('wallet_events', (p) => notices.push(JSON.parse(p) as (typeof notices)[number]));
    });
    after(async () => {
      await unlisten();
      await t.drop();
    });
    const waitFor = async (check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    };

    test(`${kind}: the payment's notices go out after its COMMIT, each naming a committed event; a refused payment sends none`, async () => {
      const [a, b] = [await newAccount(t.db), await newAccount(t.db)];
      assert.ok((await fundWallet(t.db, { walletId: a.btc, amount: 100 })).ok);
      await waitFor(() => notices.some((n) => n.accountId === a.accountId));
      const counter = countingDatabase(t.db);
      const deps = walletDeps(counter.db);
      const start = notices.length;
      const sent = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 60, currency: 'BTC' });
      assert.ok(sent.ok);
      await waitFor(() => notices.some((n) => n.accountId === b.accountId));

      const log = counter.log();
      // The payment commits with its COMMIT, or at the end of its one statement in autocommit (issue 18).
      const commit = log.includes('COMMIT') ? log.indexOf('COMMIT') : log.findIndex((sql) => /INSERT INTO wallet_events/.test(sql));
      assert.ok(commit >= 0, log.join('\n'));
      assert.deepEqual(log.slice(0, commit + 1).filter((sql) => /notify/i.test(sql)), [], 'no NOTIFY inside the payment transaction');
      assert.ok(log.slice(commit + 1).some((sql) => /pg_notify/.test(sql)), 'the notices are sent after the COMMIT');

      await waitFor(() => notices.length >= start + 2);
      const mine = notices.slice(start);
      assert.deepEqual(mine.map((n) => `${n.type} ${n.accountId === a.accountId ? 'a' : 'b'}`).sort(), ['payment.received b', 'payment.sent a']);
      for (const n of mine) {
        const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM wallet_events WHERE id = $1', [n.id]);
        assert.equal(row!.n, 1, `the notice ${n.id} names a committed event`);
      }

      const before = notices.length;
      const refused = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 41, currency: 'BTC' });
      assert.equal(!refused.ok && refused.error.code, 'INSUFFICIENT_BALANCE');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(notices.length, before, 'no notice for a refused payment');
    });
  });
}
