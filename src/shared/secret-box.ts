// Sealing secrets that must be read back (TOTP seeds, a secret waiting to be shown once, the portal's own
// client secret): AES-256-GCM from node:crypto with a key derived (HKDF) from SECRETS_SYSTEM per purpose.
// The first secret seals; every listed secret opens, so SECRETS_SYSTEM can be rotated.
// Format: <version>.<kid>.<iv>.<tag>.<ciphertext>, base64url parts.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plaintext: string): string;
  /** The plaintext, or undefined when the box cannot open it (unknown key, tampered, other purpose). */
  open(sealed: string): string | undefined;
}

export function createSecretBox(secrets: readonly string[], { purpose, version }: { purpose: string; version: string }): SecretBox {
  const keys = secrets.map((s) => ({
    kid: createHash('sha256').update(s).digest('base64url').slice(0, 8),
    key: Buffer.from(hkdfSync('sha256', s, 'lightgate', purpose, 32)),
  }));
  return {
    seal(plaintext) {
      const { kid, key } = keys[0]!;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [version, kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed) {
      const [v, kid, iv, tag, data] = sealed.split('.');
      const entry = keys.find((k) => k.kid === kid);
      if (v !== version || !entry || !iv || !tag || data === undefined) return undefined;
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
