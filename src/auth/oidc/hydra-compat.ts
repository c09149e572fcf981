// Koa middleware in front of oidc-provider that gives it Hydra's observable behaviour at /oauth2/auth:
// a client's scope allow-list, and refresh tokens for offline_access without prompt=consent.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { HYDRA_ROUTES } from './routes.ts';
import { DatabaseUnavailableError } from '../../db/database.ts';
import { unavailable } from './error-map.ts';
import { storedClientOf, usableClient, type StoredClientOf } from './stored-clients.ts';

type Query = Record<string, string | string[] | undefined>;
type Next = () => Promise<unknown>;

/**
 * RFC 6749 section 4.1.2.1: an error goes back to the client only when the redirect_uri is the client's own;
 * otherwise oidc-provider renders its error page. RFC 9207: with `iss`.
 */
export async function redirectError(provider: Provider, ctx: KoaContextWithOIDC, query: Query, error: string, description: string, next: Next) {
  const clientId = typeof query.client_id === 'string' ? query.client_id : undefined;
  const redirectUri = typeof query.redirect_uri === 'string' ? query.redirect_uri : undefined;
  const client = clientId ? await provider.Client.find(clientId) : undefined;
  if (!client || !redirectUri || !client.redirectUriAllowed(redirectUri)) return next();
  const target = new URL(redirectUri);
  target.searchParams.set('error', error);
  target.searchParams.set('error_description', description);
  if (typeof query.state === 'string') target.searchParams.set('state', query.state);
  target.searchParams.set('iss', provider.issuer);
  ctx.status = 303;
  ctx.redirect(target.href);
}

/**
 * Hydra answers /userinfo for any valid access token, with or without the openid scope (Blink's guide asks for
 * scope "read" alone and its NextAuth provider reads `sub` from userinfo); oidc-provider refuses a token without
 * openid. Such a token gets `{ sub }` here; every other request goes on to oidc-provider.
 */
async function userinfoWithoutOpenid(provider: Provider, ctx: KoaContextWithOIDC, next: Next) {
  const value = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
  const token = value ? await provider.AccessToken.find(value) : undefined;
  if (!token || token.scopes.has('openid') || token.isSenderConstrained() || !token.accountId) return next();
  const grant = token.grantId ? await provider.Grant.find(token.grantId) : undefined;
  if (!grant || !token.clientId || !(await provider.Client.find(token.clientId))) return next();
  ctx.set('cache-control', 'no-store');
  ctx.body = { sub: token.accountId };
}

/**
 * What oidc-provider reads as the request's query from here on (ctx.query; its assembleParams). Koa keeps its parse
 * of the query string in a cache: this object replaces that parse, and the URL stays as the client sent it (ctx.href
 * and ctx.URL follow the original URL anyway, request-origin.ts). Koa's setter (ctx.query = …) would write the query
 * string and URL again and parse them once more (issue 18: ~15-30 µs per authorization request); it remains the
 * fallback should Koa keep its parse elsewhere.
 */
function replaceQuery(ctx: KoaContextWithOIDC, query: Query) {
  const request = ctx.request as { _querycache?: Record<string, unknown> };
  if (request._querycache) request._querycache[ctx.querystring] = query;
  if (ctx.query !== query) ctx.query = query as Record<string, string>;
}

export interface CompatDeps {
  /** The confirmation secret (xsrf) of an accepted logout challenge, once; undefined when unknown or used. */
  confirmLogout(verifier: string): Promise<string | undefined>;
  /** This server's client repository (the adapter reads through its own; stored-clients.ts). */
  clientsOf: StoredClientOf;
}

export function hydraCompat(provider: Provider, deps: CompatDeps) {
  return async (ctx: KoaContextWithOIDC, next: Next) => {
    if (ctx.path === HYDRA_ROUTES.end_session && ctx.method === 'GET' && typeof ctx.query.logout_verifier === 'string') {
      // Hydra's logout verifier: the logout app accepted. Confirm with oidc-provider's own end_session_confirm
      // (as if its confirmation form had been posted), so the browser needs no script.
      const xsrf = await deps.confirmLogout(ctx.query.logout_verifier);
      if (!xsrf) {
        ctx.status = 404;
        ctx.type = 'html';
        ctx.body = '<!doctype html><title>Sign out</title><p>This sign-out request is unknown, expired or already used.</p>';
        return;
      }
      ctx.method = 'POST';
      ctx.path = `${HYDRA_ROUTES.end_session}/confirm`;
      ctx.querystring = '';
      const body = new URLSearchParams({ xsrf, logout: 'yes' }).toString();
      ctx.req.headers['content-type'] = 'application/x-www-form-urlencoded';
      ctx.req.headers['content-length'] = String(Buffer.byteLength(body));
      Object.defineProperty(ctx.req, 'readable', { value: false });
      (ctx.req as unknown as { body: string }).body = body;
      return next();
    }
    if (ctx.path === HYDRA_ROUTES.userinfo && (ctx.method === 'GET' || ctx.method === 'POST')) return userinfoWithoutOpenid(provider, ctx, next);
    if (ctx.path !== HYDRA_ROUTES.authorization || ctx.method !== 'GET') return next();
    const query = { ...ctx.query } as Query;

    // ?login_verifier= / ?consent_verifier= never get here: verifier-step.ts answers them.

    // Hydra's rule: a client gets only the scopes it is registered for; anything else is invalid_scope.
    const clientId = typeof query.client_id === 'string' ? query.client_id : undefined;
    const scopes = typeof query.scope === 'string' ? query.scope.split(' ').filter(Boolean) : [];
    if (clientId && scopes.length) {
      // The stored client, read once for this request: oidc-provider's own lookup follows (stored-clients.ts).
      // An outage is oidc-provider's 503 (outage-redirect.ts reports it to a known client), never a 500.
      const stored = await storedClientOf(clientId, deps.clientsOf, ctx).catch((error: unknown) => {
        throw error instanceof DatabaseUnavailableError ? unavailable(error) : error;
      });
      if (stored && usableClient(stored)) {
        const registered = new Set((stored.client.scope ?? '').split(' '));
        const extra = scopes.filter((s) => !registered.has(s));
        if (extra.length) return redirectError(provider, ctx, query, 'invalid_scope', `The client is not allowed to request scope "${extra[0]}"`, next);
      }
    }

    // oidc-provider drops offline_access unless prompt=consent. Every request reaches the consent app anyway,
    // so add the prompt and keep the client's own value in lg_prompt ('-' for none: empty parameters are dropped).
    delete query.lg_prompt;
    delete query.lg_url;
    // Hydra reports the client's URL verbatim (request_url); keep its query before anything is added.
    query.lg_url = ctx.querystring;
    const prompt = typeof query.prompt === 'string' ? query.prompt : '';
    const prompts = prompt.split(' ').filter(Boolean);
    if (scopes.includes('offline_access') && !prompts.includes('consent') && !prompts.includes('none')) {
      query.lg_prompt = prompt || '-';
      query.prompt = [...prompts, 'consent'].join(' ');
    }
    replaceQuery(ctx, query);
    return next();
  };
}
