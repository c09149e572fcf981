// The callback endpoints' SQL (webhook_endpoints). The secret column holds the sealed secret only.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';

export interface Endpoint {
  id: string;
  accountId: string;
  /** The OAuth app that registered it; null for the account holder (session or API key). */
  clientId: string | null;
  url: string;
  createdAt: Date;
  lastSuccessAt: Date | null;
  disabledAt: Date | null;
  disabledReason: string | null;
}

/** Who asks: the account, and the app when the credential is an OAuth token (it sees only its own). */
export interface EndpointOwner {
  accountId: string;
  clientId: string | null;
}

interface Row {
  id: string;
  account_id: string;
  client_id: string | null;
  url: string;
  created_at: Date;
  last_success_at: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
}

const COLUMNS = 'id, account_id, client_id, url, created_at, last_success_at, disabled_at, disabled_reason';
const date = (d: Date | null) => (d === null ? null : new Date(d));
const endpointOf = (r: Row): Endpoint => ({
  id: r.id,
  accountId: r.account_id,
  clientId: r.client_id,
  url: r.url,
  createdAt: new Date(r.created_at),
  lastSuccessAt: date(r.last_success_at),
  disabledAt: date(r.disabled_at),
  disabledReason: r.disabled_reason,
});

// An app (clientId set) sees its own endpoints; the account holder (null) sees all of the account's.
const OWNED = '(account_id = $1 AND ($2::text IS NULL OR client_id = $2::text))';

export const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export async function insertEndpoint(db: Queryable, owner: EndpointOwner, url: string, sealedSecret: string, maxPerAccount: number): Promise<Endpoint | undefined> {
  const rows = await db.query<Row>(
    `INSERT INTO webhook_endpoints (id, account_id, client_id, url, secret_sealed)
     SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM webhook_endpoints WHERE account_id = $2) < $6
     RETURNING ${COLUMNS}`,
    [randomUUID(), owner.accountId, owner.clientId, url, sealedSecret, maxPerAccount],
  );
  return rows[0] && endpointOf(rows[0]);
}

export async function listEndpoints(db: Queryable, owner: EndpointOwner): Promise<Endpoint[]> {
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE ${OWNED} ORDER BY created_at, id`, [owner.accountId, owner.clientId]);
  return rows.map(endpointOf);
}

export async function findEndpoint(db: Queryable, owner: EndpointOwner, id: string): Promise<Endpoint | undefined> {
  if (!isUuid(id)) return undefined;
  const rows = await db.query<Row>(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE ${OWNED} AND id = $3`, [owner.accountId, owner.clientId, id]);
  return rows[0] && endpointOf(rows[0]);
}

export async function deleteEndpoint(db: Queryable, owner: EndpointOwner, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.query(`DELETE FROM webhook_endpoints WHERE ${OWNED} AND id = $3 RETURNING id`, [owner.accountId, owner.clientId, id]);
  return rows.length > 0;
}

export async function replaceSecret(db: Queryable, owner: EndpointOwner, id: string, sealedSecret: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.query(`UPDATE webhook_endpoints SET secret_sealed = $4 WHERE ${OWNED} AND id = $3 RETURNING id`, [owner.accountId, owner.clientId, id, sealedSecret]);
  return rows.length > 0;
}

/** The owner turns a disabled endpoint back on (the portal's "enable"). */
export async function enableEndpoint(db: Queryable, owner: EndpointOwner, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.query(`UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL WHERE ${OWNED} AND id = $3 RETURNING id`, [owner.accountId, owner.clientId, id]);
  return rows.length > 0;
}

/** The account holder behind a user (the portal signs people in, not accounts); undefined before it is opened. */
export async function accountOfUser(db: Queryable, userId: string): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>('SELECT id FROM wallet_accounts WHERE user_id = $1', [userId]);
  return rows[0]?.id;
}

/** Whether any of these accounts has an enabled endpoint (the worker's check before a fan-out round, issue 18). */
export async function anyEnabledEndpoint(db: Queryable, accountIds: readonly string[]): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM webhook_endpoints WHERE account_id = ANY($1::uuid[]) AND disabled_at IS NULL LIMIT 1', [accountIds]);
  return rows.length > 0;
}
