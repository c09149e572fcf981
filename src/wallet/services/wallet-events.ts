// The wallet events outbox (issues 13 and 14): recordWalletEvents writes the events of a payment in the
// payment's own transaction and, in that transaction, NOTIFYs channel `wallet_events` (delivered on
// commit only, so listeners never hear of a rolled-back payment). NOTIFY is only a wake-up: the rows
// are the truth, and readers that missed a notice (another process, CockroachDB) find them by polling.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.ts';
import type { AccountId, WalletId } from '../../shared/brand.ts';
import { recordIdempotent, type Idempotency } from './idempotency.ts';
import { noticeOf, WALLET_EVENTS_CHANNEL, type NewWalletEvent, type WalletEvent, type WalletEventType } from '../domain/wallet-event.ts';

/** Writes the events and their notices (one statement) inside tx; returns them stored. */
export async function recordWalletEvents(tx: Queryable, events: readonly NewWalletEvent[]): Promise<WalletEvent[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => randomUUID());
  const rows = await tx.query<{ id: string; created_at: Date }>(`WITH ${STORED_EVENTS} SELECT s.id, s.created_at, pg_notify($8, n.notice) FROM ${NOTICES}`, eventParams(events, ids));
  const createdAt = new Map(rows.map((r) => [r.id, new Date(r.created_at)]));
  return events.map((e, i) => ({ ...e, id: ids[i]!, createdAt: createdAt.get(ids[i]!) ?? new Date() }));
}

/**
 * A send's last write (issue 18): its events with their notices and its Idempotency-Key's record in one round
 * trip; false when a concurrent send with the same key committed first (the caller rolls back and retries).
 */
export async function recordSendOutcome(tx: Queryable, events: readonly NewWalletEvent[], idem: Idempotency | undefined, journalId: string): Promise<boolean> {
  if (events.length === 0) return idem ? recordIdempotent(tx, idem, journalId) : true;
  const [row] = await tx.query<{ recorded: number }>(
    `WITH ${STORED_EVENTS},
     key AS (INSERT INTO payment_idempotency (account_id, key, fingerprint, journal_id) SELECT $10::uuid, $11::text, $12::text, $13::uuid WHERE $11::text IS NOT NULL ON CONFLICT DO NOTHING RETURNING key)
     SELECT (SELECT count(*) FROM key)::int AS recorded, pg_notify($8, n.notice) FROM ${NOTICES}`,
    [...eventParams(events, events.map(() => randomUUID())), idem?.accountId ?? null, idem?.key ?? null, idem?.fingerprint ?? null, journalId],
  );
  return !idem || row!.recorded === 1;
}

// The rows and their notices in one round trip (the notices go out on commit only).
const STORED_EVENTS = `stored AS (
       INSERT INTO wallet_events (id, account_id, wallet_id, type, transaction_id, payment_hash, payload)
       SELECT i, a, w, t, x, h, p::jsonb FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[]) AS e(i, a, w, t, x, h, p)
       RETURNING id, created_at
     )`;
const NOTICES = 'stored s JOIN unnest($1::uuid[], $9::text[]) AS n(i, notice) ON n.i = s.id';

function eventParams(events: readonly NewWalletEvent[], ids: string[]): unknown[] {
  const notices = events.map((e, i) => JSON.stringify(noticeOf({ ...e, id: ids[i]!, createdAt: new Date(0) })));
  return [
    ids,
    events.map((e) => e.accountId),
    events.map((e) => e.walletId),
    events.map((e) => e.type),
    events.map((e) => e.transactionId),
    events.map((e) => e.paymentHash),
    events.map((e) => JSON.stringify(e.data)),
    WALLET_EVENTS_CHANNEL,
    notices,
  ];
}

interface EventRow {
  id: string;
  account_id: AccountId;
  wallet_id: WalletId;
  type: WalletEventType;
  transaction_id: string | null;
  payment_hash: string | null;
  payload: Record<string, unknown> | string;
  created_at: Date;
}

export const EVENT_COLUMNS = 'id, account_id, wallet_id, type, transaction_id, payment_hash, payload, created_at';

export function eventOfRow(r: EventRow): WalletEvent {
  return {
    id: r.id,
    accountId: r.account_id,
    walletId: r.wallet_id,
    type: r.type,
    transactionId: r.transaction_id,
    paymentHash: r.payment_hash,
    data: typeof r.payload === 'string' ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload,
    createdAt: new Date(r.created_at),
  };
}

/** One account's event by id (a subscription's notice names it); undefined for another account's. */
export async function findWalletEvent(db: Queryable, accountId: AccountId, id: string): Promise<WalletEvent | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM wallet_events WHERE id = $1 AND account_id = $2`, [id, accountId]);
  return row && eventOfRow(row);
}

/**
 * The webhook dispatcher's step (issue 14): in one transaction, claims up to `limit` events not yet
 * dispatched (FOR UPDATE SKIP LOCKED: concurrent dispatchers in other processes take other rows), hands
 * them to `fanOut` (which writes the deliveries in the same transaction) and marks them dispatched.
 */
export async function dispatchWalletEvents(db: Database, limit: number, fanOut: (tx: Queryable, events: readonly WalletEvent[]) => Promise<void>): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM wallet_events WHERE dispatched_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length === 0) return 0;
    const events = rows.map(eventOfRow);
    await fanOut(tx, events);
    await tx.query('UPDATE wallet_events SET dispatched_at = now() WHERE id = ANY($1::uuid[])', [events.map((e) => e.id)]);
    return events.length;
  });
}

/**
 * Deletes up to `limit` events fanned out more than `days` ago (their deliveries keep their own payload, and
 * subscriptions read an event within seconds of its notice); returns how many. The outbox stays small.
 */
export async function pruneWalletEvents(db: Queryable, days: number, limit: number): Promise<number> {
  const rows = await db.query(
    `DELETE FROM wallet_events WHERE id IN (
       SELECT id FROM wallet_events WHERE dispatched_at IS NOT NULL AND created_at < now() - $1 * interval '1 day' LIMIT $2)
     RETURNING id`,
    [days, limit],
  );
  return rows.length;
}
