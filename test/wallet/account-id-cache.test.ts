// Issue 18: a send needs only the caller's account id, which never changes once the account exists (accounts
// are never deleted or moved to another user). The wallet face reads it once per process: a payment by the
// same user again sends no account statement. A user without an account still gets one opened.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { UserId } from '../../src/shared/brand.ts';
import { createWalletService } from '../../src/wallet/wallet-service.ts';
import { countingDatabase } from '../support/counting-database.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { newAccount, walletDeps } from './helpers.ts';

let t: TestDatabase;
before(async () => {
  t = await createTestDatabase('postgres');
});
after(() => t.drop());

test('the caller account id is read once per process; an unknown user gets none, a user without an account gets one', async () => {
  const counter = countingDatabase(t.db);
  const users = new Set<string>();
  const wallet = createWalletService(walletDeps(counter.db), { userExists: async (id) => users.has(id) });
  const a = await newAccount(t.db);
  counter.reset();
  const first = await wallet.accountIdOfUser(a.userId);
  assert.equal(first.ok && first.value, a.accountId);
  assert.equal(counter.counts().total, 1);
  const again = await wallet.accountIdOfUser(a.userId);
  assert.equal(again.ok && again.value, a.accountId);
  assert.equal(counter.counts().total, 1, 'the second lookup is served from the process');

  const stranger = await wallet.accountIdOfUser(randomUUID() as UserId);
  assert.equal(!stranger.ok && stranger.error.code, 'ACCOUNT_NOT_FOUND');
  assert.equal((await wallet.accountIdOfUser('not-a-uuid' as UserId)).ok, false);

  // A real user whose account was never opened: opened on first use, as accountOfUser does.
  const userId = randomUUID() as UserId;
  await t.db.query('INSERT INTO users (id, email) VALUES ($1, $2)', [userId, `${userId}@example.com`]);
  users.add(userId);
  const opened = await wallet.accountIdOfUser(userId);
  assert.ok(opened.ok);
  const account = await wallet.accountOfUser(userId);
  assert.equal(account.ok && account.value.id, opened.value);
});
