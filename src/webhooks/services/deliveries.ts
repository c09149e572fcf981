// The deliveries' SQL (webhook_deliveries): fan-out of outbox events to endpoints, leasing due rows with
// FOR UPDATE SKIP LOCKED, recording results (only by the lease holder), the portal's lists, replays.
// Times come from the database clock (now()), so processes with skewed clocks agree on leases.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.ts';
import type { EndpointOwner } from './endpoints.ts';

export interface OutboxEvent {
  id: string;
  accountId: string;
  type: string;
  /** The JSON body sent: {type, timestamp, data}. */
  body: string;
  /** An event about one app (a budget threshold, issue 15): only its endpoints and the account holder's get it. */
  clientId?: string | null;
}

/**
 * Inside the outbox's transaction: one pending delivery per (event, enabled endpoint of its account), an
 * app's event only to that app's endpoints and to those the account holder added (client_id NULL).
 */
export async function fanOut(tx: Queryable, events: readonly OutboxEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = await tx.query(
    `INSERT INTO webhook_deliveries (id, message_id, event_id, endpoint_id, type, payload)
     SELECT gen_random_uuid(), e.id::text, e.id, ep.id, e.type, e.body::jsonb
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) AS e(id, account_id, type, body, client_id)
     JOIN webhook_endpoints ep ON ep.account_id = e.account_id AND ep.disabled_at IS NULL
       AND (e.client_id IS NULL OR ep.client_id IS NULL OR ep.client_id = e.client_id)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [events.map((e) => e.id), events.map((e) => e.accountId), events.map((e) => e.type), events.map((e) => e.body), events.map((e) => e.clientId ?? null)],
  );
  return rows.length;
}

export interface ClaimedDelivery {
  id: string;
  messageId: string;
  endpointId: string;
  accountId: string;
  clientId: string | null;
  userId: string | null;
  url: string;
  sealedSecret: string;
  type: string;
  payload: unknown;
  attempts: number;
  leaseToken: string;
}

interface ClaimRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  account_id: string;
  client_id: string | null;
  user_id: string | null;
  url: string;
  secret_sealed: string;
  type: string;
  payload: unknown;
  attempts: number;
}

/**
 * Leases up to `limit` due deliveries for `leaseMs`: committed at once, so the HTTP call holds no
 * transaction; a worker killed mid-attempt leaves a lease that expires and the row is claimed again.
 */
export async function claimDue(db: Queryable, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const token = randomUUID();
  const rows = await db.query<ClaimRow>(
    `UPDATE webhook_deliveries d
     SET lease_until = now() + $2 * interval '1 millisecond', lease_token = $3, attempts = d.attempts + 1,
         first_attempt_at = coalesce(d.first_attempt_at, now())
     FROM (SELECT id FROM webhook_deliveries
           WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
           ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) c,
          webhook_endpoints ep JOIN wallet_accounts a ON a.id = ep.account_id
     WHERE d.id = c.id AND ep.id = d.endpoint_id
     RETURNING d.id, d.message_id, d.endpoint_id, ep.account_id, ep.client_id, a.user_id, ep.url, ep.secret_sealed, d.type, d.payload, d.attempts`,
    [limit, leaseMs, token],
  );
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    endpointId: r.endpoint_id,
    accountId: r.account_id,
    clientId: r.client_id,
    userId: r.user_id,
    url: r.url,
    sealedSecret: r.secret_sealed,
    type: r.type,
    payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    attempts: r.attempts,
    leaseToken: token,
  }));
}

/**
 * One statement: the delivery succeeded (if this worker still holds its lease), and the endpoint's last
 * success is moved on, at most once a second (concurrent deliveries to one endpoint do not queue on its row).
 */
export async function recordSuccess(db: Queryable, d: ClaimedDelivery, status: number): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `WITH done AS (
       UPDATE webhook_deliveries SET status = 'succeeded', last_status = $3, last_error = NULL, completed_at = now(), lease_until = NULL, lease_token = NULL
       WHERE id = $1 AND lease_token = $2 RETURNING id, endpoint_id),
     seen AS (
       UPDATE webhook_endpoints SET last_success_at = now()
       WHERE id = (SELECT endpoint_id FROM done) AND (last_success_at IS NULL OR last_success_at < now() - interval '1 second') RETURNING id)
     SELECT id FROM done`,
    [d.id, d.leaseToken, status],
  );
  return rows.length > 0;
}

export type FailureResult = 'retry' | 'failed' | 'disabled' | 'lost-lease';

/**
 * A failed attempt: retried after `delayMs` while the window since the first attempt lasts, else
 * failed. When it fails and the endpoint has had no success since that delivery's first attempt, the
 * endpoint is disabled with the reason, and its other pending deliveries are failed (replayable).
 */
export async function recordFailure(
  db: Database,
  d: ClaimedDelivery,
  failure: { status: number | null; error: string; delayMs: number; windowMs: number; final?: boolean },
): Promise<FailureResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ status: string; first_attempt_at: Date }>(
      `UPDATE webhook_deliveries SET
         status = CASE WHEN $6 OR now() - first_attempt_at >= $5 * interval '1 millisecond' THEN 'failed' ELSE 'pending' END,
         completed_at = CASE WHEN $6 OR now() - first_attempt_at >= $5 * interval '1 millisecond' THEN now() END,
         next_attempt_at = now() + $4 * interval '1 millisecond',
         last_status = $7, last_error = $3, lease_until = NULL, lease_token = NULL
       WHERE id = $1 AND lease_token = $2 RETURNING status, first_attempt_at`,
      [d.id, d.leaseToken, failure.error.slice(0, 300), failure.delayMs, failure.windowMs, failure.final ?? false, failure.status],
    );
    if (!row) return 'lost-lease';
    if (row.status === 'pending') return 'retry';
    if (failure.final) return 'failed';
    const reason = `Disabled after every delivery failed for the whole retry window (last: ${failure.status === null ? failure.error.slice(0, 120) : `HTTP ${failure.status}`})`;
    const disabled = await tx.query(
      `UPDATE webhook_endpoints SET disabled_at = now(), disabled_reason = $3
       WHERE id = $1 AND disabled_at IS NULL AND (last_success_at IS NULL OR last_success_at < $2) RETURNING id`,
      [d.endpointId, row.first_attempt_at, reason],
    );
    if (!disabled.length) return 'failed';
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'failed', completed_at = now(), last_error = 'endpoint disabled', lease_until = NULL, lease_token = NULL
       WHERE endpoint_id = $1 AND status = 'pending'`,
      [d.endpointId],
    );
    return 'disabled';
  });
}

export interface DeliveryView {
  id: string;
  messageId: string;
  endpointId: string;
  type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  nextAttemptAt: Date;
}

export async function recentDeliveries(db: Queryable, owner: EndpointOwner, endpointId: string, limit: number): Promise<DeliveryView[]> {
  const rows = await db.query<{
    id: string;
    message_id: string;
    endpoint_id: string;
    type: string;
    status: DeliveryView['status'];
    attempts: number;
    last_status: number | null;
    last_error: string | null;
    created_at: Date;
    next_attempt_at: Date;
  }>(
    `SELECT d.id, d.message_id, d.endpoint_id, d.type, d.status, d.attempts, d.last_status, d.last_error, d.created_at, d.next_attempt_at
     FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
     WHERE ep.account_id = $1 AND ($2::text IS NULL OR ep.client_id = $2::text) AND d.endpoint_id = $3
     ORDER BY d.created_at DESC, d.id LIMIT $4`,
    [owner.accountId, owner.clientId, endpointId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    messageId: r.message_id,
    endpointId: r.endpoint_id,
    type: r.type,
    status: r.status,
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: new Date(r.created_at),
    nextAttemptAt: new Date(r.next_attempt_at),
  }));
}

/** A new pending delivery of a message to one of the owner's enabled endpoints (test event, replay). */
export async function enqueue(db: Queryable, owner: EndpointOwner, endpointId: string, message: { messageId: string; type: string; body: string }): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO webhook_deliveries (id, message_id, endpoint_id, type, payload)
     SELECT $4, $5, ep.id, $6, $7::jsonb FROM webhook_endpoints ep
     WHERE ep.id = $3 AND ep.account_id = $1 AND ($2::text IS NULL OR ep.client_id = $2::text) AND ep.disabled_at IS NULL
     RETURNING id`,
    [owner.accountId, owner.clientId, endpointId, randomUUID(), message.messageId, message.type, message.body],
  );
  return rows[0]?.id;
}

/** A delivery of the owner's (for a replay): its message, type and body. */
export async function findDelivery(db: Queryable, owner: EndpointOwner, id: string): Promise<{ endpointId: string; messageId: string; type: string; body: string } | undefined> {
  const [row] = await db.query<{ endpoint_id: string; message_id: string; type: string; payload: unknown }>(
    `SELECT d.endpoint_id, d.message_id, d.type, d.payload FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
     WHERE d.id = $3 AND ep.account_id = $1 AND ($2::text IS NULL OR ep.client_id = $2::text)`,
    [owner.accountId, owner.clientId, id],
  );
  return row && { endpointId: row.endpoint_id, messageId: row.message_id, type: row.type, body: typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload) };
}

/** For /metrics: pending deliveries plus events not yet fanned out, and the oldest one's age. */
export async function queueStats(db: Queryable): Promise<{ depth: number; oldestAgeSeconds: number }> {
  const [row] = await db.query<{ depth: number; oldest: number | null }>(
    `SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')::int + (SELECT count(*) FROM wallet_events WHERE dispatched_at IS NULL)::int AS depth,
            extract(epoch FROM now() - least(
              (SELECT min(created_at) FROM webhook_deliveries WHERE status = 'pending'),
              (SELECT min(created_at) FROM wallet_events WHERE dispatched_at IS NULL)))::float8 AS oldest`,
  );
  return { depth: row?.depth ?? 0, oldestAgeSeconds: row?.oldest ?? 0 };
}

/** Deletes up to `limit` deliveries finished more than `days` ago (succeeded or failed); returns how many. */
export async function pruneDeliveries(db: Queryable, days: number, limit: number): Promise<number> {
  const rows = await db.query(
    `DELETE FROM webhook_deliveries WHERE id IN (
       SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND completed_at < now() - $1 * interval '1 day' ORDER BY completed_at LIMIT $2)
     RETURNING id`,
    [days, limit],
  );
  return rows.length;
}
