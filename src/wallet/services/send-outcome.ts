// A send's outbox rows and Idempotency-Key record as the tail of its lock-and-post statement (issue 18), so
// that a send without a budget or a limit is one statement in autocommit: the key's gate, the wallets'
// locks, the journal, its entries and balances, the events and the key either all commit or none does (the
// balance trigger runs at the statement's end). The events are built before the posting from its legs
// (placeholder entries): the statement puts each entry's id, amount and time in its wallet's event, as
// transferEvents would from the posted rows. The key is inserted without ON CONFLICT: a concurrent first use
// that committed meanwhile is a unique violation that aborts the whole statement (isKeyRace; the caller retries
// and its gate then finds the key). The events are read element by element (VALUES), as ledger.ts reads the legs:
// the generic plan then knows their number; each payload is parsed once.
import type { Database } from '../../db/database.ts';
import type { AccountId, WalletId } from '../../shared/brand.ts';
import type { NewWalletEvent } from '../domain/wallet-event.ts';
import type { PostedEntry } from '../domain/transaction.ts';
import type { Idempotency } from './idempotency.ts';
import type { LockTail } from './ledger.ts';
import { sendNoticesOf } from './wallet-events.ts';

/** Stand-ins for the posted entries of these wallets, for building the events before the posting. */
export const placeholderEntries = (walletIds: readonly WalletId[]): PostedEntry[] =>
  walletIds.map((walletId) => ({ id: 0, walletId, amount: 0, balanceAfter: 0, createdAt: new Date(0) }));

/** The types of the events' parameters, in order: id, account, wallet, type, payment hash, payload. */
const EVENT_TYPES = ['uuid', 'uuid', 'uuid', 'text', 'text', 'jsonb'];

export interface OutcomeTail extends LockTail {
  /** The events' ids, in order. */
  ids: string[];
}

/**
 * The tail: each event (every one names a wallet the journal posts to and carries `transaction`) is stored
 * with its wallet's entry; nothing is stored when the posting was refused. Its `row`: the username of the
 * `counterparty` account as the statement read it (the payload's counterparty; null without one).
 */
export function outcomeTail(events: readonly NewWalletEvent[], ids: string[], idem: Idempotency | undefined, journalId: string, counterparty?: AccountId): OutcomeTail {
  if (events.length === 0) throw new Error('a send stores at least one event');
  // Parameters from n: each event's six (EVENT_TYPES), then the key's four, then the counterparty.
  const k = 6 * events.length;
  return {
    ids,
    select: (n) => `(SELECT username FROM wallet_accounts WHERE id = $${n + k + 4}::uuid)`,
    ctes: (n) => `outbox AS (
       INSERT INTO wallet_events (id, account_id, wallet_id, type, transaction_id, payment_hash, payload)
       SELECT e.i, e.a, e.w, e.t, en.id::text, e.h, jsonb_set(e.p, '{transaction}', (e.p -> 'transaction') || jsonb_build_object(
                'id', en.id::text, 'settlementAmount', en.amount, 'createdAt', to_char(en.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
       FROM (VALUES ${events.map((_, e) => `(${EVENT_TYPES.map((type, j) => `$${n + 6 * e + j}::${type}`).join(', ')})`).join(', ')}) AS e(i, a, w, t, h, p)
       JOIN entries en ON en.wallet_id = e.w
     ), outcome_key AS (
       INSERT INTO payment_idempotency (account_id, key, fingerprint, journal_id)
       SELECT $${n + k}::uuid, $${n + k + 1}::text, $${n + k + 2}::text, $${n + k + 3}::uuid FROM verdict v WHERE v.known AND v.funded AND $${n + k + 1}::text IS NOT NULL
     )`,
    params: [
      ...events.flatMap((e, i) => [ids[i], e.accountId, e.walletId, e.type, e.paymentHash, JSON.stringify(e.data)]),
      idem?.accountId ?? null,
      idem?.key ?? null,
      idem?.fingerprint ?? null,
      journalId,
      counterparty ?? null,
    ],
    name: `outcome${events.length}`,
  };
}

/** The statement failed because a concurrent send with the same key committed first: nothing was written. */
export function isKeyRace(error: unknown): boolean {
  if (!(error instanceof Error) || !('code' in error) || error.code !== '23505') return false;
  const where = error as { constraint?: unknown; table?: unknown };
  return where.table === 'payment_idempotency' || String(where.constraint ?? '').startsWith('payment_idempotency');
}

/** Once the statement has committed: the events' notices (with the posted entries' ids), batched as every send's. */
export function noticeOutcome(db: Database, events: readonly NewWalletEvent[], ids: readonly string[]): void {
  sendNoticesOf(db, events, ids);
}
