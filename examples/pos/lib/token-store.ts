// The merchants' OAuth tokens live on the server only (issue 19 #16): the browser's NextAuth session cookie
// carries a random session id, and /api/auth/session (useSession) never returns a token. This store is in
// memory, in one process: a real deployment keeps it in its database or Redis, keyed the same way.
import { randomUUID } from "node:crypto";

export interface StoredTokens {
  accessToken: string;
  /** Epoch seconds. */
  expiresAt?: number;
  refreshToken?: string;
}

const MAX_SESSIONS = 10_000;
// On globalThis: Next.js may load this module once per route bundle; all of them must share one store.
const shared = globalThis as typeof globalThis & { __posTokenStore?: Map<string, StoredTokens>; __posRefreshing?: Map<string, Promise<boolean>> };
const store = (shared.__posTokenStore ??= new Map<string, StoredTokens>());
const refreshing = (shared.__posRefreshing ??= new Map<string, Promise<boolean>>());

/** Keeps the tokens of a new sign-in; returns the session id for the cookie. */
export function saveTokens(tokens: StoredTokens): string {
  const sid = randomUUID();
  store.set(sid, tokens);
  // Bounded: the oldest sign-ins go first (Map keeps insertion order).
  while (store.size > MAX_SESSIONS) store.delete(store.keys().next().value!);
  return sid;
}

export const readTokens = (sid: string | undefined): StoredTokens | undefined => (sid ? store.get(sid) : undefined);

export function forgetTokens(sid: string | undefined): void {
  if (sid) store.delete(sid);
}

/**
 * Runs one refresh per session at a time: two requests refreshing with the same refresh token would make the
 * server see a reused (rotated) token and revoke the whole grant.
 */
export function refreshOnce(sid: string, refresh: (tokens: StoredTokens) => Promise<StoredTokens | undefined>): Promise<boolean> {
  const running = refreshing.get(sid);
  if (running) return running;
  const started = (async () => {
    const current = store.get(sid);
    const next = current ? await refresh(current) : undefined;
    if (next && store.has(sid)) store.set(sid, next);
    else store.delete(sid);
    return next !== undefined;
  })().finally(() => refreshing.delete(sid));
  refreshing.set(sid, started);
  return started;
}

/** Seconds before expiry at which a token counts as expired and is refreshed (TOKEN_REFRESH_MARGIN_SECONDS). */
export const REFRESH_MARGIN_SECONDS = Number(process.env.TOKEN_REFRESH_MARGIN_SECONDS ?? 10) || 10;

export const isFresh = (tokens: StoredTokens): boolean => tokens.expiresAt === undefined || Date.now() < (tokens.expiresAt - REFRESH_MARGIN_SECONDS) * 1000;
