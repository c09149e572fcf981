import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { seedDemoUser, DEMO_EMAIL, DEMO_FUNDING } from '../../src/wallet/app/seed-demo-user.ts';
import { fundFromCli } from '../../src/cli/commands/wallet.ts';
import { walletAdminRoutes } from '../../src/wallet/http/admin-routes.ts';
import { countingDatabase } from '../support/counting-database.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { assertLedgerConsistent, balance, newAccount } from './helpers.ts';

describe('admin funding and the demo seed', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase('pglite');
  });
  after(async () => t.drop());

  test('POST /admin/wallets/:id/fund credits from the funding account; bad input is a 4xx', async () => {
    const app = Fastify();
    await app.register(walletAdminRoutes, { db: t.db });
    const a = await newAccount(t.db);
    const ok = await app.inject({ method: 'POST', url: `/admin/wallets/${a.usd}/fund`, payload: { amount: 2_500, memo: 'welcome' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual([ok.json().currency, ok.json().amount, ok.json().balance], ['USD', 2_500, 2_500]);
    const read = await app.inject({ method: 'GET', url: `/admin/wallets/${a.usd}` });
    assert.equal(read.json().balance, 2_500);
    for (const [url, payload, status] of [
      [`/admin/wallets/${a.usd}/fund`, { amount: 0 }, 400],
      [`/admin/wallets/${a.usd}/fund`, { amount: -3 }, 400],
      [`/admin/wallets/${a.usd}/fund`, { amount: 1.5 }, 400],
      [`/admin/wallets/${a.usd}/fund`, { amount: '10' }, 400],
      [`/admin/wallets/${a.usd}/fund`, { amount: 1e300 }, 400],
      ['/admin/wallets/not-a-wallet/fund', { amount: 5 }, 404],
      ['/admin/wallets/00000000-0000-4000-8000-00000000f0b1/fund', { amount: 5 }, 404],
    ] as const) {
      const res = await app.inject({ method: 'POST', url, payload });
      assert.equal(res.statusCode, status, `${url} ${JSON.stringify(payload)} -> ${res.body}`);
      assert.ok(res.json().error);
    }
    assert.equal(await balance(t.db, a.usd), 2_500);
    await app.close();
  });

  test('the CLI function funds by e-mail and currency', async () => {
    const a = await newAccount(t.db);
    const [{ email }] = (await t.db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [a.userId])) as [{ email: string }];
    const funded = await fundFromCli(t.db, { email, currency: 'BTC' }, 21_000);
    assert.ok(funded.ok);
    assert.equal(await balance(t.db, a.btc), 21_000);
    const missing = await fundFromCli(t.db, { email: 'nobody@example.com', currency: 'BTC' }, 1);
    assert.equal(!missing.ok && missing.error.code, 'ACCOUNT_NOT_FOUND');
  });

  test('seedDemoUser is idempotent and funds the demo wallets once', async () => {
    const first = await seedDemoUser(t.db);
    // Issue 18: every development start seeds; once it is all there, four reads and no transaction.
    const counting = countingDatabase(t.db);
    const second = await seedDemoUser(counting.db);
    assert.deepEqual(second, first);
    assert.equal(counting.counts().total, 4, counting.log().join('\n'));
    assert.ok(counting.log().every((sql) => sql.startsWith('SELECT')), counting.log().join('\n'));
    assert.equal(first.userId, second.userId);
    assert.equal(first.email, DEMO_EMAIL);
    assert.equal(first.username, 'demo');
    assert.deepEqual(second.wallets.map((w) => [w.currency, w.balance]), [['BTC', DEMO_FUNDING.BTC], ['USD', DEMO_FUNDING.USD]]);
    assert.deepEqual(await assertLedgerConsistent(t.db), { unbalancedJournals: 0, driftingWallets: 0, negativeUserEntries: 0 });
  });
});
