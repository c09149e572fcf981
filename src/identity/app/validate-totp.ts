// Second step of a sign-in for users with TOTP: the pending session becomes a full one.
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { MAX_TOTP_ATTEMPTS } from '../domain/policy.ts';
import { sha256 } from '../services/crypto.ts';
import { completeSessionTotp, findUserById, lockSession, recordSessionTotpFailure, revokeSessionById, setTotpLastStep } from '../services/identity-store.ts';
import { matchTotp } from '../services/totp.ts';
import { addSeconds, type IdentityContext } from './context.ts';

export async function validateTotp(ctx: IdentityContext, input: { authToken: string; totpCode: string }): Promise<Result<{ authToken: string; userId: UserId; sessionId: string }, IdentityError>> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx): Promise<Result<{ authToken: string; userId: UserId; sessionId: string }, IdentityError>> => {
    const session = await lockSession(tx, sha256(input.authToken));
    if (!session || session.revoked_at || new Date(session.expires_at) <= now) return err(identityError('session_invalid'));
    if (!session.totp_pending) return err(identityError('totp_not_pending'));
    const user = await findUserById(tx, session.user_id);
    const secret = user?.totp_secret ? ctx.box.open(user.totp_secret) : undefined;
    const step = secret ? matchTotp(secret, input.totpCode.trim(), now) : undefined;
    // A step already used is refused (RFC 6238 section 5.2: one use per code).
    if (!user || step === undefined || (user.totp_last_step !== null && step <= user.totp_last_step)) {
      const failed = await recordSessionTotpFailure(tx, session.id);
      if (failed >= MAX_TOTP_ATTEMPTS) {
        await revokeSessionById(tx, session.id, now);
        return err(identityError('session_invalid'));
      }
      return err(identityError('totp_invalid'));
    }
    await setTotpLastStep(tx, user.id, step);
    await completeSessionTotp(tx, session.id, addSeconds(now, ctx.sessionTtlSeconds));
    return ok({ authToken: input.authToken, userId: user.id, sessionId: session.id });
  });
}
