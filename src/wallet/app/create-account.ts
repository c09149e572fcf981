// Every user has one account with a BTC wallet (the default) and a USD wallet, as on Blink.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';

/** Creates the user's account (one statement, so it is atomic even outside a transaction); no-op when it exists. */
export async function createAccountForUser(tx: Queryable, userId: UserId): Promise<void> {
  await tx.query(
    `WITH account AS (
       INSERT INTO wallet_accounts (id, user_id, default_wallet_id) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO NOTHING RETURNING id
     )
     INSERT INTO wallets (id, account_id, currency)
     SELECT w.id, account.id, w.currency FROM account, (VALUES ($3::uuid, 'BTC'), ($4::uuid, 'USD')) AS w(id, currency)`,
    [randomUUID(), userId, randomUUID(), randomUUID()],
  );
}
