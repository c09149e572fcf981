// When to try a delivery again: exponential backoff from a base (30 s by default), capped at 128 × the
// base, with full jitter on the upper half (a failing receiver's retries spread out instead of
// arriving together), until the retry window (24 h by default) since the first attempt has passed.
export interface RetryPolicy {
  baseMs: number;
  windowMs: number;
}

const CAP_FACTOR = 128;

/** Delay before attempt number `attempts + 1`, given `attempts` made (≥ 1); random in [d/2, d]. */
export function retryDelayMs(policy: RetryPolicy, attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(CAP_FACTOR, 2 ** Math.max(0, attempts - 1));
  const delay = policy.baseMs * exp;
  return Math.round(delay / 2 + random() * (delay / 2));
}

/** The next attempt's time, or undefined when the window is over (the delivery is then failed). */
export function nextAttempt(policy: RetryPolicy, firstAttemptAt: Date, attempts: number, now: Date, random?: () => number): Date | undefined {
  if (now.getTime() - firstAttemptAt.getTime() >= policy.windowMs) return undefined;
  return new Date(now.getTime() + retryDelayMs(policy, attempts, random));
}
