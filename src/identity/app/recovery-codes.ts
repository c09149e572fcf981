// TOTP recovery codes (issue 17 #7): ten codes, shown once when made, stored as keyed hashes bound to the
// person, each usable once in place of an authenticator code. A wrong one counts against the same
// lockout as a wrong TOTP code (MAX_TOTP_ATTEMPTS per pending session, then the session is revoked).
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { MAX_TOTP_ATTEMPTS } from '../domain/policy.ts';
import { countUnusedRecoveryCodes, insertActivity, replaceRecoveryCodes, useRecoveryCode as markUsed } from '../services/account-store.ts';
import { sha256 } from '../services/crypto.ts';
import { completeSessionTotp, findUserById, lockSession, recordSessionTotpFailure, revokeSessionById } from '../services/identity-store.ts';
import { addSeconds, type IdentityContext } from './context.ts';

export const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: easy to read back from paper. 31 letters, 10 per code: about 49 bits each. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const normalize = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');

function newCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Keyed with each system secret (the first makes new hashes; all are accepted, so SECRETS_SYSTEM can rotate). */
const hashesOf = (secrets: readonly string[], userId: UserId, code: string): string[] =>
  secrets.map((secret) => createHmac('sha256', secret).update(`recovery-code:${userId}:${normalize(code)}`).digest('base64url'));

/** A new set of codes replaces any earlier set; only for a person with TOTP on. The codes are returned once, never stored. */
export async function newRecoveryCodes(ctx: IdentityContext, userId: UserId): Promise<Result<string[], IdentityError>> {
  const user = await findUserById(ctx.db, userId);
  if (!user) return err(identityError('user_not_found'));
  if (!user.totp_enabled_at) return err(identityError('totp_not_enabled'));
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    await replaceRecoveryCodes(tx, userId, codes.map((c) => hashesOf(ctx.codeSecrets, userId, c)[0]!), now);
    await insertActivity(tx, { id: randomUUID(), userId, kind: 'recovery-codes', detail: '', now });
  });
  return ok(codes);
}

export const recoveryCodesLeft = (ctx: IdentityContext, userId: UserId): Promise<number> => countUnusedRecoveryCodes(ctx.db, userId);

/** The second step of a sign-in with a recovery code instead of the authenticator code. */
export async function signInWithRecoveryCode(ctx: IdentityContext, input: { authToken: string; code: string }): Promise<Result<{ userId: UserId; left: number }, IdentityError>> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx): Promise<Result<{ userId: UserId; left: number }, IdentityError>> => {
    const session = await lockSession(tx, sha256(input.authToken));
    if (!session || session.revoked_at || new Date(session.expires_at) <= now) return err(identityError('session_invalid'));
    if (!session.totp_pending) return err(identityError('totp_not_pending'));
    const user = await findUserById(tx, session.user_id);
    const code = normalize(input.code);
    const used = user && /^[a-z0-9]{10}$/.test(code) ? await markUsed(tx, user.id, hashesOf(ctx.codeSecrets, user.id, code), now) : false;
    if (!user || !used) {
      const failed = await recordSessionTotpFailure(tx, session.id);
      if (failed >= MAX_TOTP_ATTEMPTS) {
        await revokeSessionById(tx, session.id, now);
        return err(identityError('session_invalid'));
      }
      return err(identityError('recovery_code_invalid', { attemptsLeft: MAX_TOTP_ATTEMPTS - failed }));
    }
    await completeSessionTotp(tx, session.id, addSeconds(now, ctx.sessionTtlSeconds));
    await insertActivity(tx, { id: randomUUID(), userId: user.id, kind: 'recovery-code-used', detail: '', now });
    return ok({ userId: user.id, left: await countUnusedRecoveryCodes(tx, user.id) });
  });
}
