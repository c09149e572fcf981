// Issue 18: the verifier leg of a login or consent writes two rows, one after the other: in the route, the
// next prompt's interaction (login → consent) or the authorization code (consent → callback), and last the
// browser's session, which oidc-provider's session middleware saves after the route. The first write is held
// for this request only and goes in the session's statement. Nothing reads the held row meanwhile (this
// request finds it in known-rows.ts), and nobody else can: the challenge or code is only in the response,
// which leaves after both writes. A write still held after the route (no session save came) is made then,
// before the response, or the response is the error that write would have thrown. A consent decided at its leg
// (flows/consent-at-leg.ts) adds its Grant and consent session to that statement, written as the code is.
// Issue 11 #5 stays: a code is stored only while its client is active, the client row share-locked until then.
import { AsyncLocalStorage } from 'node:async_hooks';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { DatabaseUnavailableError, type Queryable } from '../../db/database.ts';
import { unavailable } from './error-map.ts';
import { renderErrorPage } from './pages.ts';
import type { ReplacedRow } from './replaced-rows.ts';
import type { AlsoInsert } from './challenge-rows.ts';

type Sql = Pick<Queryable, 'query'>;
/** The adapter's upsert parameters (sql-adapter.ts): model, id, JSON, grant id, uid, user code, subject, client id, lifetime. */
export type RowParams = readonly [string, string, string, string | null, string | null, string | null, string | null, string | null, number | null];
/**
 * A held oidc_payloads row (`token`: written only while its client is active; `decided`: a consent's Grant, made at
 * the leg, consent-at-leg.ts), or another table's row of that decision (the consent session, written with them).
 */
type Held = { row: RowParams; token: boolean; decided?: true } | { also: AlsoInsert };
const isRow = (h: Held): h is Extract<Held, { row: RowParams }> => 'row' in h;

/** The rows written in the route of a verifier leg, before the session. */
const HOLDABLE = new Set(['Interaction', 'AuthorizationCode']);
const held = new AsyncLocalStorage<Held[]>();

/** In upsert(): whether this write is held for the session's statement (nothing is sent now). */
export function holdRow(row: RowParams, token: boolean, older: number): boolean {
  const rows = held.getStore();
  if (!rows || older > 0 || rows.some((r) => isRow(r) && !r.decided) || !HOLDABLE.has(row[0])) return false;
  rows.push({ row, token });
  return true;
}

/**
 * Issue 18: a consent decided at its verifier leg (consent-at-leg.ts): its Grant (while its client is active, as the
 * code) and consent session wait for the session's statement too. False: not in a verifier leg's request.
 */
export function holdDecision(grant: RowParams, consent: AlsoInsert): boolean {
  const rows = held.getStore();
  if (!rows) return false;
  rows.push({ row: grant, token: true, decided: true }, { also: consent });
  return true;
}

/** In the session's upsert: the held rows, taken (none: empty). */
export function takeHeldRows(model: string): Held[] {
  const rows = held.getStore();
  return model === 'Session' && rows ? rows.splice(0) : [];
}

/** The first parameter after writeRows' own: where a replaced row's CTE starts (replacedRowCte). */
export const AFTER_ROWS = 12;

/**
 * Writes the rows in one statement, with `replaced` (a session's old row, replaced-rows.ts, from $AFTER_ROWS)
 * deleted in it. A code is written only while its client is active (`live`, share-locked); false: it was not.
 */
export async function writeRows(db: Sql, held: Held[], replaced?: ReplacedRow): Promise<boolean> {
  const rows = held.filter(isRow);
  const token = rows.find((r) => r.token);
  const column = (k: number) => rows.map((r) => r.row[k]);
  // Another table's rows (a consent session) come after the replaced row's parameters, written as the locked rows are.
  let next = AFTER_ROWS + (replaced?.params.length ?? 0);
  const also = held.flatMap((h) => (isRow(h) ? [] : [h.also(next)].flat().map((m) => ((next += m.params.length), m))));
  // Without a code, $1 (its client) is null: nothing is locked, and only unlocked rows are written.
  const ctes = [
    `live AS (SELECT 1 FROM oauth2_clients WHERE client_id = $1::text AND status = 'active' FOR SHARE)`,
    replaced?.cte,
    ...also.map((m, i) => `also${i} AS (INSERT INTO ${m.table} (${m.columns}) SELECT ${m.values} WHERE $1::text IS NULL OR EXISTS (SELECT 1 FROM live))`),
  ].filter(Boolean);
  const written = await db.query<{ model: string }>(
    `WITH ${ctes.join(', ')}
     INSERT INTO oidc_payloads (model, id, payload, grant_id, uid, user_code, subject, client_id, expires_at)
     SELECT r.model, r.id, r.payload::jsonb, r.grant_id, r.uid, r.user_code, r.subject, r.client_id, CASE WHEN r.ttl IS NULL THEN NULL ELSE now() + make_interval(secs => r.ttl) END
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[], $11::bool[])
         AS r(model, id, payload, grant_id, uid, user_code, subject, client_id, ttl, locked)
      WHERE NOT r.locked OR EXISTS (SELECT 1 FROM live)
     ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, uid = EXCLUDED.uid,
       user_code = EXCLUDED.user_code, subject = EXCLUDED.subject, client_id = EXCLUDED.client_id, expires_at = EXCLUDED.expires_at
     RETURNING model`,
    [token?.row[7] ?? null, ...Array.from({ length: 9 }, (_, k) => column(k)), rows.map((r) => r.token), ...(replaced?.params ?? []), ...also.flatMap((m) => m.params)],
    { name: [`lightgate_oidc_write_rows_${replaced?.params.length ?? 0}`, ...also.map((m) => m.table)].join('_') },
  );
  return written.length === rows.length;
}

/**
 * Koa middleware body for a verifier leg's resume: its first write is held (see above); one still held after
 * the route is made before the response leaves.
 */
export async function flushHeldRowWrite(db: Sql, ctx: Pick<KoaContextWithOIDC, 'status' | 'body' | 'type' | 'remove'>, next: () => Promise<unknown>): Promise<void> {
  const rows: Held[] = [];
  await held.run(rows, next);
  if (!rows.length) return;
  let error: InstanceType<typeof errors.OIDCProviderError>;
  try {
    if (await writeRows(db, rows)) return;
    error = new errors.InvalidClient('client authentication failed', 'the client is not active');
  } catch (cause) {
    // As the adapter answers a database that is down (sql-adapter.ts guard): 503, never a 500.
    if (!(cause instanceof DatabaseUnavailableError)) throw cause;
    error = unavailable(cause) as InstanceType<typeof errors.OIDCProviderError>;
  }
  ctx.status = error.statusCode;
  ctx.remove('location');
  ctx.type = 'html';
  ctx.body = renderErrorPage({ error: error.error, error_description: error.error_description ?? '' }, error.statusCode);
}
