// RFC 6749 section 10.10 / RFC 9700 section 4.15: guessing a client secret must be slowed down.
// After `maxFailures` failed authentications within the window, the client gets 429 with Retry-After.
import type { Database } from '../../db/database.ts';
import { createRateLimiter } from '../../shared/rate-limiter.ts';

export interface ClientAuthThrottle {
  retryAfter(clientId: string): Promise<number>;
  recordFailure(clientId: string): Promise<void>;
}

export function createClientAuthThrottle(db: Database, { maxFailures, windowSeconds }: { maxFailures: number; windowSeconds: number }): ClientAuthThrottle {
  const limiter = createRateLimiter(db, { prefix: 'client_auth', limit: maxFailures, windowSeconds });
  return {
    retryAfter: (clientId) => limiter.retryAfter(clientId),
    async recordFailure(clientId) {
      await limiter.hit(clientId);
    },
  };
}
