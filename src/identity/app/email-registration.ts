// Blink's userEmailRegistrationInitiate / userEmailRegistrationValidate / userEmailDelete: a signed-in user adds
// an email address (proved by a one-time code sent to it, 5 wrong tries kill it) or removes it (only while a
// phone number remains to sign in with). Requests are limited per user and per address, as sign-in codes are.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { normalizeEmail } from '../domain/address.ts';
import { emailRegistrationMessage, type CodeLocale } from '../domain/code-message.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { CODE_DIGITS, CODE_TTL_SECONDS, MAX_CODE_ATTEMPTS } from '../domain/policy.ts';
import { codeHash, newNumericCode, safeEqual } from '../services/crypto.ts';
import {
  consumeEmailRegistration,
  insertEmailRegistration,
  lockEmailRegistration,
  recordEmailRegistrationFailure,
  removeUserEmail,
  setUserEmail,
} from '../services/email-registrations.ts';
import { findUserById } from '../services/identity-store.ts';
import { addSeconds, type IdentityContext } from './context.ts';
import { DAY, firstRefusal, HOUR, identifierKey } from './limits.ts';

const PER_USER_HOURLY = 5;
const PER_USER_DAILY = 20;
const PER_ADDRESS_HOURLY = 5;

export async function initiateEmailRegistration(ctx: IdentityContext, input: { userId: UserId; email: unknown; locale?: CodeLocale }): Promise<Result<{ emailRegistrationId: string }, IdentityError>> {
  const email = normalizeEmail(input.email);
  if (!email.ok) return err(identityError(email.error));
  const user = await findUserById(ctx.db, input.userId);
  if (!user) return err(identityError('user_not_found'));
  if (user.email) return err(identityError('email_already_set'));
  const now = ctx.now();
  const refused = await firstRefusal(ctx.counter, now, [
    [`identity:email-reg:${input.userId}`, PER_USER_HOURLY, HOUR],
    [`identity:email-reg-day:${input.userId}`, PER_USER_DAILY, DAY],
    // Its own count per address (not the sign-in codes' one, which a stranger's requests must not use up).
    [`identity:email-reg-address:${identifierKey('email', email.value)}`, PER_ADDRESS_HOURLY, HOUR],
  ]);
  if (refused) return err(refused);
  const id = randomUUID();
  const code = newNumericCode(CODE_DIGITS);
  await insertEmailRegistration(ctx.db, { id, userId: input.userId, email: email.value, codeHash: codeHash(ctx.codeSecrets[0]!, id, code), expiresAt: addSeconds(now, CODE_TTL_SECONDS), now });
  try {
    await ctx.sender.send({
      channel: 'email',
      to: email.value,
      ...emailRegistrationMessage(input.locale ?? 'en', ctx.productName, code, CODE_TTL_SECONDS / 60),
      code,
    });
  } catch (error) {
    ctx.logger?.error({ err: error }, 'email registration code delivery failed');
    return err(identityError('delivery_failed'));
  }
  return ok({ emailRegistrationId: id });
}

export async function validateEmailRegistration(ctx: IdentityContext, input: { userId: UserId; emailRegistrationId: string; code: string }): Promise<Result<void, IdentityError>> {
  const now = ctx.now();
  const code = input.code.trim();
  try {
    return await validateIn(ctx, input, code, now);
  } catch (error) {
    // Two accounts proving the same address at once: the second meets the unique index (and rolls back).
    if ((error as { code?: unknown }).code === '23505') return err(identityError('email_taken'));
    throw error;
  }
}

function validateIn(ctx: IdentityContext, input: { userId: UserId; emailRegistrationId: string }, code: string, now: Date): Promise<Result<void, IdentityError>> {
  return ctx.db.transaction(async (tx: Queryable): Promise<Result<void, IdentityError>> => {
    const row = await lockEmailRegistration(tx, input.emailRegistrationId, input.userId);
    if (!row || row.consumed_at || new Date(row.expires_at) <= now || row.failed_attempts >= MAX_CODE_ATTEMPTS) return err(identityError('code_expired'));
    const matches = /^\d{6}$/.test(code) && ctx.codeSecrets.some((secret) => safeEqual(codeHash(secret, row.id, code), row.code_hash));
    if (!matches) {
      const failed = await recordEmailRegistrationFailure(tx, row.id);
      return err(identityError('code_invalid', { attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - failed) }));
    }
    await consumeEmailRegistration(tx, row.id, now);
    const set = await setUserEmail(tx, input.userId, row.email);
    if (set === 'taken') return err(identityError('email_taken'));
    if (set === 'has-email') return err(identityError('email_already_set'));
    ctx.logger?.info({ userId: input.userId }, 'email address added');
    return ok(undefined);
  });
}

export async function deleteEmail(ctx: IdentityContext, userId: UserId): Promise<Result<void, IdentityError>> {
  const removed = await removeUserEmail(ctx.db, userId);
  if (removed === 'none') return err(identityError('email_not_set'));
  if (removed === 'only-address') return err(identityError('email_only_address'));
  ctx.logger?.info({ userId }, 'email address removed');
  return ok(undefined);
}
