// The keys and checks of the sign-in limits (the policy and its reasons: domain/policy.ts).
import { addressKey } from '../../shared/limits/client-address.ts';
import type { Counter } from '../../shared/limits/counter.ts';
import type { Channel } from '../domain/address.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { sha256 } from '../services/crypto.ts';

export const HOUR = 3600;
export const DAY = 24 * HOUR;

/** The identifier's part of a key: a hash, so keys never hold an email or phone number. */
export const identifierKey = (channel: Channel, address: string): string => sha256(`${channel}:${address}`);

/** The requesting address's bucket (IPv6 by /64), or `none` for in-process callers without one. */
export const requesterKey = (ip: string | undefined): string => (ip ? addressKey(ip) : 'none');

/** What a login code row stores of its requester: a hash of the bucket, not the address. */
export const requesterTag = (requester: string): string => sha256(`requester:${requester}`);

export const knownRequesterKey = (who: string, from: string): string => `identity:known:${who}:${from}`;
export const resendKey = (who: string, from: string): string => `identity:code-resend:${who}:${from}`;
export const resendPrefix = (who: string): string => `identity:code-resend:${who}:`;

export type Check = readonly [key: string, limit: number, windowSeconds: number];

/** Counts a hit on each key in order; the first one over its limit refuses (later ones are not counted). */
export async function firstRefusal(counter: Counter, now: Date, checks: readonly Check[]): Promise<IdentityError | undefined> {
  for (const [key, limit, windowSeconds] of checks) {
    const { hits, retryAfter } = await counter.hit(key, windowSeconds, now);
    if (hits > limit) return identityError('rate_limited', { retryAfter });
  }
  return undefined;
}

/** Whether `from` signed in as `who` within the last `seconds` (counts nothing). */
export async function isKnownRequester(counter: Counter, who: string, from: string, seconds: number, now: Date): Promise<boolean> {
  return (await counter.peek(knownRequesterKey(who, from), seconds, now)) !== undefined;
}

/** Marks `from` as having signed in as `who` now: a zero-length window restarts at every hit. */
export async function rememberRequester(counter: Counter, who: string, from: string, now: Date): Promise<void> {
  await counter.hit(knownRequesterKey(who, from), 0, now);
}
