// Issue 15: 200 sends fired at once through four tokens of ONE grant, half through this process's API and half
// through a real `lightgate start` child (API only) on the same PostgreSQL database. The grant's budget
// row is charged inside each payment's transaction, so however the sends interleave across processes the
// spend never passes the budget: it equals it to the sat, or stops below it when a send found no database
// connection in time (UNAVAILABLE, nothing moved); every other refusal is BUDGET_EXCEEDED and moved
// nothing; the chart's day, the counter, the payer's balance and the ledger all agree.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { WalletSpendDetail } from '../../src/shared/wallet-spend/spend-detail.ts';
import { createGrantBudgets } from '../../src/wallet/wallet-service.ts';
import { graphql } from '../support/graphql.ts';
import { SHARED_SECRETS, startLightgate, type LightgateProcess } from '../production/support/lightgate-process.ts';
import { assertLedgerConsistent, balance } from '../wallet/helpers.ts';
import { oauth, startHarness, type Harness, type TestUser } from './harness.ts';

const SENDS = 200;
const AMOUNT = 100;
const BUDGET = 10_000; // exactly 100 of the 200 sends fit
const FUNDS = 50_000;
const SEND = 'mutation($i: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $i) { status errors { code } } }';

describe('a grant budget under 200 sends at once from two processes (PostgreSQL)', { timeout: 90_000 }, () => {
  let h: Harness;
  let b: LightgateProcess;
  let apiA: string;
  let payer: TestUser;
  let payee: TestUser;
  const tokens: string[] = [];

  before(async () => {
    h = await startHarness({ kind: 'postgres', env: { ...SHARED_SECRETS, DATABASE_POOL_SIZE: '30' } });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    apiA = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    b = await startLightgate({
      env: { DATABASE_URL: h.stack.database.url!, LIGHTGATE_SERVICES: 'api', LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '30', URLS_SELF_ADMIN: h.stack.stack.listening.admin!, URLS_SELF_ISSUER: h.stack.urls.issuer },
    });
    payer = await h.signUp();
    payee = await h.signUp();
    await h.fund(payer.btcWalletId, FUNDS);
    for (let i = 0; i < 4; i++) tokens.push(await h.oauthToken(payer, ['read', 'write']));
    const budget: WalletSpendDetail = { type: 'wallet_spend', limit: { amount: BUDGET, currency: 'BTC' }, period: null, per_payment_max: null };
    await createGrantBudgets(h.stack.database.db).recordGranted({ userId: payer.userId, clientId: h.oauthClientId(), budget, ceiling: budget, remembered: false });
  });
  after(async () => {
    await b?.stop();
    await h?.close();
  });

  test(`${SENDS} sends of ${AMOUNT} sats at once against a ${BUDGET}-sat budget: never more than the budget`, async () => {
    // Every send in flight at once: 100 per process, more than its pool's 30 connections, so some may wait
    // past the pool's 2 s and answer UNAVAILABLE; those moved nothing and the spend stops below the budget.
    const results = await Promise.all(
      Array.from({ length: SENDS }, async (_, i) => {
        const res = await graphql(i % 2 === 0 ? apiA : b.urls.api, oauth(tokens[i % tokens.length]!), SEND, { i: { walletId: payer.btcWalletId, recipientWalletId: payee.btcWalletId, amount: AMOUNT } });
        const payload = res.body.data?.intraLedgerPaymentSend as { status: string; errors: { code: string }[] } | undefined;
        if (payload) return payload;
        const code = (res.body.errors as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions?.code;
        assert.equal(code, 'UNAVAILABLE', JSON.stringify(res.body));
        return { status: 'UNAVAILABLE', errors: [{ code }] };
      }),
    );
    assert.equal(results.length, SENDS);
    const passed = results.filter((r) => r.status === 'SUCCESS').length;
    const unavailable = results.filter((r) => r.status === 'UNAVAILABLE').length;
    const refusals = new Set(results.filter((r) => r.status !== 'SUCCESS' && r.status !== 'UNAVAILABLE').map((r) => r.errors[0]?.code));
    assert.ok([...refusals].every((c) => c === 'BUDGET_EXCEEDED'), [...refusals].join());
    assert.ok(passed * AMOUNT <= BUDGET, 'never above the budget');
    // To the sat when every send was answered; below it by at most the sends that found no connection.
    if (unavailable === 0) assert.equal(passed * AMOUNT, BUDGET, 'the spend equals the budget to the sat');
    else assert.ok(passed * AMOUNT >= BUDGET - unavailable * AMOUNT, `${passed} passed, ${unavailable} unavailable`);
    const spent = passed * AMOUNT;
    const db = h.stack.database.db;
    const view = await createGrantBudgets(db).budgetOf(payer.userId, h.oauthClientId());
    assert.equal(view?.spent, spent);
    assert.equal(view?.remaining, BUDGET - spent);
    const [logged] = await db.query<{ n: number; total: string }>('SELECT count(*)::int AS n, coalesce(sum(j.grant_sats), 0)::text AS total FROM ledger_journals j JOIN wallets w ON w.id = j.sender_wallet_id JOIN wallet_accounts a ON a.id = w.account_id WHERE a.user_id = $1 AND j.grant_client_id IS NOT NULL', [payer.userId]);
    assert.deepEqual([logged!.n, Number(logged!.total)], [passed, spent], "the journals (the chart's source) name the grant on every charged payment");
    assert.equal(Number(await balance(db, payer.btcWalletId)), FUNDS - spent, 'refused sends moved nothing');
    assert.deepEqual(await assertLedgerConsistent(db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
  });
});
