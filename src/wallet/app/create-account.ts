// Every user has one account with a BTC wallet (the default) and a USD wallet, as on Blink.
import type { Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import { insertAccount } from '../services/accounts.ts';

/** Creates the user's account (atomic even outside a transaction); no-op when it exists. */
export async function createAccountForUser(tx: Queryable, userId: UserId): Promise<void> {
  await insertAccount(tx, userId);
}
