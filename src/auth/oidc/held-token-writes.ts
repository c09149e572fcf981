// Issue 18: a token request that issues two tokens stores them in one statement. oidc-provider saves them one
// after the other (a code exchange: the access token, then the refresh token; a refresh: the rotated refresh
// token, then the access token), so the first write, when a second is sure to follow, is held for this request
// only and the second write carries it. Nothing reads the held row in between, and no token leaves the server
// before both are stored: the response is sent after the token route, and a write still held then (a second
// token that did not come) is made before it, or the request ends in invalid_client as before.
// Issue 11 #5 stays: the one statement share-locks the client row and stores nothing unless it is active.
// The code's or refresh token's spend (sql-adapter.ts consume) is held too and goes first in that statement:
// the tokens are inserted only if this statement spent it, so a concurrent redemption that lost stores nothing
// (RFC 6749 section 4.1.2, RFC 9700 section 4.14). Nothing before the write reads whether it was spent; a
// request that fails before any write spends nothing, and no token has left the server then.
import { AsyncLocalStorage } from 'node:async_hooks';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { DatabaseUnavailableError, type Queryable } from '../../db/database.ts';
import { unavailable } from './error-map.ts';
import { named, placeholders } from './id-params.ts';

export interface TokenRow {
  model: string;
  id: string;
  /** The stored JSON text. */
  payload: string;
  grantId: string | null;
  uid: string | null;
  subject: string | null;
  clientId: string;
  expiresIn: number | null;
  /** Ids of the same token under older system secrets, moved to `id` (keeping when it was consumed). */
  older: string[];
}

type Sql = Pick<Queryable, 'query'>;

/** The configured issueRefreshToken rule (configuration.ts), also asked here to know a refresh token follows. */
export function issuesRefreshToken(client: { grantTypeAllowed(type: string): boolean }, scopes: Set<string>): boolean {
  return client.grantTypeAllowed('refresh_token') && (scopes.has('offline') || scopes.has('offline_access'));
}

/** Whether oidc-provider saves another token after this one in the current token request. */
function anotherFollows(model: string): boolean {
  const oidc = (Provider.ctx as KoaContextWithOIDC | undefined)?.oidc;
  const grantType = oidc?.params?.grant_type;
  // A refresh (rotateRefreshToken: true) saves the new refresh token, then always the access token.
  if (grantType === 'refresh_token') return model === 'RefreshToken';
  const code = oidc?.entities.AuthorizationCode as { scopes?: Set<string> } | undefined;
  return grantType === 'authorization_code' && model === 'AccessToken' && !!oidc?.client && !!code?.scopes && issuesRefreshToken(oidc.client, code.scopes);
}

/**
 * A consume() held for the token write: the model and its candidate row ids (several under older system
 * secrets); `alone` spends it in a statement of its own (consume() as outside a token request), and `lost`
 * answers a spend that found it already spent (revokes the grant, throws GrantAlreadyUsed).
 */
export interface HeldSpend {
  model: 'AuthorizationCode' | 'RefreshToken';
  rowIds: string[];
  alone(): Promise<void>;
  lost(): Promise<never>;
}

const held = new AsyncLocalStorage<{ row?: TokenRow; spend?: HeldSpend }>();

/** The grant type whose token request spends each model (its grant handler calls consume() once). */
const SPENT_BY: Record<HeldSpend['model'], string> = { AuthorizationCode: 'authorization_code', RefreshToken: 'refresh_token' };

/** In consume(): whether this spend is held for the request's token write (nothing is sent now). */
export function holdSpend(spend: { model: string } & Omit<HeldSpend, 'model'>, grantType = (Provider.ctx as KoaContextWithOIDC | undefined)?.oidc?.params?.grant_type): boolean {
  const store = held.getStore();
  const model = spend.model as HeldSpend['model'];
  if (!store || store.spend || SPENT_BY[model] === undefined || grantType !== SPENT_BY[model]) return false;
  store.spend = { ...spend, model };
  return true;
}

/** The held spend, taken (the next write carries it). */
function takeSpend(): HeldSpend | undefined {
  const store = held.getStore();
  const spend = store?.spend;
  if (store) store.spend = undefined;
  return spend;
}

/** Runs a token request in which the first of two token writes may be held (see above). */
export function withHeldTokenWrites<T>(work: () => Promise<T>): Promise<T> {
  return held.run({}, work);
}

/**
 * The token rows to write now: none when this one is held for the next write, else the held one (if any)
 * with this one. Rows of another client are not joined (the lock is per client): the held one is written first.
 */
function tokenRowsToWrite(row: TokenRow): TokenRow[][] {
  const store = held.getStore();
  if (!store) return [[row]];
  const before = store.row;
  store.row = undefined;
  if (!before && anotherFollows(row.model)) {
    store.row = row;
    return [];
  }
  if (!before) return [[row]];
  return before.clientId === row.clientId ? [[before, row]] : [[before], [row]];
}

/** The adapter's upsert parameters: model, id, JSON, grant id, uid, user code, subject, client id, lifetime, older ids. */
export type TokenParams = [string, string, string, string | null, string | null, string | null, string | null, string, number | null, string[]];

/**
 * Holds this token or writes it with the held one and the held spend (false: the client is not active; a spend
 * lost to a concurrent redemption throws GrantAlreadyUsed); undefined: the adapter writes it alone.
 */
export async function writeWithHeld(db: Sql, [model, id, payload, grantId, uid, , subject, clientId, expiresIn, older]: TokenParams): Promise<boolean | undefined> {
  const groups = tokenRowsToWrite({ model, id, payload, grantId, uid, subject, clientId, expiresIn, older });
  if (!groups.length) return true;
  const spend = takeSpend();
  if (!spend && groups.length === 1 && groups[0]!.length === 1) return undefined;
  // The spend goes with the first rows written (the request's own client's: the code was found for it).
  for (const [i, group] of groups.entries()) if (!(await writeSpendingRows(db, group, i === 0 ? spend : undefined))) return false;
  return true;
}

/** writeTokenRows with the spend first in the same statement; a lost spend revokes the grant and throws. */
async function writeSpendingRows(db: Sql, rows: TokenRow[], spend: HeldSpend | undefined): Promise<boolean> {
  const written = await writeTokenRows(db, rows, spend);
  if (written === 'lost') return spend!.lost();
  return written;
}

/**
 * Hydra: spending a refresh token retires the grant's older access tokens (the CTE after `spent`, in the same
 * statement here and in sql-adapter.ts). A data-modifying CTE sees the table as it was when the statement started,
 * so an access token inserted by the same statement is not among them. Found by the grant's index alone: with the
 * model as an index condition, the generic plan PGlite keeps (no ANALYZE) also scanned the primary key for every
 * AccessToken, dead ones included (test/auth/retire-plan.test.ts).
 */
export const RETIRED_CTE = `retired AS (DELETE FROM oidc_payloads WHERE grant_id IN (SELECT grant_id FROM spent) AND (model = 'AccessToken') IS TRUE)`;

/** The spend's CTE (sql-adapter.ts consume's statement) and its parameters, from $first on. */
function spendCte(spend: HeldSpend, first: number): { ctes: string; params: string[] } {
  const spent = `spent AS (UPDATE oidc_payloads SET consumed_at = now() WHERE model = '${spend.model}' AND id IN (${placeholders(first, spend.rowIds.length)}) AND consumed_at IS NULL RETURNING grant_id)`;
  return { ctes: spend.model === 'RefreshToken' ? `${spent}, ${RETIRED_CTE}` : spent, params: spend.rowIds };
}

/**
 * Stores the rows while their client is active, with the client row share-locked until then; false: not active.
 * With `spend`, the code or refresh token is spent first in the same statement (whether or not the client is
 * still active, as consume() did before the write), and the rows are stored only if it was: 'lost' otherwise.
 */
export async function writeTokenRows(db: Sql, rows: TokenRow[], spend?: HeldSpend): Promise<boolean | 'lost'> {
  const column = <K extends keyof TokenRow>(k: K) => rows.map((r) => r[k]);
  // Rows still keyed with an older system secret move (only while several secrets are configured): without
  // any, no such step, so the statement keeps one plan (id-params.ts).
  const moving = rows.some((r) => r.older.length > 0);
  const params: unknown[] = [
    rows[0]!.clientId,
    column('model'),
    column('id'),
    column('payload'),
    column('grantId'),
    column('uid'),
    column('subject'),
    column('expiresIn'),
    ...(moving ? [rows.flatMap((r) => r.older.map(() => r.model)), rows.flatMap((r) => r.older)] : []),
  ];
  const spending = spend && spendCte(spend, params.length + 1);
  const insert = `INSERT INTO oidc_payloads (model, id, payload, grant_id, uid, subject, client_id, expires_at, consumed_at)
     SELECT r.model, r.id, r.payload::jsonb, r.grant_id, r.uid, r.subject, $1, CASE WHEN r.ttl IS NULL THEN NULL ELSE now() + make_interval(secs => r.ttl) END,
       ${moving ? '(SELECT max(m.consumed_at) FROM moved m WHERE m.model = r.model)' : 'NULL'}
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[]) AS r(model, id, payload, grant_id, uid, subject, ttl)
      WHERE ${spending ? 'EXISTS (SELECT 1 FROM spent) AND ' : ''}EXISTS (SELECT 1 FROM live)
     ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid,
       user_code = EXCLUDED.user_code, subject = EXCLUDED.subject, client_id = EXCLUDED.client_id, expires_at = EXCLUDED.expires_at
     RETURNING 1`;
  const ctes = `${spending ? `${spending.ctes},\n     ` : ''}live AS (SELECT 1 FROM oauth2_clients WHERE client_id = $1 AND status = 'active' FOR SHARE)${moving ? `,
     moved AS (DELETE FROM oidc_payloads p USING unnest($9::text[], $10::text[]) AS o(model, id)
       WHERE p.model = o.model AND p.id = o.id AND EXISTS (SELECT 1 FROM live) RETURNING p.model, p.consumed_at)` : ''}`;
  const base = moving ? 'lightgate_oidc_write_tokens_moving' : 'lightgate_oidc_write_tokens';
  if (!spending) {
    const written = await db.query(`WITH ${ctes}\n     ${insert}`, params, { name: base });
    return written.length === rows.length;
  }
  // One statement text (and name) per spent model and candidate count (id-params.ts).
  const [counts] = await db.query<{ spent: number; written: number }>(
    `WITH ${ctes},\n     written AS (${insert})\n     SELECT (SELECT count(*) FROM spent)::int AS spent, (SELECT count(*) FROM written)::int AS written`,
    [...params, ...spending.params],
    { name: named(`${base}_spending_${spend.model === 'RefreshToken' ? 'refresh' : 'code'}`, spend.rowIds.length) },
  );
  if (!counts?.spent) return 'lost';
  return counts.written === rows.length;
}

/**
 * Koa middleware body for the token route: after the route, a write still held is made before the response
 * leaves; if its client is no longer active, the response is the invalid_client the write would have thrown.
 */
export async function flushHeldTokenWrite(db: Sql, ctx: Pick<KoaContextWithOIDC, 'status' | 'body'> & { oidc?: KoaContextWithOIDC['oidc'] }, next: () => Promise<unknown>): Promise<void> {
  await withHeldTokenWrites(async () => {
    await next();
    const store = held.getStore()!;
    const { row, spend } = store;
    store.row = store.spend = undefined;
    // A route that failed after the first token or the spend (its error is the response) stores and spends nothing.
    if ((!row && !spend) || ctx.status !== 200) return;
    let error: InstanceType<typeof errors.OIDCProviderError>;
    try {
      // A 200 never leaves with its code or refresh token unspent.
      if (!row) return await spend!.alone();
      if (await writeSpendingRows(db, [row], spend)) return;
      error = new errors.InvalidClient('client authentication failed', 'the client is not active');
    } catch (cause) {
      // A spend lost to a concurrent redemption (GrantAlreadyUsed, the grant revoked): invalid_grant.
      if (cause instanceof errors.OIDCProviderError) error = cause;
      // As the adapter answers a database that is down (sql-adapter.ts guard): 503, never a 500.
      else if (!(cause instanceof DatabaseUnavailableError)) throw cause;
      else error = unavailable(cause) as InstanceType<typeof errors.OIDCProviderError>;
    }
    ctx.status = error.statusCode;
    ctx.body = { error: error.error, error_description: error.error_description };
    ctx.oidc?.provider.emit('grant.error', ctx, error);
  });
}
