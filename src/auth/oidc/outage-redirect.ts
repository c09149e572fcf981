// While the database is unreachable the authorization endpoint cannot load the client, so it cannot
// check a redirect URI and shows an error page. For a client whose redirect URIs this process read
// recently, the exact registered URI is still known: report the outage to it as RFC 6749 section
// 4.1.2.1 says (error=temporarily_unavailable, state, and iss per RFC 9207). Only the error travels
// this way; nothing proceeds with the remembered client.
import type { KoaContextWithOIDC } from 'oidc-provider';

const MAX_CLIENTS = 10_000;
const TTL_MS = 60 * 60_000;
const known = new Map<string, { uris: readonly string[]; at: number }>();

/** Called whenever the adapter reads a client: remembers an active client's URIs, forgets any other. */
export function rememberRedirectUris(clientId: string, uris: readonly string[] | undefined): void {
  known.delete(clientId);
  if (!uris?.length) return;
  if (known.size >= MAX_CLIENTS) known.delete(known.keys().next().value!);
  known.set(clientId, { uris, at: Date.now() });
}

function knownRedirect(clientId: string, requested: string | undefined): string | undefined {
  const entry = known.get(clientId);
  if (!entry || Date.now() - entry.at > TTL_MS) return undefined;
  if (requested === undefined) return entry.uris.length === 1 ? entry.uris[0] : undefined;
  return entry.uris.includes(requested) ? requested : undefined;
}

const one = (v: unknown): string | undefined => (typeof v === 'string' && v.length <= 2048 ? v : undefined);

export function outageRedirect(authorizationPath: string, issuer: string) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    try {
      await next();
    } catch (error) {
      // oidc-provider's error handler sits outside this middleware: the outage arrives as a thrown 503.
      if ((error as { status?: number }).status !== 503 || ctx.path !== authorizationPath || !redirectOutage(ctx, issuer)) throw error;
    }
  };
}

function redirectOutage(ctx: KoaContextWithOIDC, issuer: string): boolean {
  const params = (ctx.method === 'GET' ? ctx.query : (ctx.oidc?.params ?? {})) as Record<string, unknown>;
  const clientId = one(params.client_id);
  const target = clientId ? knownRedirect(clientId, one(params.redirect_uri)) : undefined;
  if (!target) return false;
  const url = new URL(target);
  url.searchParams.set('error', 'temporarily_unavailable');
  url.searchParams.set('error_description', 'The authorization server is temporarily unavailable; try again in a moment.');
  const state = one(params.state);
  if (state) url.searchParams.set('state', state);
  url.searchParams.set('iss', issuer);
  ctx.set('retry-after', '5');
  ctx.redirect(url.href);
  ctx.status = 303;
  return true;
}
