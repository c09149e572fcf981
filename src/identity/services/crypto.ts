// Hashing and sealing with node:crypto primitives (no home-made algorithms).
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { createSecretBox, type SecretBox } from '../../shared/secret-box.ts';

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');

/** A high-entropy bearer token (256 bits). */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** A uniformly random numeric code with leading zeros kept. */
export const newNumericCode = (digits: number): string => String(randomInt(0, 10 ** digits)).padStart(digits, '0');

/** One-time codes have little entropy, so they are keyed with the system secret and bound to their login id. */
export const codeHash = (secret: string, loginId: string, code: string): string =>
  createHmac('sha256', secret).update(`login-code:${loginId}:${code}`).digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The identity module's box (TOTP seeds): see src/shared/secret-box.ts. */
export function createIdentitySecretBox(secrets: readonly string[]): SecretBox {
  return createSecretBox(secrets, { purpose: 'identity-secret-box', version: 'v1' });
}
export type { SecretBox };
