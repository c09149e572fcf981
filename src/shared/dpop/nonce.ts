// Server-provided DPoP nonces (RFC 9449 section 8) without state: an HMAC of the current minute under a key
// derived from SECRETS_SYSTEM, so every process of a deployment issues and accepts the same nonces. A nonce
// is accepted for about five minutes (its minute and the two before and after, for clock skew).
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const STEP_SECONDS = 60;
const WINDOW = [-2, -1, 0, 1, 2];

export interface DpopNonces {
  current(): string;
  valid(nonce: string): boolean;
}

/** A 32-byte key for `purpose` (the auth server's and the wallet API's nonces differ). */
export function dpopNonceKey(systemSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', systemSecret, 'lightgate-dpop-nonce', purpose, 32));
}

export function createDpopNonces(key: Buffer, now: () => number = () => Date.now() / 1000): DpopNonces {
  const at = (step: number) => createHmac('sha256', key).update(String(step)).digest('base64url');
  const step = () => Math.floor(now() / STEP_SECONDS);
  return {
    current: () => at(step()),
    valid(nonce) {
      const given = Buffer.from(nonce);
      const s = step();
      return WINDOW.some((d) => {
        const expected = Buffer.from(at(s + d));
        return expected.length === given.length && timingSafeEqual(expected, given);
      });
    },
  };
}
