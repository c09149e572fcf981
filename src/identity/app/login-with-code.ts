// Sign in with a one-time code: checks it (5 wrong tries kill it), creates the user on first sign-in
// (onUserCreated runs in the same transaction), and opens a session, pending TOTP when enrolled.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { Channel } from '../domain/address.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { MAX_CODE_ATTEMPTS, TOTP_PENDING_TTL_SECONDS } from '../domain/policy.ts';
import { codeHash, newToken, safeEqual, sha256 } from '../services/crypto.ts';
import { consumeLoginCode, findOrCreateUser, insertSession, lockLatestLoginCode, lockLoginCodeById, recordCodeFailure } from '../services/identity-store.ts';
import { addSeconds, type IdentityContext } from './context.ts';
import { recordLogin } from '../../observability/metrics.ts';

export type LoginWithCodeInput = { channel: Channel; code: string; ip?: string } & ({ loginId: string } | { address: string });

export interface LoginSuccess {
  authToken: string;
  totpRequired: boolean;
  userId: UserId;
  sessionId: string;
  /** Whether this sign-in created the user. */
  created: boolean;
}

export async function loginWithCode(ctx: IdentityContext, input: LoginWithCodeInput): Promise<Result<LoginSuccess, IdentityError>> {
  const result = await login(ctx, input);
  recordLogin(input.channel, result.ok ? 'success' : result.error.code);
  return result;
}

async function login(ctx: IdentityContext, input: LoginWithCodeInput): Promise<Result<LoginSuccess, IdentityError>> {
  const now = ctx.now();
  if (input.ip) {
    const ip = await ctx.limiter.hit(`identity:login-ip:${input.ip}`, ctx.policy.ipLimit, 3600, now);
    if (!ip.allowed) return err(identityError('rate_limited', { retryAfter: ip.retryAfter }));
  }
  const code = input.code.trim();
  return ctx.db.transaction(async (tx: Queryable): Promise<Result<LoginSuccess, IdentityError>> => {
    const row = 'loginId' in input ? await lockLoginCodeById(tx, input.loginId) : await lockLatestLoginCode(tx, input.channel, input.address);
    if (!row || row.channel !== input.channel) return err(identityError('code_expired'));
    if (row.consumed_at || new Date(row.expires_at) <= now || row.failed_attempts >= MAX_CODE_ATTEMPTS) return err(identityError('code_expired'));
    const matches = /^\d{6}$/.test(code) && ctx.codeSecrets.some((secret) => safeEqual(codeHash(secret, row.id, code), row.code_hash));
    if (!matches) {
      const failed = await recordCodeFailure(tx, row.id);
      return err(identityError('code_invalid', { attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - failed) }));
    }
    await consumeLoginCode(tx, row.id, now);
    const { user, created } = await findOrCreateUser(tx, row.channel, row.address, randomUUID() as UserId, now);
    if (created) await ctx.onUserCreated(tx, user.id);
    const totpRequired = user.totp_enabled_at !== null;
    const authToken = newToken();
    const sessionId = randomUUID();
    await insertSession(tx, {
      id: sessionId,
      userId: user.id,
      tokenHash: sha256(authToken),
      totpPending: totpRequired,
      now,
      expiresAt: addSeconds(now, totpRequired ? TOTP_PENDING_TTL_SECONDS : ctx.sessionTtlSeconds),
    });
    ctx.logger?.info({ userId: user.id, created, totpRequired, channel: row.channel }, 'signed in with a one-time code');
    return ok({ authToken, totpRequired, userId: user.id, sessionId, created });
  });
}
