// Hydra's device challenge (RFC 8628 on Hydra's API, issue 16): what /oauth2/device/verify hands the
// login app's device page, bound by a cookie to the browser that opened it. Stored under a hash (the
// clear value travels only in that browser's URL and cookie); single use; at most `triesPerChallenge`
// user codes may be tried on one, and wrong codes count against a limit over all challenges (guessing).
import { isConnectionError, type Database } from '../../db/database.ts';
import { createLimit } from '../../shared/limits/limit.ts';
import { generateSecret, hashSecret } from '../../shared/secret-hash.ts';
import { unavailable } from './error-map.ts';
import { deletePayload, findLivePayload, insertPayload, takePayload } from './sql-adapter.ts';

const MODEL = 'DeviceChallenge';
const WRONG = 'wrong';

export interface DeviceLimits {
  ttlSeconds: number;
  triesPerChallenge: number;
  globalLimit: number;
  windowSeconds: number;
}

export type TryOutcome = 'ok' | 'unknown' | 'throttled';

export interface DeviceChallenges {
  /** A new challenge (the clear value, for the page's URL and the browser's cookie). */
  create(): Promise<string>;
  /** Counts a try on a live challenge: `unknown` when gone, `throttled` past either limit (the challenge is then dropped). */
  attempt(challenge: string): Promise<{ outcome: TryOutcome; retryAfter?: number }>;
  /** A wrong user code: counted in the limit over all challenges. */
  wrongCode(): Promise<void>;
  /** Uses the challenge up: true only for the first caller while it is live. */
  take(challenge: string): Promise<boolean>;
}

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isConnectionError(error) ? unavailable(error) : error;
  }
}

const sane = (challenge: string) => challenge.length > 0 && challenge.length <= 512;

export function createDeviceChallenges(db: Database, limits: DeviceLimits): DeviceChallenges {
  const tries = createLimit(db, { prefix: 'device-challenge', limit: limits.triesPerChallenge, windowSeconds: limits.ttlSeconds });
  const wrong = createLimit(db, { prefix: 'device-user-code', limit: limits.globalLimit, windowSeconds: limits.windowSeconds });
  return {
    async create() {
      const challenge = generateSecret(32);
      await guard(() => insertPayload(db, { model: MODEL, id: hashSecret(challenge), payload: {}, ttlSeconds: limits.ttlSeconds }));
      return challenge;
    },
    attempt: (challenge) =>
      guard(async () => {
        if (!sane(challenge)) return { outcome: 'unknown' as const };
        const id = hashSecret(challenge);
        if (!(await findLivePayload(db, MODEL, id))) return { outcome: 'unknown' as const };
        // Over all challenges: past the limit of wrong codes, nobody may try one (distributed guessing).
        const globalWait = await wrong.retryAfter(WRONG);
        if (globalWait > 0) return { outcome: 'throttled' as const, retryAfter: globalWait };
        const hit = await tries.hit(id);
        if (!hit.allowed) {
          await deletePayload(db, MODEL, id);
          return { outcome: 'throttled' as const, retryAfter: hit.retryAfter };
        }
        return { outcome: 'ok' as const };
      }),
    wrongCode: () => guard(async () => void (await wrong.hit(WRONG))),
    take: (challenge) => guard(async () => sane(challenge) && (await takePayload(db, MODEL, hashSecret(challenge))) !== undefined),
  };
}

/** The limits as configured (DEVICE_CODE_*, TTL_DEVICE_USER_CODE). */
export const deviceLimits = (config: { device: { userCodeTtl: number; triesPerChallenge: number; globalLimit: number; windowSeconds: number } }): DeviceLimits => ({
  ttlSeconds: config.device.userCodeTtl,
  triesPerChallenge: config.device.triesPerChallenge,
  globalLimit: config.device.globalLimit,
  windowSeconds: config.device.windowSeconds,
});
