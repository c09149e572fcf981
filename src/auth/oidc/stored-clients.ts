// The stored client (oauth2_clients) as the auth server's hooks and sql-adapter.ts's Client model see it:
// whether oidc-provider may use it, and one read per request (issue 18).
import Provider from 'oidc-provider';
import type { FastifyRequest } from 'fastify';
import { effectiveGrantTypes } from '../domain/client.ts';
import { storedClientFromJson, type ClientRepository } from '../services/client-repository.ts';
import { knownRow, STORED_CLIENT } from './known-rows.ts';
import { HYDRA_ROUTES } from './routes.ts';

/** A repository's read of one client: each auth server passes its own (two in one process read two databases). */
export type StoredClientOf = ClientRepository['find'];

/** Whether oidc-provider sees the stored client at all. */
export function usableClient(stored: NonNullable<Awaited<ReturnType<StoredClientOf>>>): boolean {
  // Only active clients exist for the protocol: pending and suspended ones can neither start a flow nor get tokens.
  if (stored.status !== 'active') return false;
  // A code-flow client without redirect URIs is accepted by the admin API (as Hydra does) but cannot be used.
  return !(effectiveGrantTypes(stored.client).includes('authorization_code') && stored.client.redirect_uris.length === 0);
}

/**
 * The stored client, read once per request: oidc-provider's Client model and Lightgate's own hooks (Hydra's
 * scope rule, grant budgets) each ask for it (issue 18). Keyed by the request's Koa context (oidc-provider's
 * Provider.ctx inside its routes; middleware before them passes its ctx), so nothing outlives the request:
 * a suspension is seen by the next one, and token writes still lock the client row (sql-adapter.ts, upsert).
 */
const perRequest = new WeakMap<object, Map<string, ReturnType<StoredClientOf>>>();
/** The client read with the request's rate-limit count (countedClientId), keyed by the Node request (Koa's ctx.req). */
const readWithCount = new WeakMap<object, { id: string; row: unknown }>();

/** Endpoints where the client authenticates itself (client_secret_basic carries its id in a header). */
const CLIENT_AUTHENTICATED = new Set<string>([HYDRA_ROUTES.token, HYDRA_ROUTES.revocation, HYDRA_ROUTES.pushed_authorization_request, HYDRA_ROUTES.device_authorization]);

/** The id of RFC 6749 section 2.3.1's Basic credentials, decoded as oidc-provider decodes it (client_auth.js). */
function basicClientId(authorization: string | undefined): string | undefined {
  if (!authorization || authorization.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, '%20'));
  } catch {
    return undefined; // oidc-provider refuses it; nothing to read ahead.
  }
}

/**
 * The id of the request's client, to read in its rate-limit counting statement (issue 18: one round trip fewer per
 * authorization request and per client-authenticated call such as a code exchange or a refresh; request-read-along.ts).
 * Same row and columns as the repository's find, in the same request; only a read ahead: storedClientOf uses it
 * when the id oidc-provider asks for is this one, and reads as usual otherwise (client_secret_post, whose id is in
 * the body, or a claimed id that is not the authenticated one).
 */
export function countedClientId(request: FastifyRequest): string | undefined {
  let id: unknown;
  if (request.method === 'GET' && request.url.startsWith(`${HYDRA_ROUTES.authorization}?`)) id = (request.query as Record<string, unknown> | undefined)?.client_id;
  else if (request.method === 'POST' && CLIENT_AUTHENTICATED.has(request.url.split('?', 1)[0]!)) id = basicClientId(request.headers.authorization);
  // Text PostgreSQL cannot hold (NUL, lone surrogates) is left to the usual read.
  return typeof id === 'string' && id.length <= 1024 && !id.includes('\u0000') && id.isWellFormed() ? id : undefined;
}

/** The client row (null: none) read with the count for this Node request (Koa's ctx.req). */
export function rememberCountedClient(req: object, id: string, row: unknown): void {
  readWithCount.set(req, { id, row });
}

export function storedClientOf(id: string, clientsOf: StoredClientOf, ctx: object | undefined = Provider.ctx): ReturnType<StoredClientOf> {
  if (!ctx) return clientsOf(id);
  let known = perRequest.get(ctx);
  if (!known) perRequest.set(ctx, (known = new Map()));
  let found = known.get(id);
  if (!found) {
    // Read with the verifier leg's interaction, in this request (challenge-rows.ts takeWithInteraction).
    const counted = readWithCount.get((ctx as { req?: object }).req ?? ctx);
    const row = counted?.id === id ? counted.row : knownRow(STORED_CLIENT, id);
    const read = row === undefined ? clientsOf(id) : Promise.resolve(row ? storedClientFromJson(row as Parameters<typeof storedClientFromJson>[0]) : undefined);
    known.set(id, (found = read));
    found.catch(() => known.delete(id));
  }
  return found;
}
