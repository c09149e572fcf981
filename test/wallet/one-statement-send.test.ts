// Issue 18: an intraledger send without a budget or a daily limit is one statement in autocommit, whose tail
// stores the outbox rows built before the posting (send-outcome.ts). These pin that the rows it stores are the
// ones the transactional path stores (built from the posted entries), entry id, amount and time included,
// with a USD → BTC send through the dealer's wallets too; and that a refused send stores no row and no key.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { WalletDeps } from '../../src/wallet/app/deps.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { countingDatabase } from '../support/counting-database.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';
import { assertLedgerConsistent, balance, newAccount, walletDeps } from './helpers.ts';

interface EventRow {
  type: string;
  account_id: string;
  wallet_id: string;
  transaction_id: string;
  payment_hash: string | null;
  payload: { transaction: Record<string, unknown> };
}

for (const kind of DATABASE_KINDS) {
  describe(kind, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(kind);
    });
    after(() => database.drop());

    /** The journal's events, each with its wallet's entry as the ledger has it. */
    const eventsOf = async (journalId: string) => {
      const { db } = database;
      const rows = await db.query<EventRow & { entry_id: number; amount: number; created_at: Date }>(
        `SELECT ev.type, ev.account_id, ev.wallet_id, ev.transaction_id, ev.payment_hash, ev.payload, e.id AS entry_id, e.amount, e.created_at
         FROM ledger_entries e JOIN wallet_events ev ON ev.transaction_id = e.id::text WHERE e.journal_id = $1 ORDER BY ev.type`,
        [journalId],
      );
      for (const r of rows) {
        const payload = typeof r.payload === 'string' ? (JSON.parse(r.payload) as EventRow['payload']) : r.payload;
        assert.equal(r.transaction_id, String(r.entry_id));
        assert.deepEqual([payload.transaction.id, payload.transaction.settlementAmount, payload.transaction.createdAt], [String(r.entry_id), r.amount, new Date(r.created_at).toISOString()]);
        r.payload = payload;
      }
      // What differs between two payments: the entries.
      return rows.map((r) => ({ ...r, entry_id: 0, created_at: 0, transaction_id: '', payload: { transaction: { ...r.payload.transaction, id: '', createdAt: '' } } }));
    };

    test(`${kind}: the one statement stores the events the transactional path stores`, async () => {
      const { db } = database;
      const [a, b] = [await newAccount(db), await newAccount(db)];
      assert.ok((await fundWallet(db, { walletId: a.btc, amount: 1000 })).ok);
      assert.ok((await fundWallet(db, { walletId: a.usd, amount: 1000 })).ok);
      const counter = countingDatabase(db);
      const oneStatement = walletDeps(counter.db);
      // A daily limit makes the send lock the account's limits first: the transactional path.
      const limited: WalletDeps = { ...walletDeps(db), limits: { internalSend: 1_000_000, convert: 1_000_000, withdrawal: 1_000_000 } };
      for (const [from, currency, to] of [[a.btc, 'BTC', b.btc], [a.usd, 'USD', b.btc]] as const) {
        const input = { accountId: a.accountId, walletId: from, recipientWalletId: to, amount: 100, currency, memo: 'the same', idempotencyKey: randomUUID() };
        counter.reset();
        const one = await sendIntraLedger(oneStatement, input);
        assert.ok(one.ok, JSON.stringify(one));
        assert.ok(!counter.log().includes('BEGIN'), counter.log().join('\n'));
        const two = await sendIntraLedger(limited, { ...input, idempotencyKey: randomUUID() });
        assert.ok(two.ok, JSON.stringify(two));
        const [ones, twos] = [await eventsOf(one.value.journalId), await eventsOf(two.value.journalId)];
        assert.deepEqual(ones.map((e) => e.type), ['payment.received', 'payment.sent']);
        assert.deepEqual(ones, twos);
        // The payment.sent row names the sender's entry the outcome shows.
        const [sent] = await db.query<{ type: string }>('SELECT type FROM wallet_events WHERE transaction_id = $1 AND wallet_id = $2', [one.value.transaction!.id, from]);
        assert.equal(sent?.type, 'payment.sent');
      }
      assert.equal(await balance(db, a.btc), 800);
      assert.deepEqual(await assertLedgerConsistent(db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
    });

    test(`${kind}: a refused one-statement send stores no event and no key; the key pays later`, async () => {
      const { db } = database;
      const [a, b] = [await newAccount(db), await newAccount(db)];
      assert.ok((await fundWallet(db, { walletId: a.btc, amount: 10 })).ok);
      const deps = walletDeps(db);
      const key = randomUUID();
      const [before] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM wallet_events WHERE account_id = ANY($1::uuid[])', [[a.accountId, b.accountId]]);
      const refused = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 11, currency: 'BTC', idempotencyKey: key });
      assert.equal(!refused.ok && refused.error.code, 'INSUFFICIENT_BALANCE');
      const [after] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM wallet_events WHERE account_id = ANY($1::uuid[])', [[a.accountId, b.accountId]]);
      assert.equal(after!.n, before!.n);
      const [keys] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_idempotency WHERE key = $1', [key]);
      assert.equal(keys!.n, 0);
      const paid = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 10, currency: 'BTC', idempotencyKey: key });
      assert.equal(paid.ok && paid.value.status, 'SUCCESS', 'a refused send left no key: another amount is not a reuse');
      assert.equal(await balance(db, a.btc), 0);
    });
  });
}
