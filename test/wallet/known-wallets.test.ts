// Issue 18: a send remembers the user wallets it read (id → account, currency; kind 'user'), which never change,
// so a payment between wallets the process has seen sends no statement before its transaction. These pin that
// the remembered wallets still give every refusal they gave when read: another account's wallet, a wallet
// deleted by hand since (RECIPIENT_NOT_FOUND, nothing written), an unknown id; and that a username set after
// the recipient was remembered is shown, not the remembered NULL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { transactionOfPayment } from '../../src/wallet/app/list-transactions.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { setUsername } from '../../src/wallet/services/accounts.ts';
import { countingDatabase } from '../support/counting-database.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';
import { assertLedgerConsistent, balance, newAccount, walletDeps } from './helpers.ts';

for (const kind of DATABASE_KINDS) {
  describe(kind, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(kind);
    });
    after(() => database.drop());

    test(`${kind}: a second payment between the same wallets reads no wallet before its transaction`, async () => {
      const { db } = database;
      const [a, b] = [await newAccount(db), await newAccount(db)];
      assert.ok((await fundWallet(db, { walletId: a.btc, amount: 1000 })).ok);
      const counter = countingDatabase(db);
      const deps = walletDeps(counter.db);
      const input = { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 10, currency: 'BTC' as const };
      assert.equal((await sendIntraLedger(deps, input)).ok, true);
      const readsWallets = (sql: string) => /FROM wallets w JOIN wallet_accounts/.test(sql);
      assert.ok(readsWallets(counter.log()[0]!), 'the first payment reads both wallets');
      counter.reset();
      const again = await sendIntraLedger(deps, { ...input, idempotencyKey: randomUUID() });
      assert.equal(again.ok && again.value.status, 'SUCCESS');
      assert.ok(counter.log().length > 0 && !counter.log().some(readsWallets), counter.log().join('\n'));
      // Remembered, the wallets still refuse what they refused: another account's wallet, the wrong currency, itself.
      const stolen = await sendIntraLedger(deps, { ...input, accountId: b.accountId });
      assert.equal(!stolen.ok && stolen.error.code, 'INVALID_WALLET_ID');
      const usd = await sendIntraLedger(deps, { ...input, currency: 'USD' });
      assert.equal(!usd.ok && usd.error.code, 'WRONG_WALLET_CURRENCY');
      const self = await sendIntraLedger(deps, { ...input, recipientWalletId: a.btc });
      assert.equal(!self.ok && self.error.code, 'SELF_PAYMENT');
      // An unknown id is never remembered as missing: still RECIPIENT_NOT_FOUND, read each time. The earlier
      // payments' event notices go out after their commits, batched (wallet-events.ts): one may still be on its
      // way through this counter, so only the send's own statements are counted.
      const unknown = randomUUID();
      const ownStatements = () => counter.log().filter((sql) => !sql.includes('pg_notify'));
      for (let i = 0; i < 2; i++) {
        counter.reset();
        const missing = await sendIntraLedger(deps, { ...input, recipientWalletId: unknown });
        assert.equal(!missing.ok && missing.error.code, 'RECIPIENT_NOT_FOUND');
        assert.deepEqual(ownStatements().map(readsWallets), [true], counter.log().join('\n'));
      }
      assert.equal(await balance(db, a.btc), 980);
      assert.equal(await balance(db, b.btc), 20);
    });

    test(`${kind}: a remembered wallet deleted since is RECIPIENT_NOT_FOUND and nothing is written`, async () => {
      const { db } = database;
      const [a, b] = [await newAccount(db), await newAccount(db)];
      assert.ok((await fundWallet(db, { walletId: a.btc, amount: 100 })).ok);
      const deps = walletDeps(db);
      // Read (and remembered) by a send that is refused: b's USD wallet keeps no entry and can be deleted.
      const refused = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.usd, amount: 101, currency: 'BTC' });
      assert.equal(!refused.ok && refused.error.code, 'INSUFFICIENT_BALANCE');
      await db.query('DELETE FROM wallets WHERE id = $1', [b.usd]);
      for (let i = 0; i < 2; i++) {
        const sent = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.usd, amount: 10, currency: 'BTC', idempotencyKey: randomUUID() });
        assert.equal(!sent.ok && sent.error.code, 'RECIPIENT_NOT_FOUND');
      }
      assert.equal(await balance(db, a.btc), 100);
      const [journals] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_journals WHERE sender_wallet_id = $1', [a.btc]);
      assert.equal(journals!.n, 0);
      assert.deepEqual(await assertLedgerConsistent(db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
    });

    test(`${kind}: a username set after the recipient was remembered is the one the payment shows`, async () => {
      const { db } = database;
      const [a, b] = [await newAccount(db), await newAccount(db)];
      assert.ok((await fundWallet(db, { walletId: a.btc, amount: 100 })).ok);
      const deps = walletDeps(db);
      const input = { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 1, currency: 'BTC' as const };
      const first = await sendIntraLedger(deps, input);
      assert.equal(first.ok && first.value.transaction?.counterpartyUsername, null);
      const name = `u${randomUUID().slice(0, 8)}`;
      assert.equal(await setUsername(db, b.accountId, name), 'set');
      const second = await sendIntraLedger(deps, input);
      assert.ok(second.ok);
      // As the one statement read it (issue 18); a send that is a transaction reads it when the payload asks.
      assert.equal(second.value.transaction?.counterpartyUsername, name);
      const shown = await transactionOfPayment(db, second.value);
      assert.equal(shown?.counterpartyUsername, name);
      assert.equal(shown?.amount, -1);
    });
  });
}
