// Issue 15's benchmark goal: a budgeted send WITHOUT an Idempotency-Key charges its grant inside the
// posting's one lock statement (the charge first, then the wallets), so it costs no more round trips than an
// unbudgeted one; the key and no-key sends of one grant keep one lock order (budget row, then wallets), so
// fired together they never deadlock and never pass the budget.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createGrantBudgets } from '../../src/wallet/app/grant-budgets.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { setUsername } from '../../src/wallet/services/accounts.ts';
import { budgetThresholdEvent, periodStart } from '../../src/wallet/domain/budget.ts';
import type { WalletSpendDetail } from '../../src/shared/wallet-spend/spend-detail.ts';
import { countingDatabase } from '../support/counting-database.ts';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { assertLedgerConsistent, balance, newAccount, walletDeps } from './helpers.ts';

const day = (amount: number): WalletSpendDetail => ({ type: 'wallet_spend', limit: { amount, currency: 'BTC' }, period: 'P1D', per_payment_max: null });

for (const kind of DATABASE_KINDS) {
  describe(`a budgeted send without a key on ${kind}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await createTestDatabase(kind);
    });
    after(() => t.drop());

    async function granted(budget: WalletSpendDetail | null, funds = 1_000_000) {
      const [payer, payee] = [await newAccount(t.db), await newAccount(t.db)];
      assert.ok((await fundWallet(t.db, { walletId: payer.btc, amount: funds })).ok);
      const g = { userId: payer.userId, clientId: `app-${randomUUID()}` };
      await createGrantBudgets(t.db).recordGranted({ ...g, budget, ceiling: budget, remembered: false });
      return { payer, payee, g };
    }

    test('costs the payment no statement: with or without a grant the send is one statement; the charge, its event (the same payload as in a transaction) and the chart are kept', async () => {
      const { payer, payee, g } = await granted(day(100));
      const spans: number[] = [];
      for (const withGrant of [false, true, true]) {
        const counter = countingDatabase(t.db);
        const r = await sendIntraLedger(walletDeps(counter.db), { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 40, currency: 'BTC', grant: withGrant ? g : undefined });
        assert.equal(r.ok && r.value.status, 'SUCCESS', JSON.stringify(r));
        const log = counter.log();
        spans.push(log.filter((sql) => !/pg_notify|JOIN wallet_accounts/.test(sql)).length);
      }
      // One statement in autocommit (issue 18) either way: the charge, the locks, the post, the outbox and the
      // threshold event it crossed.
      assert.deepEqual(spans, [1, 1, 1], 'the charge is in the send\'s one statement');
      const budget = await createGrantBudgets(t.db).budgetOf(g.userId, g.clientId);
      assert.equal(budget?.spent, 80);
      const [told] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM wallet_events WHERE account_id = $1 AND type = 'budget.threshold'", [payer.accountId]);
      assert.equal(told!.n, 1, '80 % told once');
      const [stored] = await t.db.query<{ payload: unknown; transaction_id: string | null; wallet_id: string }>("SELECT payload, transaction_id, wallet_id FROM wallet_events WHERE account_id = $1 AND type = 'budget.threshold'", [payer.accountId]);
      const built = budgetThresholdEvent({ clientId: g.clientId, percent: 80, spent: 80, limit: 100, currency: 'BTC', period: 'P1D', periodStart: periodStart('P1D', new Date())! }, payer.accountId, payer.btc);
      assert.deepEqual([stored!.payload, stored!.transaction_id, stored!.wallet_id], [built.data, null, payer.btc], 'the statement stores what budgetThresholdEvent builds');
      const [logged] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_journals j JOIN wallets w ON w.id = j.sender_wallet_id JOIN wallet_accounts a ON a.id = w.account_id WHERE a.user_id = $1 AND j.grant_client_id IS NOT NULL AND j.grant_client_id = $2', [g.userId, g.clientId]);
      assert.equal(logged!.n, 2);
    });

    test("the budgeted statement answers the recipient's username as it is now (set after the wallets were remembered)", async () => {
      const { payer, payee, g } = await granted(day(1000));
      const send = () => sendIntraLedger(walletDeps(t.db), { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 1, currency: 'BTC', grant: g });
      const first = await send();
      assert.equal(first.ok && first.value.transaction?.counterpartyUsername, null);
      const name = `b${randomUUID().slice(0, 8)}`;
      assert.equal(await setUsername(t.db, payee.accountId, name), 'set');
      const second = await send();
      assert.equal(second.ok && second.value.transaction?.counterpartyUsername, name);
      assert.equal((await createGrantBudgets(t.db).budgetOf(g.userId, g.clientId))?.spent, 2);
    });

    test('a refused charge moves nothing and answers as before; an overdraft rolls the charge back', async () => {
      const { payer, payee, g } = await granted(day(100), 50);
      const send = (amount: number) => sendIntraLedger(walletDeps(t.db), { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount, currency: 'BTC', grant: g });
      const over = await send(101);
      assert.equal(!over.ok && over.error.code, 'BUDGET_EXCEEDED');
      assert.equal(!over.ok && over.error.message, "This payment passes the app's spending budget (100 sats per day)");
      const poor = await send(60);
      assert.equal(!poor.ok && poor.error.code, 'INSUFFICIENT_BALANCE');
      assert.equal((await createGrantBudgets(t.db).budgetOf(g.userId, g.clientId))?.spent, 0);
      await t.db.query('UPDATE grant_budgets SET paused = true WHERE user_id = $1 AND client_id = $2', [g.userId, g.clientId]);
      const paused = await send(1);
      assert.equal(!paused.ok && paused.error.code, 'SENDING_PAUSED');
      assert.equal(await balance(t.db, payer.btc), 50);
      const [logged] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_journals j JOIN wallets w ON w.id = j.sender_wallet_id JOIN wallet_accounts a ON a.id = w.account_id WHERE a.user_id = $1 AND j.grant_client_id IS NOT NULL', [g.userId]);
      assert.equal(logged!.n, 0);
    });

    test('a grant made before budgets gets the default on its first send without a key, and is charged', async () => {
      const [payer, payee] = [await newAccount(t.db), await newAccount(t.db)];
      assert.ok((await fundWallet(t.db, { walletId: payer.btc, amount: 1000 })).ok);
      const g = { userId: payer.userId, clientId: `legacy-${randomUUID()}` };
      const deps = { ...walletDeps(t.db), budgets: { writeDefault: day(300) } };
      const r = await sendIntraLedger(deps, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 200, currency: 'BTC', grant: g });
      assert.equal(r.ok && r.value.status, 'SUCCESS', JSON.stringify(r));
      assert.equal((await createGrantBudgets(t.db).budgetOf(g.userId, g.clientId))?.spent, 200);
      const over = await sendIntraLedger(deps, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 101, currency: 'BTC', grant: g });
      assert.equal(!over.ok && over.error.code, 'BUDGET_EXCEEDED');
    });

    if (kind === 'postgres') {
      test('the charge locks the budget row before the wallets: a send waiting on the budget holds no wallet', async () => {
        const { payer, payee, g } = await granted(day(1000));
        let sent: ReturnType<typeof sendIntraLedger> | undefined;
        await t.db.transaction(async (holder) => {
          await holder.query('SELECT 1 FROM grant_budgets WHERE user_id = $1 AND client_id = $2 FOR UPDATE', [g.userId, g.clientId]);
          sent = sendIntraLedger(walletDeps(t.db), { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 10, currency: 'BTC', grant: g });
          // Until the send's one statement (the charge folded into the posting) waits on the budget row held here.
          for (let i = 0; ; i++) {
            const [w] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'WITH charged AS%'");
            if (w!.n > 0) break;
            assert.ok(i < 500, 'the send never waited on the budget row');
            await new Promise((r) => setTimeout(r, 10));
          }
          const free = await t.db.query('SELECT id FROM wallets WHERE id = ANY($1::uuid[]) FOR UPDATE SKIP LOCKED', [[payer.btc, payee.btc]]);
          assert.equal(free.length, 2, 'neither wallet is locked while the charge waits');
        });
        const r = await sent!;
        assert.equal(r.ok && r.value.status, 'SUCCESS', JSON.stringify(r));
        assert.equal((await createGrantBudgets(t.db).budgetOf(g.userId, g.clientId))?.spent, 10);
      });

      test('the same Idempotency-Key sent 12 times at once: paid and charged once, every answer the same journal', async () => {
        const { payer, payee, g } = await granted(day(3000));
        const key = randomUUID();
        const deps = walletDeps(t.db);
        const results = await Promise.all(
          Array.from({ length: 12 }, () => sendIntraLedger(deps, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 100, currency: 'BTC', grant: g, idempotencyKey: key })),
        );
        assert.ok(results.every((r) => r.ok && r.value.status === 'SUCCESS'), JSON.stringify(results.filter((r) => !r.ok)));
        assert.equal(new Set(results.map((r) => r.ok && r.value.journalId)).size, 1, 'one journal');
        assert.equal((await createGrantBudgets(t.db).budgetOf(g.userId, g.clientId))?.spent, 100, 'charged once');
        assert.equal(await balance(t.db, payer.btc), 1_000_000 - 100);
        assert.deepEqual(await assertLedgerConsistent(t.db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
      });

      test('key and no-key sends of one grant at once: no deadlock, the budget never passed', async () => {
        const { payer, g } = await granted(day(3000));
        const payees = [await newAccount(t.db), await newAccount(t.db), await newAccount(t.db)];
        const deps = walletDeps(t.db);
        // Each send also pays into one of three wallets (the wallets locked in id order with the sender's).
        const settled = await Promise.allSettled(
          Array.from({ length: 60 }, (_, i) =>
            sendIntraLedger(deps, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payees[i % 3]!.btc, amount: 100, currency: 'BTC', grant: g, idempotencyKey: i % 2 === 0 ? randomUUID() : undefined }),
          ),
        );
        const rejected = settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason));
        assert.deepEqual(rejected, [], 'no send failed (no deadlock)');
        const results = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof sendIntraLedger>>>).value);
        const paid = results.filter((r) => r.ok).length;
        assert.deepEqual([...new Set(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code))], ['BUDGET_EXCEEDED']);
        assert.equal(paid, 30, 'exactly the budget');
        assert.equal((await createGrantBudgets(t.db).budgetOf(g.userId, g.clientId))?.spent, 3000);
        assert.equal(await balance(t.db, payer.btc), 1_000_000 - 3000);
        assert.deepEqual(await assertLedgerConsistent(t.db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
      });
    }
  });
}
