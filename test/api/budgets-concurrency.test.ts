// Issue 15: 200 sends, 50 at a time, through four tokens of ONE grant, half through this process's API and half
// through a real `lightgate start` child (API only) on the same PostgreSQL database. The grant's budget
// row is charged inside each payment's transaction, so however the sends interleave across processes the
// spend equals the budget to the sat and never passes it; every refusal is BUDGET_EXCEEDED and moved
// nothing; the spend log, the counter, the payer's balance and the ledger all agree.
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
const IN_FLIGHT = 25; // per process; each process's pool has 30 connections
const SEND = 'mutation($i: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $i) { status errors { code } } }';

describe('a grant budget under 200 sends, 50 at once, from two processes (PostgreSQL)', { timeout: 90_000 }, () => {
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

  test(`${SENDS} sends of ${AMOUNT} sats against a ${BUDGET}-sat budget: exactly ${BUDGET / AMOUNT} pass, never more`, async () => {
    // IN_FLIGHT at once per process, as many as its pool has connections: all of one wallet's sends queue on
    // its row lock, and more in flight would only wait for a connection (and time out after 2 s) in the pool.
    const results: { status: string; errors: { code: string }[] }[] = [];
    let next = 0;
    const worker = async (url: string) => {
      while (next < SENDS) {
        const i = next++;
        const res = await graphql(url, oauth(tokens[i % tokens.length]!), SEND, { i: { walletId: payer.btcWalletId, recipientWalletId: payee.btcWalletId, amount: AMOUNT } });
        const payload = res.body.data?.intraLedgerPaymentSend as { status: string; errors: { code: string }[] } | undefined;
        assert.ok(payload, JSON.stringify(res.body));
        results.push(payload);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT * 2 }, (_, w) => worker(w % 2 === 0 ? apiA : b.urls.api)));
    assert.equal(results.length, SENDS);
    const passed = results.filter((r) => r.status === 'SUCCESS').length;
    const refusals = new Set(results.filter((r) => r.status !== 'SUCCESS').map((r) => r.errors[0]?.code));
    assert.deepEqual([...refusals], ['BUDGET_EXCEEDED']);
    assert.equal(passed * AMOUNT, BUDGET, 'the spend equals the budget to the sat');
    const db = h.stack.database.db;
    const view = await createGrantBudgets(db).budgetOf(payer.userId, h.oauthClientId());
    assert.equal(view?.spent, BUDGET);
    assert.equal(view?.remaining, 0);
    const [logged] = await db.query<{ n: number; total: string }>('SELECT count(*)::int AS n, sum(amount)::text AS total FROM grant_budget_spends WHERE user_id = $1', [payer.userId]);
    assert.deepEqual([logged!.n, Number(logged!.total)], [passed, BUDGET], 'one spend row per payment');
    assert.equal(Number(await balance(db, payer.btcWalletId)), FUNDS - BUDGET, 'refused sends moved nothing');
    assert.deepEqual(await assertLedgerConsistent(db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
  });
});
