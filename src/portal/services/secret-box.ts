// AES-256-GCM sealing for secrets the portal must read back once (a client secret or API key waiting to be
// shown, the portal's own client secret). The key is derived with HKDF from SECRETS_SYSTEM; the first
// secret seals and every listed secret opens, so SECRETS_SYSTEM can be rotated.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string | undefined;
}

export function createPortalSecretBox(secrets: readonly string[]): SecretBox {
  const keys = secrets.map((s) => ({
    kid: createHash('sha256').update(s).digest('base64url').slice(0, 8),
    key: Buffer.from(hkdfSync('sha256', s, 'lightgate', 'portal-secret-box', 32)),
  }));
  return {
    seal(plaintext) {
      const { kid, key } = keys[0]!;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['p1', kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, kid, iv, tag, data] = sealed.split('.');
      const entry = keys.find((k) => k.kid === kid);
      if (version !== 'p1' || !entry || !iv || !tag || data === undefined) return undefined;
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
