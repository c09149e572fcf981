// Issue 18: a payment's SQL round trips, counted on a real database. Each one costs a socket write and a
// wake-up of PostgreSQL, the largest share of a payment; this pins the count so that a change that adds
// one is seen. And the folded statements still refuse an overdraft and a reused key without writing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
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

    test(`${kind}: an intraledger payment with an Idempotency-Key is 3 statements, the payment itself 1`, async () => {
      const { db } = database;
      const [a, b] = [await newAccount(db), await newAccount(db)];
      assert.ok((await fundWallet(db, { walletId: a.btc, amount: 1000 })).ok);
      const counter = countingDatabase(db);
      const deps = walletDeps(counter.db);
      const input = { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 10, currency: 'BTC' as const, idempotencyKey: randomUUID() };
      const sent = await sendIntraLedger(deps, input);
      assert.equal(sent.ok && sent.value.status, 'SUCCESS');
      await new Promise((r) => setTimeout(r, 50)); // the notices, sent after the commit
      // Before: both wallets (remembered afterwards). The payment, one statement in autocommit (issue 18): the
      // key's lookup (keyGate), the wallets' locks, the journal, its entries and balances, the outbox rows and the
      // key's record. After: the notices (one statement, shared by the payments that commit meanwhile).
      const log = counter.log();
      assert.equal(log.length, 3, log.join('\n'));
      assert.match(log[0]!, /FROM wallets w JOIN wallet_accounts/);
      for (const written of ['payment_idempotency', 'FOR UPDATE', 'INSERT INTO ledger_journals', 'INSERT INTO wallet_events', 'INSERT INTO payment_idempotency']) assert.ok(log[1]!.includes(written), written);
      assert.match(log.at(-1)!, /pg_notify/);

      // The same key again answers the first payment and moves nothing: the lock statement refuses, the key is read.
      counter.reset();
      const again = await sendIntraLedger(deps, input);
      assert.equal(again.ok && again.value.journalId, sent.ok && sent.value.journalId);
      assert.equal(counter.log().length, 2, counter.log().join('\n'));
      assert.match(counter.log()[1]!, /SELECT journal_id, fingerprint FROM payment_idempotency/);
      const reused = await sendIntraLedger(deps, { ...input, amount: 11 });
      assert.equal(!reused.ok && reused.error.code, 'IDEMPOTENCY_KEY_REUSED');
      assert.equal(await balance(db, a.btc), 990);
      assert.equal(await balance(db, b.btc), 10);
    });

    // PostgreSQL only: PGlite has one connection, another transaction cannot hold the wallets meanwhile.
    if (kind === 'postgres') test(`${kind}: a repeated Idempotency-Key locks no wallet (answered while another transaction holds them)`, async () => {
      const { db } = database;
      const [a, b] = [await newAccount(db), await newAccount(db)];
      assert.ok((await fundWallet(db, { walletId: a.btc, amount: 100 })).ok);
      const deps = walletDeps(db);
      const input = { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 10, currency: 'BTC' as const, idempotencyKey: randomUUID() };
      const sent = await sendIntraLedger(deps, input);
      assert.ok(sent.ok);
      // Both wallets held by another transaction: a repeat that locked them would wait until PostgreSQL ends that
      // idle transaction (its session timeout, so that a wrong posting fails this test instead of hanging it).
      await db.transaction(async (tx) => {
        await tx.query("SET LOCAL idle_in_transaction_session_timeout = '10s'");
        await tx.query('SELECT id FROM wallets WHERE id = ANY($1::uuid[]) FOR UPDATE', [[a.btc, b.btc]]);
        const again = await sendIntraLedger(deps, input);
        assert.equal(again.ok && again.value.journalId, sent.value.journalId);
        const reused = await sendIntraLedger(deps, { ...input, amount: 11 });
        assert.equal(!reused.ok && reused.error.code, 'IDEMPOTENCY_KEY_REUSED');
      });
      assert.equal(await balance(db, a.btc), 90);
    });

    test(`${kind}: the one-statement post refuses an overdraft and writes nothing`, async () => {
      const { db } = database;
      const [a, b] = [await newAccount(db), await newAccount(db)];
      assert.ok((await fundWallet(db, { walletId: a.btc, amount: 100 })).ok);
      const deps = walletDeps(db);
      const key = randomUUID();
      const refused = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 101, currency: 'BTC', idempotencyKey: key });
      assert.equal(!refused.ok && refused.error.code, 'INSUFFICIENT_BALANCE');
      assert.equal(await balance(db, a.btc), 100);
      assert.equal(await balance(db, b.btc), 0);
      const [journals] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_journals WHERE sender_wallet_id = $1', [a.btc]);
      assert.equal(journals!.n, 0);
      // The refused send recorded no key: the same key can pay once the wallet holds enough.
      assert.ok((await fundWallet(db, { walletId: a.btc, amount: 1 })).ok);
      const paid = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 101, currency: 'BTC', idempotencyKey: key });
      assert.equal(paid.ok && paid.value.status, 'SUCCESS');
      assert.equal(await balance(db, a.btc), 0);
      // A USD wallet paying a BTC wallet (through the dealer's wallets): four legs, two per currency.
      assert.ok((await fundWallet(db, { walletId: a.usd, amount: 500 })).ok);
      const converted = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.usd, recipientWalletId: b.btc, amount: 500, currency: 'USD' });
      assert.ok(converted.ok, JSON.stringify(converted));
      assert.equal(await balance(db, a.usd), 0);
      const over = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.usd, recipientWalletId: b.btc, amount: 1, currency: 'USD' });
      assert.equal(!over.ok && over.error.code, 'INSUFFICIENT_BALANCE');
      assert.deepEqual(await assertLedgerConsistent(db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
    });
  });
}
