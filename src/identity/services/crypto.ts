// Hashing and sealing with node:crypto primitives (no home-made algorithms).
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

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

const keyFor = (secret: string): Buffer => Buffer.from(hkdfSync('sha256', secret, 'lightgate', 'identity-secret-box', 32));

/**
 * AES-256-GCM with a key derived (HKDF) from SECRETS_SYSTEM. The first secret seals; every secret
 * opens, so the secret can be rotated. Output: v1.<kid>.<iv>.<tag>.<ciphertext>, base64url parts.
 */
export function createSecretBox(secrets: readonly string[]) {
  const keys = secrets.map((s) => ({ kid: sha256(s).slice(0, 8), key: keyFor(s) }));
  return {
    seal(plaintext: string): string {
      const { kid, key } = keys[0]!;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed: string): string | undefined {
      const [version, kid, iv, tag, data] = sealed.split('.');
      const entry = keys.find((k) => k.kid === kid);
      if (version !== 'v1' || !entry || !iv || !tag || data === undefined) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
export type SecretBox = ReturnType<typeof createSecretBox>;
