// The token endpoint's reads in one statement (issue 18): a code exchange or a refresh finds its code or
// refresh token, then oidc-provider finds the token's Grant, then the ID token's claims are read from the
// consent session. All three are keyed by the token's row, so they are read with it, in one snapshot, and
// kept for this request only (known-rows.ts): the Grant and the claims are what the same request would have
// read a moment later. Spending the token is a conditional CTE of the statement that stores the new tokens
// (held-token-writes.ts), not part of this read. A token request's read may come with its rate-limit count
// instead (request-read-along.ts): the same row, used only by this request's find of that model and value.
import type { Queryable } from '../../db/database.ts';
import { candidateOrder, named, placeholders } from './id-params.ts';
import { rememberRow } from './known-rows.ts';

type Sql = Pick<Queryable, 'query'>;
export type PayloadRow = { id: string; payload: Record<string, unknown>; consumed_at: Date | null };

/** The models whose rows carry the grant the same request reads next. */
export const WITH_GRANT = new Set(['AuthorizationCode', 'RefreshToken']);
/** known-rows.ts model name of a grant's ID token claims (consent-sessions.ts idTokenClaims). */
export const ID_TOKEN_CLAIMS = 'IdTokenClaims';

type WithGrantRow = PayloadRow & { grant_id: string | null; grant_payload: Record<string, unknown> | null; claims: Record<string, unknown> | null };

/** The same row read in the request's rate-limit count (request-read-along.ts TOKEN_READ): consumed_at as epoch seconds. */
export type AheadRow = Omit<WithGrantRow, 'consumed_at'> & { consumed_at: number | null };

/** Rows read ahead, keyed by the Node request (Koa's ctx.req): nothing crosses requests. */
const readAhead = new WeakMap<object, { model: string; rowIds: string[]; row: AheadRow | null }>();

export function rememberTokenAhead(req: object, model: string, rowIds: string[], row: AheadRow | null): void {
  readAhead.set(req, { model, rowIds, row });
}

/**
 * The row read ahead for this request, if oidc-provider's find asks for exactly that model and those candidate
 * ids (the same value under the same system secrets); taken once, as a code or refresh token is single-use.
 * null: read ahead as missing; undefined: not read ahead, read as usual.
 */
export function takeTokenAhead(req: object | undefined, model: string, rowIds: string[]): PayloadRow | null | undefined {
  const ahead = req && readAhead.get(req);
  if (!ahead || ahead.model !== model || ahead.rowIds.length !== rowIds.length || ahead.rowIds.some((id, i) => id !== rowIds[i])) return undefined;
  readAhead.delete(req);
  if (!ahead.row) return null;
  const { consumed_at: consumed, ...row } = ahead.row;
  return withGrantRemembered({ ...row, consumed_at: consumed === null ? null : new Date(consumed * 1000) });
}

/** The live row stored under the first matching id, with its Grant and consent claims remembered for this request. */
export async function findWithGrant(db: Sql, model: string, rowIds: string[]): Promise<PayloadRow | undefined> {
  const [row] = await db.query<WithGrantRow>(
    `SELECT p.id, p.payload, p.consumed_at, p.grant_id, g.payload AS grant_payload, cs.session_claims->'id_token' AS claims
       FROM oidc_payloads p
       LEFT JOIN oidc_payloads g ON g.model = 'Grant' AND g.id = p.grant_id AND (g.expires_at IS NULL OR g.expires_at > now())
       LEFT JOIN consent_sessions cs ON cs.grant_id = p.grant_id
      WHERE p.model = $1 AND (p.expires_at IS NULL OR p.expires_at > now()) AND p.id IN (${placeholders(2, rowIds.length)})${candidateOrder('p.id', 2, rowIds.length)}
      LIMIT 1`,
    [model, ...rowIds],
    { name: named('lightgate_oidc_find_with_grant', rowIds.length) },
  );
  return row && withGrantRemembered(row);
}

/** `row` fresh from the database (a driver's row or the read ahead's parsed JSON): its parts are kept uncopied. */
function withGrantRemembered(row: WithGrantRow): PayloadRow {
  if (row.grant_id) {
    rememberRow('Grant', row.grant_id, row.grant_payload, true);
    rememberRow(ID_TOKEN_CLAIMS, row.grant_id, { claims: row.claims }, true);
  }
  return { id: row.id, payload: row.payload, consumed_at: row.consumed_at };
}
