// The wallet events outbox (issues 13 and 14): recordWalletEvents writes the events of a payment in the
// payment's own transaction and NOTIFYs channel `wallet_events` once it has committed (issue 18; in the
// transaction when it is not an inTransaction), so listeners never hear of a rolled-back payment. NOTIFY is only a wake-up: the rows
// are the truth, and readers that missed a notice (another process, CockroachDB) find them by polling.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.ts';
import type { AccountId, WalletId } from '../../shared/brand.ts';
import { recordIdempotent, type Idempotency } from './idempotency.ts';
import { afterCommit } from './in-transaction.ts';
import { noticeOf, WALLET_EVENTS_CHANNEL, type NewWalletEvent, type WalletEvent, type WalletEventType } from '../domain/wallet-event.ts';

/** Writes the events inside tx and sends their notices once it commits (see NOTICES_AFTER_COMMIT); returns them stored. */
export async function recordWalletEvents(tx: Queryable, events: readonly NewWalletEvent[]): Promise<WalletEvent[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => randomUUID());
  const params = eventParams(events, ids);
  const rows = noticeAfterCommit(tx, params)
    ? await tx.query<{ id: string; created_at: Date }>(`WITH ${STORED_EVENTS} SELECT id, created_at FROM stored`, params.slice(0, 7))
    : await tx.query<{ id: string; created_at: Date }>(`WITH ${STORED_EVENTS} SELECT s.id, s.created_at, pg_notify($8, n.notice) FROM ${NOTICES}`, params);
  const createdAt = new Map(rows.map((r) => [r.id, new Date(r.created_at)]));
  return events.map((e, i) => ({ ...e, id: ids[i]!, createdAt: createdAt.get(ids[i]!) ?? new Date() }));
}

/**
 * A send's last write (issue 18): its events and its Idempotency-Key's record in one round trip, the notices
 * after the commit; false when a concurrent send with the same key committed first (the caller rolls back
 * and retries).
 */
export async function recordSendOutcome(tx: Queryable, events: readonly NewWalletEvent[], idem: Idempotency | undefined, journalId: string): Promise<boolean> {
  if (events.length === 0) return idem ? recordIdempotent(tx, idem, journalId) : true;
  const params = eventParams(events, events.map(() => randomUUID()));
  // The key's parameters follow the events' ($1–$7) and, when notified in the statement, the notices' ($8, $9).
  const later = noticeAfterCommit(tx, params);
  const k = later ? 8 : 10;
  const [row] = await tx.query<{ recorded: number }>(
    `WITH ${STORED_EVENTS},
     key AS (INSERT INTO payment_idempotency (account_id, key, fingerprint, journal_id) SELECT $${k}::uuid, $${k + 1}::text, $${k + 2}::text, $${k + 3}::uuid WHERE $${k + 1}::text IS NOT NULL ON CONFLICT DO NOTHING RETURNING key)
     SELECT (SELECT count(*) FROM key)::int AS recorded${later ? '' : `, pg_notify($8, n.notice) FROM ${NOTICES}`}`,
    [...(later ? params.slice(0, 7) : params), idem?.accountId ?? null, idem?.key ?? null, idem?.fingerprint ?? null, journalId],
    { name: later ? 'lightgate_wallet_send_outcome' : 'lightgate_wallet_send_outcome_notify' },
  );
  return !idem || row!.recorded === 1;
}

/**
 * NOTICES_AFTER_COMMIT (issue 18): PostgreSQL serialises the commits of all transactions that NOTIFY (a
 * database-wide lock held through the commit's WAL flush), which capped payments at one flush each (a tenth
 * of the rate without it, measured with pgbench). Inside an inTransaction the notices are sent once it has
 * committed, batched with other payments' (one statement, no WAL flush); they are wake-ups only (readers
 * poll the rows), so a notice lost to a crash right after the commit only delays. Elsewhere: in the statement.
 */
function noticeAfterCommit(tx: Queryable, params: unknown[]): boolean {
  const notices = params[8] as string[];
  return afterCommit(tx, (db) => noticePump(db).send(notices));
}

const pumps = new WeakMap<Database, { send(notices: readonly string[]): void }>();

/** The notices of events stored by a statement that has committed (a one-statement send, send-outcome.ts). */
export function sendNoticesOf(db: Database, events: readonly NewWalletEvent[], ids: readonly string[]): void {
  noticePump(db).send(events.map((e, i) => JSON.stringify(noticeOf({ ...e, id: ids[i]!, createdAt: new Date(0) }))));
}

/** One per database: notices queued while a batch is in flight go out together in the next one. */
function noticePump(db: Database) {
  let pump = pumps.get(db);
  if (pump) return pump;
  const queue: string[] = [];
  let flushing = false;
  const flush = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, 1000);
      const notify = () => db.query('SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n', [WALLET_EVENTS_CHANNEL, batch], { name: 'lightgate_wallet_notices' });
      // Once more after a second (a dropped connection); then the readers' polls find the rows.
      await notify().catch(() => new Promise((r) => setTimeout(r, 1000)).then(notify).catch(() => undefined));
    }
    flushing = false;
  };
  pump = {
    send(notices) {
      queue.push(...notices);
      if (flushing) return;
      flushing = true;
      void flush();
    },
  };
  pumps.set(db, pump);
  return pump;
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
