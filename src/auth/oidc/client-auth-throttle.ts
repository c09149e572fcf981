// RFC 6749 section 10.10 / RFC 9700 section 4.15: failed client authentications are counted and slowed.
// Issue 11 #4: counted per client AND address, so nobody can use up another party's budget; and the
// caller checks the secret first, so a correct secret is never refused (see patches.ts, compareClientSecret).
import type { Database } from '../../db/database.ts';
import { createLimit } from '../../shared/limits/limit.ts';
import { addressKey } from '../../shared/limits/client-address.ts';

export interface ClientAuthThrottle {
  /** Counts one failure of clientId from address; seconds to wait (> 0) once over `maxFailures` in the window. */
  recordFailure(clientId: string, address: string): Promise<number>;
}

export function createClientAuthThrottle(db: Database, { maxFailures, windowSeconds }: { maxFailures: number; windowSeconds: number }): ClientAuthThrottle {
  // The shared counter (src/shared/limits/): concurrent failures share one statement.
  const limiter = createLimit(db, { prefix: 'client_auth', limit: maxFailures, windowSeconds });
  return {
    async recordFailure(clientId, address) {
      const { retryAfter } = await limiter.hit(`${clientId}|${addressKey(address)}`);
      return retryAfter;
    },
  };
}
