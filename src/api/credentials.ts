// The three credentials of the wallet API, checked on every request:
//   Oauth2-Token: <access token>     introspected through the HydraAdmin port (scopes of the grant)
//   X-API-KEY: <key>                 the user's API key (its scopes)
//   Authorization: Bearer <token>    a first-party session from /auth/* (every scope)
//   Authorization: DPoP <token>      an access token bound to a key (RFC 9449), as Oauth2-Token
// A DPoP-bound token (cnf.jkt in its introspection) counts only with a `DPoP: <proof>` header signed by
// that key for this request (issue 16; ../shared/dpop/proof.ts), whichever of the two headers carries it.
// A credential that is present but bad is refused (401), never treated as anonymous.
import { createHash } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { HydraAdmin } from '../hydra-port/port.ts';
import { API_KEY_REVOKED_CHANNEL, touchApiKey, verifyApiKey, type VerifiedApiKey } from '../api-keys/api-keys-service.ts';
import { ALL_SCOPES, parseScopeString, type Scope } from './scopes.ts';
import type { UserId } from '../shared/brand.ts';
import { err, ok, type Result } from '../shared/result.ts';
import type { DpopVerifier } from '../shared/dpop/proof.ts';
import { TtlCache } from './ttl-cache.ts';

export type CredentialKind = 'oauth2' | 'api_key' | 'session';

export interface Principal {
  kind: CredentialKind;
  userId: UserId;
  scopes: ReadonlySet<Scope>;
  clientId?: string;
  apiKeyId?: string;
  sessionId?: string;
  /** The raw session token (only for userLogout of a session). */
  sessionToken?: string;
  /** An OAuth token's DPoP binding (RFC 9449 cnf.jkt): the thumbprint of the key its proofs are signed with. */
  jkt?: string;
}

export interface CredentialError {
  /** temporarily_unavailable: the authorization server could not be asked (503, not 401). */
  error: 'invalid_token' | 'invalid_request' | 'temporarily_unavailable' | 'invalid_dpop_proof' | 'use_dpop_nonce';
  description: string;
  /** The scheme to challenge with (WWW-Authenticate): DPoP for a DPoP-bound or DPoP-presented token. */
  scheme?: 'DPoP';
}

export interface SessionVerifier {
  verifySessionToken(token: string): Promise<{ userId: UserId; sessionId: string } | undefined>;
}

export interface CredentialCheckerDeps {
  db: Database;
  hydra: Pick<HydraAdmin, 'introspect'>;
  identity: SessionVerifier;
  /** At most config.cacheTtlSeconds, so revocation reaches every process within that time. */
  cacheTtlSeconds: number;
  maxCacheEntries?: number;
  /** DPoP proofs for bound tokens: the verifier and the configured public URL of the endpoint (its htu). */
  dpop?: { verify: DpopVerifier; url: string };
}

type Headers = Record<string, string | string[] | undefined>;

const MAX_CREDENTIAL_LENGTH = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tokenKey = (token: string): string => createHash('sha256').update(token).digest('base64url');

function single(headers: Headers, name: string): string | undefined | null {
  const v = headers[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return null;
  return v;
}

export interface CredentialChecker {
  /**
   * ok(undefined) for an anonymous request; err for a present but bad credential. `method`: for DPoP's htm.
   * `recheck`: the credential of a connection whose DPoP proof was verified when it opened (subscriptions,
   * issue 13): the token's state is checked again, its proof (single use) is not.
   */
  check(headers: Headers, method?: string, options?: { recheck?: boolean }): Promise<Result<Principal | undefined, CredentialError>>;
  close(): Promise<void>;
}

export async function createCredentialChecker(deps: CredentialCheckerDeps): Promise<CredentialChecker> {
  const maxEntries = deps.maxCacheEntries ?? 10_000;
  const oauthCache = new TtlCache<Principal | 'inactive'>({ ttlSeconds: deps.cacheTtlSeconds, maxEntries });
  const apiKeyCache = new TtlCache<VerifiedApiKey | 'invalid'>({ ttlSeconds: deps.cacheTtlSeconds, maxEntries });
  const touched = new TtlCache<true>({ ttlSeconds: 60, maxEntries });
  const unlisten = await deps.db
    .listen(API_KEY_REVOKED_CHANNEL, (id) => apiKeyCache.deleteWhere((v) => v !== 'invalid' && v.id === id))
    .catch(() => async () => {});

  const bad = (description: string): Result<never, CredentialError> => err({ error: 'invalid_token', description });

  async function oauth2(token: string): Promise<Result<Principal, CredentialError>> {
    const key = tokenKey(token);
    let cached = oauthCache.get(key);
    if (cached === undefined) {
      const introspected = await deps.hydra.introspect(token).catch(() => undefined);
      if (!introspected || (!introspected.ok && introspected.error.status >= 500)) {
        return err({ error: 'temporarily_unavailable', description: 'The authorization server is unavailable; try again' });
      }
      const t = introspected.ok ? introspected.value : { active: false };
      const now = Math.floor(Date.now() / 1000);
      // The wallet API acts for a user: a token without a user subject (client_credentials: sub = client) is refused.
      const usable = t.active && t.sub && UUID.test(t.sub) && t.client_id && t.sub !== t.client_id && (t.token_use === undefined || t.token_use === 'access_token') && (t.exp === undefined || t.exp > now);
      const jkt = typeof t.cnf?.jkt === 'string' ? t.cnf.jkt : undefined;
      cached = usable ? { kind: 'oauth2', userId: t.sub as UserId, scopes: new Set(parseScopeString(t.scope)), clientId: t.client_id!, ...(jkt ? { jkt } : {}) } : 'inactive';
      // Never cache an active token past its own expiry.
      oauthCache.set(key, cached, usable && t.exp !== undefined ? t.exp - now : undefined);
    }
    return cached === 'inactive' ? bad('The access token is not active') : ok(cached);
  }

  /** RFC 9449 section 7: a bound token needs a proof by its key; a token sent with the DPoP scheme must be bound. */
  async function proven(token: string, principal: Principal, dpopScheme: boolean, proof: string | undefined | null, method: string, recheck: boolean): Promise<Result<Principal, CredentialError>> {
    const refuse = (error: CredentialError['error'], description: string): Result<never, CredentialError> => err({ error, description, scheme: 'DPoP' });
    if (!principal.jkt) return dpopScheme ? refuse('invalid_token', 'The access token is not DPoP-bound: send it as Oauth2-Token') : ok(principal);
    if (!deps.dpop) return refuse('invalid_token', 'DPoP-bound tokens are not accepted here');
    if (proof === null) return refuse('invalid_dpop_proof', 'Send exactly one DPoP header');
    if (proof === undefined) return refuse('invalid_token', 'The access token is DPoP-bound: send a DPoP proof with it');
    if (recheck) return ok(principal);
    const checked = await deps.dpop.verify({ proof: proof.trim(), method, url: deps.dpop.url, accessToken: token, jkt: principal.jkt });
    return checked.ok ? ok(principal) : refuse(checked.error.error, checked.error.description);
  }

  async function apiKey(key: string): Promise<Result<Principal, CredentialError>> {
    const cacheKey = tokenKey(key);
    let cached = apiKeyCache.get(cacheKey);
    if (cached === undefined) {
      cached = (await verifyApiKey(deps.db, key)) ?? 'invalid';
      const ttl = cached !== 'invalid' && cached.expiresAt ? (cached.expiresAt.getTime() - Date.now()) / 1000 : undefined;
      apiKeyCache.set(cacheKey, cached, ttl);
    }
    if (cached === 'invalid' || (cached.expiresAt && cached.expiresAt.getTime() <= Date.now())) return bad('The API key is unknown, expired or revoked');
    if (!touched.get(cached.id)) {
      touched.set(cached.id, true);
      await touchApiKey(deps.db, cached.id);
    }
    return ok({ kind: 'api_key', userId: cached.userId, scopes: new Set(cached.scopes), apiKeyId: cached.id });
  }

  async function session(token: string): Promise<Result<Principal, CredentialError>> {
    const verified = await deps.identity.verifySessionToken(token);
    if (!verified) return bad('The session token is not valid');
    // A first-party session holds every scope.
    return ok({ kind: 'session', userId: verified.userId, scopes: new Set(ALL_SCOPES), sessionId: verified.sessionId, sessionToken: token });
  }

  return {
    async check(headers, method = 'POST', options = {}) {
      const oauthToken = single(headers, 'oauth2-token');
      const key = single(headers, 'x-api-key');
      const authorization = single(headers, 'authorization');
      const present = [oauthToken, key, authorization].filter((v) => v !== undefined);
      if (present.length === 0) return ok(undefined);
      if (present.length > 1 || present.includes(null)) return err({ error: 'invalid_request', description: 'Send exactly one credential: Oauth2-Token, X-API-KEY or Authorization' });
      const value = (present[0] as string).trim();
      if (!value || value.length > MAX_CREDENTIAL_LENGTH) return bad('The credential is empty or too long');
      const dpopScheme = authorization !== undefined ? /^DPoP\s+(\S+)$/i.exec(value) : null;
      if (oauthToken !== undefined || dpopScheme) {
        const token = dpopScheme ? dpopScheme[1]! : value;
        const principal = await oauth2(token);
        if (!principal.ok) return dpopScheme ? err({ ...principal.error, scheme: 'DPoP' }) : principal;
        return proven(token, principal.value, Boolean(dpopScheme), single(headers, 'dpop'), method, options.recheck === true);
      }
      if (key !== undefined) return apiKey(value);
      const bearer = /^Bearer\s+(\S+)$/i.exec(value);
      if (!bearer) return bad('Authorization must use the Bearer or DPoP scheme');
      return session(bearer[1]!);
    },
    close: () => unlisten(),
  };
}
