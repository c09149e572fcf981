// Issue 18: the one-statement payment is a named prepared statement; PostgreSQL runs it on its generic plan
// once the generic plan's estimate is no worse than the custom plans'. When the statement read its wallets and
// legs from arrays (= ANY, unnest) the generic plan assumed 10 of each: on a wallets table of a few thousand rows
// every execution was planned anew (about a third of the backend's CPU per payment), on a small one the generic
// plan scanned the whole table. This pins that the statement keeps its generic plan on a larger table.
// (PostgreSQL only: it is about the server's plan cache.)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import { newAccount, walletDeps } from './helpers.ts';

let server: Awaited<ReturnType<typeof createPostgresDatabase>>;
let db: Database;
before(async () => {
  server = await createPostgresDatabase();
  // One connection: the prepared statements and their plan counts are per session.
  db = await openPostgres(server.url, 1);
  await migrate(db);
  await db.exec(`INSERT INTO wallets (id, account_id, currency, kind)
    SELECT gen_random_uuid(), '00000000-0000-4000-8000-000000000000', 'BTC', 'funding' FROM generate_series(1, 5000);
    ANALYZE wallets`);
});
after(async () => {
  await db.close();
  await server.drop();
});

test('the payment statement runs on its generic plan on a table of 5,000 wallets', async () => {
  const [a, b] = [await newAccount(db), await newAccount(db)];
  const funded = await fundWallet(db, { walletId: a.btc, amount: 1_000 });
  assert.ok(funded.ok);
  const deps = walletDeps(db);
  for (let i = 0; i < 12; i++) {
    const sent = await sendIntraLedger(deps, { accountId: a.accountId, walletId: a.btc, recipientWalletId: b.btc, amount: 1, currency: 'BTC', idempotencyKey: randomUUID() });
    assert.ok(sent.ok);
  }
  const rows = await db.query<{ name: string; generic_plans: number; custom_plans: number }>(
    "SELECT name, generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE name LIKE 'lightgate_wallet_lock_and_post%outcome%'",
  );
  assert.equal(rows.length, 1);
  // PostgreSQL plans the first five executions with their parameters, then compares.
  assert.ok(rows[0]!.custom_plans <= 5, `planned anew ${rows[0]!.custom_plans} times`);
  assert.ok(rows[0]!.generic_plans >= 7, `generic plan used ${rows[0]!.generic_plans} times`);
});
