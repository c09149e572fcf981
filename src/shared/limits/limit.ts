// A fixed limit on the shared counter (counter.ts): `limit` hits per key in a window of
// `windowSeconds`, keys under their own prefix (client_auth, invoice-recipient, portal-totp).
import type { Queryable } from '../../db/database.ts';
import { createCounter } from './counter.ts';

export interface Limit {
  /** Counts one hit; `retryAfter` > 0 (seconds) when the key is over its limit after this hit. */
  hit(key: string): Promise<{ allowed: boolean; retryAfter: number }>;
  /** Seconds until the key may be used again; 0 when it is under its limit. Counts nothing. */
  retryAfter(key: string): Promise<number>;
  reset(key: string): Promise<void>;
}

export function createLimit(db: Queryable, { prefix, limit, windowSeconds }: { prefix: string; limit: number; windowSeconds: number }): Limit {
  const counter = createCounter(db);
  const full = (key: string) => `${prefix}:${key}`;
  return {
    async hit(key) {
      const { hits, retryAfter } = await counter.hit(full(key), windowSeconds);
      const allowed = hits <= limit;
      return { allowed, retryAfter: allowed ? 0 : retryAfter };
    },
    async retryAfter(key) {
      const open = await counter.peek(full(key), windowSeconds);
      return open && open.hits >= limit ? open.retryAfter : 0;
    },
    reset: (key) => counter.forget(full(key)),
  };
}
