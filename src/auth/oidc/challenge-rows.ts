// The statements of a login or consent decision at the admin API (issue 18): what sql-adapter.ts and
// handled-challenges.ts would each send, folded so that a step pays one round trip per phase. Reading:
// the interaction with its handled mark. Writing: the handled mark and the verifier's row in one statement
// (one transaction): the verifier exists only if this call was the first to handle the challenge, so a
// challenge still answers 410 to every later call and never yields a second verifier (issue 11 #1).
import type { Queryable } from '../../db/database.ts';
import type { StoredClient } from '../domain/client.ts';
import { storedClientFromJson } from '../services/client-repository.ts';
import { rememberedConsentsSql, type RememberedDetails } from './consent-sessions.ts';
import { candidateOrder, named, placeholders } from './id-params.ts';
import { deletedInDatabase, rememberRow, STORED_CLIENT } from './known-rows.ts';
import { LAZY_COMMIT_CTE, sendLazily } from './lazy-commit.ts';

type Sql = Pick<Queryable, 'query'>;

/** A parameter of the interaction split on spaces when it is a string, else none (flows/interactions.ts's split()). */
const words = (json: string) => `CASE WHEN jsonb_typeof(${json}) = 'string' THEN array_remove(string_to_array(${json} #>> '{}', ' '), '') ELSE '{}'::text[] END`;
/** consent.ts's subject, scopes and audience of a consent request, from the interaction row `i`. */
const REMEMBERED = rememberedConsentsSql(
  `coalesce(i.payload->'lastSubmission'->'login'->>'accountId', i.payload->'session'->>'accountId', '')`,
  `i.payload->'params'->>'client_id'`,
  words(`i.payload->'params'->'scope'`),
  words(`i.payload->'params'->'audience'`),
);

/**
 * The live Interaction row of a challenge (its uid; Interaction ids are stored plain), whether it was handled,
 * and the stored client the interaction names (null: none; what the login and consent requests show). For a
 * consent prompt also the remembered consents that may let it skip (issue 18: what consent-sessions.ts's
 * findRemembered would read next; the budget check stays in JavaScript, coveringConsent).
 */
export async function readChallenge(db: Sql, challenge: string): Promise<{ redirectTo?: string; interaction?: Record<string, unknown>; client: StoredClient | null; remembered?: RememberedDetails[] }> {
  const [row] = await db.query<{ redirect_to: string | null; payload: Record<string, unknown> | null; client: Parameters<typeof storedClientFromJson>[0] | null; remembered: RememberedDetails[] | null }>(
    `SELECT h.redirect_to, i.payload, (SELECT row_to_json(c) FROM oauth2_clients c WHERE c.client_id = i.payload->'params'->>'client_id') AS client,
            CASE WHEN i.payload->'prompt'->>'name' = 'consent'
              THEN (SELECT coalesce(json_agg(r.granted_authorization_details ORDER BY r.handled_at DESC), '[]') FROM (${REMEMBERED}) r) END AS remembered
       FROM (SELECT $1::text AS challenge) x
       LEFT JOIN handled_challenges h ON h.challenge = x.challenge
       LEFT JOIN oidc_payloads i ON i.model = 'Interaction' AND i.id = x.challenge AND (i.expires_at IS NULL OR i.expires_at > now())`,
    [challenge],
    { name: 'lightgate_read_challenge_remembered' },
  );
  return {
    ...(row?.redirect_to ? { redirectTo: row.redirect_to } : {}),
    ...(row?.payload ? { interaction: row.payload } : {}),
    client: row?.client ? storedClientFromJson(row.client) : null,
    ...(row?.remembered ? { remembered: row.remembered } : {}),
  };
}

/**
 * An Interaction row `i` that oidc-provider would load (kind, nbf/iat/exp/iss/aud as its assertPayload checks them, exp not yet
 * passed, without its clock tolerance), with no result and no device code, of a kept client URL (lg_url, prompt not "login":
 * the request URL is a prefix + lg_url, as requestUrl() builds it).
 */
const LOADABLE = `jsonb_typeof(i.payload) = 'object' AND i.payload->'kind' = '"Interaction"'::jsonb
         AND NOT i.payload ?| array['jwt', 'jwt-ietf', 'paseto', 'format', 'nbf', 'aud', 'result']
         AND (NOT i.payload ? 'iat' OR jsonb_typeof(i.payload->'iat') = 'number') AND (NOT i.payload ? 'iss' OR jsonb_typeof(i.payload->'iss') = 'string')
         AND jsonb_typeof(i.payload->'exp') = 'number' AND (i.payload->>'exp')::numeric > extract(epoch FROM now())
         AND jsonb_typeof(i.payload->'deviceCode') IS DISTINCT FROM 'string'
         AND jsonb_typeof(i.payload->'params') = 'object' AND jsonb_typeof(i.payload->'params'->'lg_url') = 'string'
         AND i.payload->'params'->'prompt' IS DISTINCT FROM '"login"'::jsonb`;

/**
 * The one-statement accept of `kind` (markPendingLogin, markPendingConsent): the challenge marked handled and the
 * verifier's row inserted only when no mark exists and the live interaction is LOADABLE and `pending`; it also
 * answers the interaction's lg_url, a handled challenge's first redirect_to, and `answer`. Committed without waiting
 * for its WAL flush (lazy-commit.ts: the verifier leg that uses it commits synchronously, and makes it durable).
 */
const markPendingSql = (kind: 'login' | 'consent', pending: string, answer: string) => (lazy: boolean) =>
  `WITH ${lazy ? `${LAZY_COMMIT_CTE},` : ''} h AS (SELECT redirect_to FROM handled_challenges WHERE challenge = $1),
     i AS (SELECT payload FROM oidc_payloads WHERE model = 'Interaction' AND id = $1 AND (expires_at IS NULL OR expires_at > now())),
     ok AS (SELECT i.payload->'params'->>'lg_url' AS lg_url, (i.payload->>'exp')::numeric AS exp FROM i
       WHERE NOT EXISTS (SELECT 1 FROM h) AND ${LOADABLE} AND ${pending}),
     marked AS (
       INSERT INTO handled_challenges (challenge, kind, redirect_to, expires_at) SELECT $1, '${kind}', $2::text || ok.lg_url, now() + make_interval(secs => $3) FROM ok
       ON CONFLICT (challenge) DO NOTHING RETURNING 1),
     inserted AS (
       INSERT INTO oidc_payloads (model, id, payload, expires_at)
       SELECT $4::text, $5::text, $6::jsonb, now() + make_interval(secs => greatest(1, floor(ok.exp - floor(extract(epoch FROM now()))))::double precision) FROM ok WHERE EXISTS (SELECT 1 FROM marked) RETURNING 1)
     SELECT EXISTS (SELECT 1 FROM inserted) AS first, (SELECT lg_url FROM ok) AS lg_url, (SELECT redirect_to FROM h) AS redirect_to, ${answer}${lazy ? ' FROM lazy' : ''}`;
const MARK_PENDING_LOGIN = markPendingSql(
  'login',
  `i.payload->'prompt'->'name' = '"login"'::jsonb AND jsonb_typeof(i.payload->'prompt'->'details') = 'object'
         AND i.payload->'prompt'->'details'->'skip' IS DISTINCT FROM 'true'::jsonb`,
  '(SELECT payload FROM i) AS payload',
);
const MARK_PENDING_CONSENT = markPendingSql(
  'consent',
  `i.payload->'prompt'->'name' = '"consent"'::jsonb AND EXISTS (SELECT 1 FROM oauth2_clients c WHERE c.client_id = i.payload->'params'->>'client_id')`,
  'EXISTS (SELECT 1 FROM i) AS live',
);

/**
 * Issue 18: a login accept in one round trip. Marks the challenge handled and inserts the verifier's row (`verifier`:
 * its model, id and the route's decision) only when SQL can see everything the route would check before that
 * write: no handled mark, a live Interaction row that oidc-provider would load (kind, nbf/iat/exp/iss/aud as its
 * assertPayload checks them, exp not yet passed, without its clock tolerance), prompt "login" with details and no
 * skip, no result, no device code, and the client's own URL kept (lg_url, prompt not "login": the request URL is
 * `redirectPrefix` + lg_url, as requestUrl() builds it). Otherwise nothing is written and the row comes back as
 * readChallenge reads it, for the route's own checks and the two-statement path (the answer is never decided here).
 */
export async function markPendingLogin(db: Sql, challenge: string, redirectPrefix: string, markTtlSeconds: number, verifier: { model: string; id: string; payload: unknown }): Promise<{ first: true; lgUrl: string } | { first: false; redirectTo?: string; interaction?: Record<string, unknown> }> {
  const [row] = await sendLazily(db, true, (lazy) =>
    db.query<{ first: boolean; lg_url: string | null; redirect_to: string | null; payload: Record<string, unknown> | null }>(
      MARK_PENDING_LOGIN(lazy),
      [challenge, redirectPrefix, markTtlSeconds, verifier.model, verifier.id, JSON.stringify(verifier.payload)],
      { name: lazy ? 'lightgate_mark_pending_login_lazy' : 'lightgate_mark_pending_login' },
    ),
  );
  if (row?.first && row.lg_url !== null) return { first: true, lgUrl: row.lg_url };
  return { first: false, ...(row?.redirect_to ? { redirectTo: row.redirect_to } : {}), ...(row?.payload ? { interaction: row.payload } : {}) };
}

/**
 * Issue 18: a consent accept in one round trip. As markPendingLogin, for a pending consent (LOADABLE, prompt "consent")
 * whose client exists (else the accept is 404): the verifier's row holds the app's input alone, and the consent
 * verifier leg makes the Grant and the consent session from it and the interaction it takes (consent-at-leg.ts).
 * Otherwise nothing is written: the first redirect_to of a handled challenge, and whether a live interaction was there.
 */
export async function markPendingConsent(db: Sql, challenge: string, redirectPrefix: string, markTtlSeconds: number, verifier: { model: string; id: string; payload: unknown }): Promise<{ first: true; lgUrl: string } | { first: false; redirectTo?: string; live: boolean }> {
  const [row] = await sendLazily(db, true, (lazy) =>
    db.query<{ first: boolean; lg_url: string | null; redirect_to: string | null; live: boolean }>(
      MARK_PENDING_CONSENT(lazy),
      [challenge, redirectPrefix, markTtlSeconds, verifier.model, verifier.id, JSON.stringify(verifier.payload)],
      { name: lazy ? 'lightgate_mark_pending_consent_lazy' : 'lightgate_mark_pending_consent' },
    ),
  );
  if (row?.first && row.lg_url !== null) return { first: true, lgUrl: row.lg_url };
  return { first: false, ...(row?.redirect_to ? { redirectTo: row.redirect_to } : {}), live: row?.live ?? false };
}

/** Another row of the same decision, written only with a new mark: its parameters numbered from $first. */
export type AlsoInsert = (first: number) => AlsoRow | AlsoRow[];
type AlsoRow = { table: string; columns: string; values: string; params: unknown[] };

/** An oidc_payloads row as oidc-provider's adapter stores it (sql-adapter.ts: subject, client, expiry), as another row of a decision. */
export function payloadRow(model: string, id: string, payload: Record<string, unknown>, first: number): AlsoRow {
  const p = (n: number) => `$${first + n - 1}`;
  return {
    table: 'oidc_payloads',
    columns: 'model, id, payload, subject, client_id, expires_at',
    values: `${p(1)}::text, ${p(2)}::text, ${p(3)}::jsonb, ${p(4)}::text, ${p(5)}::text, to_timestamp(${p(6)}::bigint)`,
    params: [model, id, JSON.stringify(payload), payload.accountId ?? null, payload.clientId ?? null, typeof payload.exp === 'number' ? payload.exp : null],
  };
}

export interface HandledMark {
  challenge: string;
  kind: 'login' | 'consent' | 'logout';
  redirectTo: string;
  ttlSeconds: number;
}

/**
 * Marks the challenge handled and inserts the row (a Lightgate model of oidc_payloads) only when the mark is
 * new. Otherwise nothing is inserted and the first call's redirect_to comes back (the statement's snapshot
 * does not see its own insert, so a found redirect_to means an earlier call).
 */
export async function markAndInsert(db: Sql, mark: HandledMark, row: { model: string; id: string; payload: unknown; ttlSeconds: number }, also?: AlsoInsert): Promise<{ first: boolean; redirectTo: string }> {
  const more = [also?.(9) ?? []].flat();
  const [result] = await db.query<{ first: boolean; redirect_to: string | null }>(
    `WITH marked AS (
       INSERT INTO handled_challenges (challenge, kind, redirect_to, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       ON CONFLICT (challenge) DO NOTHING RETURNING 1),
     inserted AS (
       INSERT INTO oidc_payloads (model, id, payload, expires_at)
       SELECT $5, $6, $7::jsonb, now() + make_interval(secs => $8) WHERE EXISTS (SELECT 1 FROM marked) RETURNING 1)
     ${more.map((m, i) => `, also${i} AS (INSERT INTO ${m.table} (${m.columns}) SELECT ${m.values} WHERE EXISTS (SELECT 1 FROM marked))`).join('')}
     SELECT EXISTS (SELECT 1 FROM inserted) AS first, (SELECT redirect_to FROM handled_challenges WHERE challenge = $1) AS redirect_to`,
    [mark.challenge, mark.kind, mark.redirectTo, mark.ttlSeconds, row.model, row.id, JSON.stringify(row.payload), row.ttlSeconds, ...more.flatMap((m) => m.params)],
    { name: ['lightgate_mark_and_insert', ...more.map((m) => m.table)].join('_') },
  );
  return result?.first ? { first: true, redirectTo: mark.redirectTo } : { first: false, redirectTo: result?.redirect_to ?? mark.redirectTo };
}

/**
 * Deletes a Lightgate row (a flow verifier) and returns its payload when it was live, as takePayload does
 * (a second take finds nothing), reading in the same statement the interaction its decision names, that
 * interaction's client and, for a consent, the Grant the consent created: the verifier step and
 * oidc-provider's resume read them next, and find them here (known-rows.ts, this request only).
 * For the verifier leg of a login or consent (`resume`): the interaction is deleted in the same statement
 * (oidc-provider's resume deletes it next, and the flow ends with the verifier whatever follows; issue 18),
 * and the browser's session row is read (`sessionIds`: the candidate row ids of its session cookie). For a consent
 * accepted as the app's input alone (markPendingConsent), the remembered consents of its interaction come along.
 */
export async function takeWithInteraction<T extends { kind: string; challenge: string; result?: { consent?: { grantId?: unknown } } }>(db: Sql, model: string, id: string, resume?: { sessionIds: string[] }): Promise<T | undefined> {
  const sessionIds = resume?.sessionIds ?? [];
  // The interaction: deleted (resume) or read, while the verifier was live and names one.
  // Every row is found by its whole key (model and id), never by a join: a named statement's generic plan is made
  // on its sixth execution, often while the table is nearly empty, and a join planned then (a scan of every row of
  // the model) stayed in use as the table grew (the verifier legs went from 6 to 27 ms over 3,000 sign-ins on PGlite).
  const interactionId = `(SELECT t.payload->>'challenge' FROM taken t WHERE t.live AND t.payload->>'kind' IN ('login', 'consent'))`;
  const interaction = resume
    ? `ended AS (DELETE FROM oidc_payloads i WHERE i.model = 'Interaction' AND i.id = ${interactionId}
         RETURNING i.payload, (i.expires_at IS NULL OR i.expires_at > now()) AS live)`
    : `ended AS (SELECT i.payload, true AS live FROM oidc_payloads i WHERE i.model = 'Interaction' AND i.id = (SELECT t.payload->>'challenge' FROM taken t) AND (i.expires_at IS NULL OR i.expires_at > now()))`;
  const session = sessionIds.length
    ? `(SELECT s.payload FROM oidc_payloads s WHERE s.model = 'Session' AND (s.expires_at IS NULL OR s.expires_at > now()) AND s.id IN (${placeholders(3, sessionIds.length)})${candidateOrder('s.id', 3, sessionIds.length)} LIMIT 1)`
    : 'NULL::jsonb';
  const [row] = await db.query<{ payload: T; live: boolean; interaction: Record<string, unknown> | null; grant: Record<string, unknown> | null; client: Record<string, unknown> | null; session: Record<string, unknown> | null; remembered: RememberedDetails[] | null }>(
    `WITH taken AS (DELETE FROM oidc_payloads WHERE model = $1 AND id = $2 RETURNING payload, expires_at > now() AS live),
     ${interaction},
     kept AS (SELECT payload FROM ended WHERE live)
     SELECT t.payload, t.live, i.payload AS interaction, ${session} AS session,
            (SELECT g.payload FROM oidc_payloads g WHERE g.model = 'Grant' AND g.id = t.payload->'result'->'consent'->>'grantId' AND (g.expires_at IS NULL OR g.expires_at > now())) AS grant,
            (SELECT row_to_json(c) FROM oauth2_clients c WHERE c.client_id = i.payload->'params'->>'client_id') AS client,
            CASE WHEN t.payload ? 'accept' THEN (SELECT coalesce(json_agg(r.granted_authorization_details ORDER BY r.handled_at DESC), '[]') FROM (${REMEMBERED}) r) END AS remembered
       FROM taken t
       LEFT JOIN kept i ON true`,
    [model, id, ...sessionIds],
    { name: resume ? named('lightgate_take_to_resume', sessionIds.length) : 'lightgate_take_with_interaction' },
  );
  if (!row?.live) return undefined;
  // A logout decision names a logout challenge, not an interaction.
  if (row.payload.kind !== 'logout' && typeof row.payload.challenge === 'string') {
    rememberRow('Interaction', row.payload.challenge, row.interaction);
    // Its row is gone already: oidc-provider's destroy() sends nothing more (a later save writes it again).
    if (resume) deletedInDatabase('Interaction', row.payload.challenge);
  }
  if (sessionIds[0]) rememberRow('Session', sessionIds[0], row.session);
  const clientId = (row.interaction?.params as { client_id?: unknown } | undefined)?.client_id;
  if (typeof clientId === 'string') rememberRow(STORED_CLIENT, clientId, row.client);
  const grantId = row.payload.result?.consent?.grantId;
  if (typeof grantId === 'string') rememberRow('Grant', grantId, row.grant);
  // A consent accepted in one statement (markPendingConsent) is decided at the leg: with the remembered consents.
  return row.remembered ? { ...row.payload, remembered: row.remembered } : row.payload;
}
