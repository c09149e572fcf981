// Send a one-time sign-in code to an e-mail address or phone number. The answer is the same whether
// or not an account exists: the first sign-in creates it.
import { randomUUID } from 'node:crypto';
import { err, ok, type Result } from '../../shared/result.ts';
import type { Channel } from '../domain/address.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { CODE_DIGITS, CODE_TTL_SECONDS } from '../domain/policy.ts';
import { codeHash, newNumericCode, sha256 } from '../services/crypto.ts';
import { insertLoginCode } from '../services/identity-store.ts';
import type { MessageChannel } from '../services/message-sender.ts';
import { addSeconds, type IdentityContext } from './context.ts';

export interface RequestCodeInput {
  channel: Channel;
  /** Normalised address: lower-cased e-mail or E.164 number. */
  address: string;
  via: MessageChannel;
  ip?: string;
}

export async function requestCode(ctx: IdentityContext, input: RequestCodeInput): Promise<Result<{ loginId: string }, IdentityError>> {
  const now = ctx.now();
  const { policy } = ctx;
  if (input.ip) {
    const ip = await ctx.limiter.hit(`identity:code-ip:${input.ip}`, policy.ipLimit, 3600, now);
    if (!ip.allowed) return err(identityError('rate_limited', { retryAfter: ip.retryAfter }));
  }
  // Keys hold a hash, not the address itself.
  const who = sha256(`${input.channel}:${input.address}`);
  const resend = await ctx.limiter.hit(`identity:code-resend:${who}`, policy.resendLimit, policy.resendWindowSeconds, now);
  if (!resend.allowed) return err(identityError('rate_limited', { retryAfter: resend.retryAfter }));
  const hourly = await ctx.limiter.hit(`identity:code-hourly:${who}`, policy.hourlyAddressLimit, 3600, now);
  if (!hourly.allowed) return err(identityError('rate_limited', { retryAfter: hourly.retryAfter }));

  const loginId = randomUUID();
  const code = newNumericCode(CODE_DIGITS);
  await insertLoginCode(ctx.db, {
    id: loginId,
    channel: input.channel,
    address: input.address,
    codeHash: codeHash(ctx.codeSecrets[0]!, loginId, code),
    expiresAt: addSeconds(now, CODE_TTL_SECONDS),
    now,
  });
  const minutes = CODE_TTL_SECONDS / 60;
  try {
    await ctx.sender.send({
      channel: input.via,
      to: input.address,
      subject: `Your Lightgate sign-in code: ${code}`,
      text: `Your Lightgate sign-in code is ${code}. It works once, for ${minutes} minutes. If you did not ask for it, ignore this message.`,
      code,
    });
  } catch (error) {
    ctx.logger?.error({ err: error, channel: input.via }, 'sign-in code delivery failed');
    return err(identityError('delivery_failed'));
  }
  return ok({ loginId });
}
