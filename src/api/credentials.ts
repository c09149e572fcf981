// The three credentials of the wallet API, checked on every request:
//   Oauth2-Token: <access token>     introspected through the HydraAdmin port (scopes of the grant)
//   X-API-KEY: <key>                 the user's API key (its scopes)
//   Authorization: Bearer <token>    a first-party session from /auth/* (every scope)
// A credential that is present but bad is refused (401), never treated as anonymous.
import { createHash } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { HydraAdmin } from '../hydra-port/port.ts';
import { API_KEY_REVOKED_CHANNEL, touchApiKey, verifyApiKey, type VerifiedApiKey } from '../api-keys/api-keys-service.ts';
import { ALL_SCOPES, parseScopeString, type Scope } from './scopes.ts';
import type { UserId } from '../shared/brand.ts';
import { err, ok, type Result } from '../shared/result.ts';
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
}

export interface CredentialError {
  /** temporarily_unavailable: the authorization server could not be asked (503, not 401). */
  error: 'invalid_token' | 'invalid_request' | 'temporarily_unavailable';
  description: string;
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
  /** ok(undefined) for an anonymous request; err for a present but bad credential. */
  check(headers: Headers): Promise<Result<Principal | undefined, CredentialError>>;
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
      cached = usable ? { kind: 'oauth2', userId: t.sub as UserId, scopes: new Set(parseScopeString(t.scope)), clientId: t.client_id! } : 'inactive';
      // Never cache an active token past its own expiry.
      oauthCache.set(key, cached, usable && t.exp !== undefined ? t.exp - now : undefined);
    }
    return cached === 'inactive' ? bad('The access token is not active') : ok(cached);
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
    async check(headers) {
      const oauthToken = single(headers, 'oauth2-token');
      const key = single(headers, 'x-api-key');
      const authorization = single(headers, 'authorization');
      const present = [oauthToken, key, authorization].filter((v) => v !== undefined);
      if (present.length === 0) return ok(undefined);
      if (present.length > 1 || present.includes(null)) return err({ error: 'invalid_request', description: 'Send exactly one credential: Oauth2-Token, X-API-KEY or Authorization' });
      const value = (present[0] as string).trim();
      if (!value || value.length > MAX_CREDENTIAL_LENGTH) return bad('The credential is empty or too long');
      if (oauthToken !== undefined) return oauth2(value);
      if (key !== undefined) return apiKey(value);
      const bearer = /^Bearer\s+(\S+)$/i.exec(value);
      if (!bearer) return bad('Authorization must use the Bearer scheme');
      return session(bearer[1]!);
    },
    close: () => unlisten(),
  };
}
