// Grant budgets (issue 15) enforced by the ledger, on PGlite and PostgreSQL: every send kind charges its
// grant inside the payment's transaction; a refused charge moves nothing; periods roll on UTC boundaries;
// 80% and 100% are told once per period; idempotent repeats and sends without a grant are not charged.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createGrantBudgets } from '../../src/wallet/app/grant-budgets.ts';
import { createInvoice } from '../../src/wallet/app/create-invoice.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { payInvoice } from '../../src/wallet/app/pay-invoice.ts';
import { payLightningAddress } from '../../src/wallet/app/pay-lightning-address.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { updateUsername } from '../../src/wallet/app/update-username.ts';
import type { WalletDeps } from '../../src/wallet/app/deps.ts';
import { periodStart } from '../../src/wallet/domain/budget.ts';
import type { WalletSpendDetail } from '../../src/shared/wallet-spend/spend-detail.ts';
import { countingDatabase } from '../support/counting-database.ts';
import { DATABASE_KINDS, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { assertLedgerConsistent, balance, newAccount, walletDeps, type TestAccount } from './helpers.ts';

const spend = (amount: number, currency: 'BTC' | 'USD' = 'BTC', period: WalletSpendDetail['period'] = 'P1D', max: number | null = null): WalletSpendDetail => ({
  type: 'wallet_spend',
  limit: { amount, currency },
  period,
  per_payment_max: max,
});

for (const kind of DATABASE_KINDS) {
  describe(`grant budgets on ${kind}`, () => {
    let t: TestDatabase;
    let deps: WalletDeps;
    let payer: TestAccount;
    let payee: TestAccount;
    before(async () => {
      t = await createTestDatabase(kind);
      deps = walletDeps(t.db);
      payee = await newAccount(t.db);
    });
    after(() => t.drop());

    const budgets = () => createGrantBudgets(t.db);
    /** A fresh payer with money and a grant of a fresh client with this budget. */
    async function grant(budget: WalletSpendDetail | null, ceiling: WalletSpendDetail | null = budget) {
      payer = await newAccount(t.db);
      await fundWallet(t.db, { walletId: payer.btc, amount: 1_000_000 });
      await fundWallet(t.db, { walletId: payer.usd, amount: 100_000 });
      const g = { userId: payer.userId, clientId: `app-${randomUUID()}` };
      await budgets().recordGranted({ ...g, budget, ceiling, remembered: false });
      return g;
    }
    const send = (g: { userId: string; clientId: string } | undefined, amount: number, currency: 'BTC' | 'USD' = 'BTC', idempotencyKey?: string) =>
      sendIntraLedger(deps, { accountId: payer.accountId, walletId: currency === 'BTC' ? payer.btc : payer.usd, recipientWalletId: payee.btc, amount, currency, grant: g, idempotencyKey });
    const events = (accountId: string) =>
      t.db.query<{ payload: { budget: { percent: number; spent: number; limit: number; clientId: string } } }>("SELECT payload FROM wallet_events WHERE account_id = $1 AND type = 'budget.threshold' ORDER BY created_at", [accountId]);

    test("the chart reads the ledger: a grant's own sends in its budget's currency, once each; other apps, keys and refusals not", async () => {
      const g = await grant(spend(50_000, 'USD', 'P1D'));
      assert.equal((await send(g, 10_000)).ok, true); // BTC paid, charged in cents at the price
      assert.equal((await send(g, 300, 'USD')).ok, true);
      assert.equal((await send(g, 2000, 'BTC', 'chart-key')).ok, true);
      assert.equal((await send(g, 2000, 'BTC', 'chart-key')).ok, true, 'the repeat answers the first');
      assert.equal(!(await send(g, 10_000_000)).ok, true, 'refused: more than the wallet holds');
      const other = { userId: payer.userId, clientId: `app-${randomUUID()}` };
      await budgets().recordGranted({ ...other, budget: spend(5000), ceiling: spend(5000), remembered: false });
      assert.equal((await send(other, 700)).ok, true);
      assert.equal((await send(undefined, 900)).ok, true, 'an API key or session send: no grant');
      const view = await budgets().budgetOf(g.userId, g.clientId);
      assert.ok(view && view.spent > 300, JSON.stringify(view));
      assert.equal(view.daily.at(-1)?.amount, view.spent, "today's bar is the budget's spend, in cents");
      assert.equal(view.daily.slice(0, -1).reduce((sum, d) => sum + d.amount, 0), 0);
      assert.equal((await budgets().budgetOf(other.userId, other.clientId))?.daily.at(-1)?.amount, 700, 'the other app sees only its own send, in sats');
      const listed = await budgets().budgetsOf(payer.userId);
      assert.deepEqual(listed.map((b) => b.daily.at(-1)?.amount).sort((a, b) => (a ?? 0) - (b ?? 0)), [700, view.spent]);
    });

    test('the chart covers the last 30 UTC days: a send 10 days ago is its bar, one 40 days ago is not counted', async () => {
      const g = await grant(spend(50_000, 'BTC', 'P1M'));
      const journals: string[] = [];
      for (const amount of [111, 222, 333]) {
        const r = await send(g, amount);
        assert.ok(r.ok);
        journals.push(r.value.journalId);
      }
      // Older sends, as they would have been written then (ids grow with time: the oldest first).
      for (const [journal, days] of [[journals[0], 40], [journals[1], 10]] as const) {
        await t.db.query(`UPDATE ledger_journals SET created_at = now() - $2 * interval '1 day' WHERE id = $1`, [journal, days]);
        await t.db.query(`UPDATE ledger_entries SET created_at = now() - $2 * interval '1 day' WHERE journal_id = $1`, [journal, days]);
      }
      const daily = (await budgets().budgetOf(g.userId, g.clientId))!.daily;
      const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
      assert.equal(daily.find((d) => d.day === tenDaysAgo)?.amount, 222);
      assert.equal(daily.at(-1)?.amount, 333);
      assert.equal(daily.reduce((sum, d) => sum + d.amount, 0), 555, 'the send of 40 days ago is outside the chart');
    });

    test('a day budget with a per-payment maximum: spends to the sat, refuses above, nothing moves; 80% and 100% told once', async () => {
      const g = await grant(spend(1000, 'BTC', 'P1D', 400));
      assert.equal((await send(g, 400)).ok, true);
      const before = await balance(t.db, payer.btc);
      const over = await send(g, 401);
      assert.equal(!over.ok && over.error.code, 'BUDGET_EXCEEDED');
      assert.equal(await balance(t.db, payer.btc), before, 'nothing moved');
      assert.equal((await send(g, 400)).ok, true); // 800: 80%
      assert.equal((await send(g, 150)).ok, true); // 950
      const tooMuch = await send(g, 51);
      assert.equal(!tooMuch.ok && tooMuch.error.code, 'BUDGET_EXCEEDED');
      assert.equal((await send(g, 50)).ok, true); // 1000: 100%
      const none = await send(g, 1);
      assert.equal(!none.ok && none.error.code, 'BUDGET_EXCEEDED');
      const view = await budgets().budgetOf(g.userId, g.clientId);
      assert.equal(view?.spent, 1000);
      assert.equal(view?.remaining, 0);
      assert.equal(view?.daily.at(-1)?.amount, 1000);
      assert.equal(view?.resetsAt?.getTime(), periodStart('P1D', new Date())!.getTime() + 86_400_000);
      const told = await events(payer.accountId);
      assert.deepEqual(told.map((e) => [e.payload.budget.percent, e.payload.budget.spent, e.payload.budget.limit, e.payload.budget.clientId]), [
        [80, 800, 1000, g.clientId],
        [100, 1000, 1000, g.clientId],
      ]);
    });

    test('a USD budget charges a BTC payment at its price rounded up (0.1 cent per sat); a BTC budget a USD one', async () => {
      const g = await grant(spend(10, 'USD', 'P1W'));
      assert.equal((await send(g, 91)).ok, true); // 9.1 cents → 10
      const more = await send(g, 1); // 0.1 cent → 1
      assert.equal(!more.ok && more.error.code, 'BUDGET_EXCEEDED');
      assert.equal((await budgets().budgetOf(g.userId, g.clientId))?.spent, 10);
      const h = await grant(spend(25, 'BTC', 'P1M'));
      assert.equal((await send(h, 2, 'USD')).ok, true); // 2 cents = 20 sats
      const over = await send(h, 1, 'USD'); // 10 sats more: 30 > 25
      assert.equal(!over.ok && over.error.code, 'BUDGET_EXCEEDED');
      assert.equal((await budgets().budgetOf(h.userId, h.clientId))?.spent, 20);
    });

    test('the period rolls over on its UTC boundary (a stored start moved back, and an injected clock)', async () => {
      const g = await grant(spend(100, 'BTC', 'P1D'));
      assert.equal((await send(g, 100)).ok, true);
      assert.equal((await send(g, 1)).ok, false);
      await t.db.query("UPDATE grant_budgets SET period_start = period_start - interval '1 day' WHERE client_id = $1", [g.clientId]);
      assert.equal((await budgets().budgetOf(g.userId, g.clientId))?.spent, 0, 'a past period shows nothing spent');
      assert.equal((await send(g, 60)).ok, true);
      assert.equal((await budgets().budgetOf(g.userId, g.clientId))?.spent, 60);
      const tomorrow = new Date(periodStart('P1D', new Date())!.getTime() + 86_400_000 + 1000);
      const later = { ...deps, budgets: { writeDefault: null, now: () => tomorrow } };
      const r = await sendIntraLedger(later, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 100, currency: 'BTC', grant: g });
      assert.equal(r.ok, true, 'the next UTC day has the whole budget again');
    });

    test('paused, ended, amount 0; a new consent re-activates with its limits and keeps the period spend', async () => {
      const g = await grant(spend(500, 'BTC', 'P1D'), spend(1000, 'BTC', 'P1D'));
      assert.equal((await send(g, 200)).ok, true);
      assert.equal((await budgets().changeBudget(g.userId, g.clientId, { paused: true })).ok, true);
      const paused = await send(g, 1);
      assert.equal(!paused.ok && paused.error.code, 'SENDING_PAUSED');
      assert.equal((await budgets().changeBudget(g.userId, g.clientId, { paused: false })).ok, true);
      const above = await budgets().changeBudget(g.userId, g.clientId, { amount: 1001 });
      assert.equal(!above.ok && above.error, 'ABOVE_CEILING');
      const raised = await budgets().changeBudget(g.userId, g.clientId, { amount: 1000 });
      assert.equal(raised.ok && raised.value.remaining, 800);
      await budgets().endBudget(g.userId, g.clientId);
      const ended = await send(g, 1);
      assert.equal(!ended.ok && ended.error.code, 'BUDGET_EXCEEDED');
      assert.equal(await budgets().budgetOf(g.userId, g.clientId), undefined);
      await budgets().recordGranted({ ...g, budget: spend(300, 'BTC', 'P1D'), ceiling: spend(300, 'BTC', 'P1D'), remembered: false });
      assert.equal((await budgets().budgetOf(g.userId, g.clientId))?.spent, 200, 'the period spend is kept');
      assert.equal((await send(g, 100)).ok, true);
      assert.equal((await send(g, 1)).ok, false);
      // A remembered consent keeps a live budget as the person left it (paused here) ...
      assert.ok((await budgets().changeBudget(g.userId, g.clientId, { paused: true })).ok);
      await budgets().recordGranted({ ...g, budget: spend(900, 'BTC', 'P1D'), ceiling: spend(900, 'BTC', 'P1D'), remembered: true });
      assert.deepEqual([(await budgets().budgetOf(g.userId, g.clientId))?.budget?.limit.amount, (await budgets().budgetOf(g.userId, g.clientId))?.paused], [300, true]);
      // ... and starts an ended one again with what it grants.
      await budgets().endBudget(g.userId, g.clientId);
      await budgets().recordGranted({ ...g, budget: spend(900, 'BTC', 'P1D'), ceiling: spend(900, 'BTC', 'P1D'), remembered: true });
      const again = await budgets().budgetOf(g.userId, g.clientId);
      assert.deepEqual([again?.budget?.limit.amount, again?.paused, again?.spent], [900, false, 300]);
      const zero = await grant(spend(0, 'BTC', 'P1D'));
      const r = await send(zero, 1);
      assert.equal(!r.ok && r.error.code, 'BUDGET_EXCEEDED');
    });

    test('without a grant nothing is charged; an idempotent repeat is charged once; a legacy grant gets the default', async () => {
      const g = await grant(spend(100, 'BTC', null));
      assert.equal((await send(undefined, 5000)).ok, true, 'an API key or session send has no budget');
      const key = randomUUID();
      assert.equal((await send(g, 70, 'BTC', key)).ok, true);
      const repeat = await send(g, 70, 'BTC', key);
      assert.equal(repeat.ok && repeat.value.transaction, undefined, 'the repeat answers the first result');
      const reused = await send(g, 71, 'BTC', key);
      assert.equal(!reused.ok && reused.error.code, 'IDEMPOTENCY_KEY_REUSED');
      assert.equal((await budgets().budgetOf(g.userId, g.clientId))?.spent, 70);
      // A legacy grant: no row; WRITE_BUDGET_DEFAULT applies on its first send.
      const legacy = { userId: payer.userId, clientId: `legacy-${randomUUID()}` };
      const withDefault = { ...deps, budgets: { writeDefault: spend(50, 'BTC', 'P1D') } };
      const first = await sendIntraLedger(withDefault, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 51, currency: 'BTC', grant: legacy });
      assert.equal(!first.ok && first.error.code, 'BUDGET_EXCEEDED');
      // The refused payment's transaction rolled its row back too; the first accepted one keeps it.
      assert.equal((await sendIntraLedger(withDefault, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 50, currency: 'BTC', grant: legacy })).ok, true);
      const made = await budgets().budgetOf(legacy.userId, legacy.clientId);
      assert.deepEqual([made?.budget?.limit.amount, made?.spent, made?.remaining], [50, 50, 0]);
      const unlimited = { userId: payer.userId, clientId: `legacy-${randomUUID()}` };
      assert.equal((await send(unlimited, 7000)).ok, true, 'WRITE_BUDGET_DEFAULT=none: unlimited');
      const view = await budgets().budgetOf(unlimited.userId, unlimited.clientId);
      assert.equal(view?.budget, null);
      assert.equal(view?.remaining, null);
      assert.equal(view?.spent, 7000, 'spend still counted for the chart');
    });

    test('with an Idempotency-Key a budgeted payment is one statement too (the key\'s lookup, the charge, the post, the outbox and the key)', async () => {
      const g = await grant(spend(1000, 'BTC', 'P1D'));
      const spans: number[] = [];
      for (const withGrant of [false, true]) {
        const counter = countingDatabase(t.db);
        const counted = { ...deps, db: counter.db };
        const r = await sendIntraLedger(counted, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 10, currency: 'BTC', idempotencyKey: randomUUID(), grant: withGrant ? g : undefined });
        assert.equal(r.ok, true);
        const log = counter.log();
        spans.push(log.filter((sql) => !/pg_notify|JOIN wallet_accounts/.test(sql)).length);
      }
      // With or without a budget the send is one statement in autocommit (issue 18): the key's lookup (and the
      // charge, which a known key skips), the post, the outbox and the key's record.
      assert.deepEqual(spans, [1, 1], 'the key lookup, the charge and the post are one statement');
      assert.equal((await budgets().budgetOf(g.userId, g.clientId))?.spent, 10);
    });

    test('invoice sends (amount, no-amount USD, ALREADY_PAID) and a Lightning address send are charged', async () => {
      const g = await grant(spend(1000, 'BTC', 'P1D'));
      const inv = await createInvoice(deps, { walletId: payee.btc, ownerAccountId: payee.accountId, requiredCurrency: 'BTC', amount: { kind: 'sats', sats: 300 } });
      assert.ok(inv.ok);
      const paid = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: inv.value.paymentRequest, grant: g });
      assert.equal(paid.ok && paid.value.status, 'SUCCESS');
      const again = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.btc, paymentRequest: inv.value.paymentRequest, grant: g });
      assert.equal(again.ok && again.value.status, 'ALREADY_PAID');
      const noAmount = await createInvoice(deps, { walletId: payee.btc, ownerAccountId: payee.accountId, amount: { kind: 'none' } });
      assert.ok(noAmount.ok);
      const usd = await payInvoice(deps, { accountId: payer.accountId, walletId: payer.usd, paymentRequest: noAmount.value.paymentRequest, amount: 20, requiredCurrency: 'USD', grant: g });
      assert.equal(usd.ok, true); // 20 cents = 200 sats
      assert.equal((await budgets().budgetOf(g.userId, g.clientId))?.spent, 500);
      const name = `bud${randomUUID().slice(0, 8)}`;
      assert.ok((await updateUsername(t.db, payee.accountId, name)).ok);
      const tooMuch = await payLightningAddress(deps, { accountId: payer.accountId, walletId: payer.btc, amount: 501, to: { lnAddress: `${name}@localhost` }, grant: g });
      assert.equal(!tooMuch.ok && tooMuch.error.code, 'BUDGET_EXCEEDED');
      const address = await payLightningAddress(deps, { accountId: payer.accountId, walletId: payer.btc, amount: 500, to: { lnAddress: `${name}@localhost` }, grant: g });
      assert.equal(address.ok, true);
      assert.equal((await budgets().budgetOf(g.userId, g.clientId))?.spent, 1000);
      assert.deepEqual(await assertLedgerConsistent(t.db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
    });
  });
}
