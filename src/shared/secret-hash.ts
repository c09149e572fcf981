// Secrets at rest: high-entropy secrets (client secrets, API keys, session tokens) are stored as SHA-256.
// A slow hash buys nothing for 256-bit random values and would make every token request pay for it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

export function verifySecret(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret));
  const expected = Buffer.from(storedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
