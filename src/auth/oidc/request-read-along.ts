// What the public server's requests read in their rate-limit counting statement (issue 18, request-rate.ts):
// the client of an authorization request or of a client_secret_basic call, and at the token endpoint the code or
// refresh token with its Grant and consent claims (grant-prefetch.ts's read): a code exchange or a refresh then
// reads nothing before the statement that spends its token and stores the new ones. Only reads ahead, kept for
// the request that made them: storedClientOf and the adapter's find use them when oidc-provider asks for that
// same client, or that same model and value; anything else is read as usual.
import { parse } from 'node:querystring';
import type { FastifyRequest } from 'fastify';
import type { RequestReadAlong } from '../../shared/limits/plugin.ts';
import { peekBody } from './body-peek.ts';
import { rememberTokenAhead, type AheadRow } from './grant-prefetch.ts';
import { named } from './id-params.ts';
import { HYDRA_ROUTES } from './routes.ts';
import { countedClientId, rememberCountedClient } from './stored-clients.ts';
import { requestCandidates, type TokenIds } from './token-ids.ts';

/** oidc-provider's own body limit (selective_body.js): larger bodies are its to refuse, and are not read ahead. */
const BODY_LIMIT = 56 * 1024;
/** RFC 6749 sections 4.1.3 and 6: the grant types whose token request presents a stored code or refresh token. */
const PRESENTED = { authorization_code: ['AuthorizationCode', 'code'], refresh_token: ['RefreshToken', 'refresh_token'] } as const;

/** One request's reads, as the JSON text of its id: `c` a client id, `m` and `t` a model and its candidate row ids. */
type Reads = { c?: string; m?: string; t?: string[] };

// One row per request id: its client (row_to_json, as the repository's find reads it) and its token (findWithGrant's
// row: the first candidate's live row, its live Grant and the consent claims). consumed_at as epoch seconds.
// The ids go through JSON, not unnest: PostgreSQL sizes unnest by the array at hand (1 id) in a custom plan and by a
// default in the generic one, which then looked dearer every time and the statement was planned on every execution
// (test/auth/statement-plans.test.ts); json_array_elements_text is sized alike in both. Every row is looked up by its
// whole key (model and each candidate id, the grant id), never joined nor matched against an array: the generic plan is made on a connection's sixth execution,
// often while the tables are nearly empty, and a join planned then (a hash of every code, a scan of every Grant, a scan of every code filtered by the ids)
// stayed in use as they grew (2x the database's CPU per code exchange on the benchmark before this form).
function select(candidates: number): string {
  // The candidates one by one (id-params.ts: one text per count): the index is then searched by model and id.
  const ids = Array.from({ length: candidates }, (_, i) => `r.k::json->'t'->>${i}`).join(', ');
  return `SELECT r.k, json_build_object(
    'client', (SELECT row_to_json(c) FROM oauth2_clients c WHERE c.client_id = r.k::json->>'c'),
    'token', (SELECT json_build_object('id', p.id, 'payload', p.payload, 'consumed_at', extract(epoch FROM p.consumed_at), 'grant_id', p.grant_id,
        'grant_payload', (SELECT g.payload FROM oidc_payloads g WHERE g.model = 'Grant' AND g.id = p.grant_id AND (g.expires_at IS NULL OR g.expires_at > now())),
        'claims', (SELECT cs.session_claims->'id_token' FROM consent_sessions cs WHERE cs.grant_id = p.grant_id))
       FROM oidc_payloads p
      WHERE p.model = r.k::json->>'m' AND p.id IN (${ids}) AND (p.expires_at IS NULL OR p.expires_at > now())
      ${candidates > 1 ? `ORDER BY array_position(ARRAY[${ids}], p.id) ` : ''}LIMIT 1))
  FROM json_array_elements_text(array_to_json($ids)) AS r(k)`;
}

/** The code or refresh token of a token request's form body, as the adapter's find will look it up. */
async function presentedToken(request: FastifyRequest, ids: TokenIds): Promise<{ model: string; rowIds: string[] } | undefined> {
  if (request.method !== 'POST' || request.url.split('?', 1)[0] !== HYDRA_ROUTES.token) return undefined;
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || type.split(';', 1)[0]!.trim().toLowerCase() !== 'application/x-www-form-urlencoded') return undefined;
  // Only a declared length within oidc-provider's limit; chunked or oversized bodies stay its alone.
  const declared = request.headers['content-length'];
  if (request.headers['transfer-encoding'] !== undefined || typeof declared !== 'string' || !/^\d{1,5}$/.test(declared)) return undefined;
  const length = Number(declared);
  if (length === 0 || length > BODY_LIMIT) return undefined;
  const body = await peekBody(request.raw, length);
  if (!body) return undefined;
  // Parsed as oidc-provider parses it; duplicated parameters (arrays) are its to refuse.
  const params = parse(body.toString());
  const grant = params.grant_type;
  if (grant !== 'authorization_code' && grant !== 'refresh_token') return undefined;
  const [model, field] = PRESENTED[grant];
  const value = params[field];
  if (typeof value !== 'string' || !value || value.length > 4096 || ids.dereference(value)) return undefined;
  return { model, rowIds: requestCandidates(ids, request.raw, value) };
}

export function createRequestReadAlong(ids: TokenIds): RequestReadAlong {
  const candidates = ids.candidates('').length;
  return {
    name: named('lightgate_rate_limit_count_reads', candidates),
    select: select(candidates),
    async idOf(request) {
      const reads: Reads = {};
      const client = countedClientId(request);
      if (client !== undefined) reads.c = client;
      const token = await presentedToken(request, ids);
      if (token) {
        reads.m = token.model;
        reads.t = token.rowIds;
      }
      return reads.c === undefined && !reads.m ? undefined : JSON.stringify(reads);
    },
    found(request, id, row) {
      if (!row) return; // Not answered: everything is read as usual.
      const reads = JSON.parse(id) as Reads;
      const { client, token } = row as { client: unknown; token: AheadRow | null };
      if (reads.c !== undefined) rememberCountedClient(request.raw, reads.c, client ?? null);
      if (reads.m && reads.t) rememberTokenAhead(request.raw, reads.m, reads.t, token ?? null);
    },
  };
}
