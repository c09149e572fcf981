// Sign in with a one-time code: checks it (5 wrong tries kill it), creates the user on first sign-in
// (onUserCreated runs in the same transaction), and opens a session, pending TOTP when enrolled.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import { createCounter } from '../../shared/limits/counter.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { Channel } from '../domain/address.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { MAX_CODE_ATTEMPTS, TOTP_PENDING_TTL_SECONDS } from '../domain/policy.ts';
import { codeHash, newToken, safeEqual, sha256 } from '../services/crypto.ts';
import { consumeLoginCode, findOrCreateUser, insertSession, lockLatestLoginCode, lockLoginCodeById, recordCodeFailure } from '../services/identity-store.ts';
import { addSeconds, type IdentityContext } from './context.ts';
import { DAY, firstRefusal, HOUR, identifierKey, rememberRequester, requesterKey, requesterTag, resendKey, resendPrefix } from './limits.ts';
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
  const { policy } = ctx;
  const from = requesterKey(input.ip);
  if (input.ip) {
    const refused = await firstRefusal(ctx.counter, now, [
      [`identity:login-ip:${from}`, policy.ipLimit, HOUR],
      [`identity:login-ip-day:${from}`, policy.ipDaily, DAY],
    ]);
    if (refused) return err(refused);
  }
  const code = input.code.trim();
  return ctx.db.transaction(async (tx: Queryable): Promise<Result<LoginSuccess, IdentityError>> => {
    // Counters inside the transaction go through it (one connection on PGlite).
    const counter = createCounter(tx);
    const row = 'loginId' in input ? await lockLoginCodeById(tx, input.loginId) : await lockLatestLoginCode(tx, input.channel, input.address, requesterTag(from), now);
    const target = 'address' in input ? { channel: input.channel, address: input.address } : row;
    const who = target ? identifierKey(target.channel, target.address) : undefined;
    // Attempts per identifier AND address: another address's wrong codes do not spend the owner's (issue 19 #2).
    if (who) {
      const refused = await firstRefusal(counter, now, [
        [`identity:attempts:${who}:${from}`, policy.attemptsHourly, HOUR],
        [`identity:attempts-day:${who}:${from}`, policy.attemptsDaily, DAY],
      ]);
      if (refused) return err(refused);
    }
    if (!row || row.channel !== input.channel) return err(identityError('code_expired'));
    if (row.consumed_at || new Date(row.expires_at) <= now || row.failed_attempts >= MAX_CODE_ATTEMPTS) return err(identityError('code_expired'));
    const matches = /^\d{6}$/.test(code) && ctx.codeSecrets.some((secret) => safeEqual(codeHash(secret, row.id, code), row.code_hash));
    if (!matches) {
      const failed = await recordCodeFailure(tx, row.id);
      // The code is dead (brute-force protection): whoever asked for it may ask for a new one at once.
      if (failed >= MAX_CODE_ATTEMPTS && who) await counter.forgetPrefix(resendPrefix(who));
      return err(identityError('code_invalid', { attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - failed) }));
    }
    if (who && input.ip) {
      // This address is now a known requester of the identifier (skips the identifier-wide code caps).
      await rememberRequester(counter, who, from, now);
      await counter.forget(resendKey(who, from));
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
