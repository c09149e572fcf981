// The user wallets a send names, remembered per process (issue 18): a wallet's id, account, currency and kind
// never change (no statement updates them; the ledger and the accounts refer to them), so a payment between
// wallets this process has seen sends no read before its transaction. The username is set once (NULL → name,
// never changed): a remembered name is final, a remembered NULL may be stale and is answered as unknown.
// Unknown ids are not remembered (a wallet may be created later); a wallet deleted by hand after it was
// remembered is found missing by the posting's lock (see forgetWallets).
import type { Queryable } from '../../db/database.ts';
import type { AccountId, WalletId } from '../../shared/brand.ts';
import type { WalletCurrency } from '../domain/money.ts';
import { findUserWallets } from './accounts.ts';

export interface KnownWallet {
  id: WalletId;
  accountId: AccountId;
  currency: WalletCurrency;
  /** undefined: remembered without one, it may have been set since (read it when it is shown). */
  username: string | null | undefined;
}

export interface KnownWallets {
  wallets: Map<string, KnownWallet>;
  /** Every wallet came from the process's memory (no statement was sent). */
  remembered: boolean;
}

const MAX_ENTRIES = 50_000;
const caches = new WeakMap<Queryable, Map<string, KnownWallet>>();

function cacheOf(db: Queryable): Map<string, KnownWallet> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

/** The user wallets among `ids` (unknown ids and platform wallets are absent), read only when one is not remembered. */
export async function knownUserWallets(db: Queryable, ids: readonly string[]): Promise<KnownWallets> {
  const cache = cacheOf(db);
  const remembered = ids.map((id) => cache.get(id));
  if (remembered.every((w) => w !== undefined)) {
    return { wallets: new Map(remembered.map((w) => [w.id, { ...w, username: w.username ?? undefined }])), remembered: true };
  }
  const read = await findUserWallets(db, ids);
  const wallets = new Map<string, KnownWallet>();
  for (const w of read.values()) {
    const known = { id: w.id, accountId: w.accountId, currency: w.currency, username: w.username };
    wallets.set(w.id, known);
    // Bounded: when full, start again (the next sends read their wallets once more).
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(w.id, known);
  }
  return { wallets, remembered: false };
}

/** Drops remembered wallets (a posting found one missing): the next send reads them again. */
export function forgetWallets(db: Queryable, ids: readonly string[]): void {
  const cache = caches.get(db);
  for (const id of ids) cache?.delete(id);
}
