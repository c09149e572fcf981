// Send a one-time sign-in code to an e-mail address or phone number. The answer is the same whether
// or not an account exists: the first sign-in creates it.
import { randomUUID } from 'node:crypto';
import { err, ok, type Result } from '../../shared/result.ts';
import type { Channel } from '../domain/address.ts';
import { codeMessage, type CodeLocale } from '../domain/code-message.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { CODE_DIGITS, CODE_TTL_SECONDS } from '../domain/policy.ts';
import { codeHash, newNumericCode } from '../services/crypto.ts';
import { insertLoginCode } from '../services/identity-store.ts';
import type { MessageChannel } from '../services/message-sender.ts';
import { addSeconds, type IdentityContext } from './context.ts';
import { DAY, firstRefusal, HOUR, identifierKey, isKnownRequester, requesterKey, requesterTag, resendKey } from './limits.ts';

export interface RequestCodeInput {
  channel: Channel;
  /** Normalised address: lower-cased e-mail or E.164 number. */
  address: string;
  via: MessageChannel;
  ip?: string;
  /** The language of the request that asked for the code (English by default). */
  locale?: CodeLocale;
}

export async function requestCode(ctx: IdentityContext, input: RequestCodeInput): Promise<Result<{ loginId: string }, IdentityError>> {
  const now = ctx.now();
  const { policy, counter } = ctx;
  const who = identifierKey(input.channel, input.address);
  const from = requesterKey(input.ip);
  const refused = await firstRefusal(counter, now, [
    ...(input.ip
      ? ([
          [`identity:code-ip:${from}`, policy.ipLimit, HOUR],
          [`identity:code-ip-day:${from}`, policy.ipDaily, DAY],
        ] as const)
      : []),
    // Per identifier AND requester: whatever others do, this requester's share is its own (issue 19 #2).
    [resendKey(who, from), policy.resendLimit, policy.resendWindowSeconds],
    [`identity:code-hourly:${who}:${from}`, policy.requesterHourly, HOUR],
    [`identity:code-daily:${who}:${from}`, policy.requesterDaily, DAY],
  ]);
  if (refused) return err(refused);
  // The identifier-wide caps, which an address that signed in as this identifier before does not meet.
  const known = input.ip !== undefined && (await isKnownRequester(counter, who, from, policy.knownRequesterSeconds, now));
  if (!known) {
    const capped = await firstRefusal(counter, now, [
      [`identity:code-id-hourly:${who}`, policy.identifierHourly, HOUR],
      [`identity:code-id-daily:${who}`, policy.identifierDaily, DAY],
    ]);
    if (capped) return err(capped);
  }

  const loginId = randomUUID();
  const code = newNumericCode(CODE_DIGITS);
  await insertLoginCode(ctx.db, {
    id: loginId,
    channel: input.channel,
    address: input.address,
    codeHash: codeHash(ctx.codeSecrets[0]!, loginId, code),
    expiresAt: addSeconds(now, CODE_TTL_SECONDS),
    now,
    requester: requesterTag(from),
  });
  const minutes = CODE_TTL_SECONDS / 60;
  try {
    await ctx.sender.send({
      channel: input.via,
      to: input.address,
      ...codeMessage(input.locale ?? 'en', ctx.productName, code, minutes),
      code,
    });
  } catch (error) {
    ctx.logger?.error({ err: error, channel: input.via }, 'sign-in code delivery failed');
    return err(identityError('delivery_failed'));
  }
  return ok({ loginId });
}
