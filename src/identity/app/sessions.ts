// Session tokens: the Bearer authToken of the API, checked by hash.
import type { UserId } from '../../shared/brand.ts';
import { sha256 } from '../services/crypto.ts';
import { findActiveSession, revokeSessionByHash } from '../services/identity-store.ts';
import type { IdentityContext } from './context.ts';

/** undefined for unknown, expired, revoked and TOTP-pending sessions. */
export async function verifySessionToken(ctx: IdentityContext, token: string): Promise<{ userId: UserId; sessionId: string } | undefined> {
  if (!token || token.length > 200) return undefined;
  const session = await findActiveSession(ctx.db, sha256(token), ctx.now());
  return session ? { userId: session.user_id, sessionId: session.id } : undefined;
}

/** Revokes the session; true when it was live. */
export async function logout(ctx: IdentityContext, token: string): Promise<boolean> {
  if (!token || token.length > 200) return false;
  return revokeSessionByHash(ctx.db, sha256(token), ctx.now());
}
