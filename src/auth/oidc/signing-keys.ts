// Signing keys: generated on first start, stored encrypted with SECRETS_SYSTEM (JWE dir + A256GCM via jose),
// published in the JWKS. Rotation adds a newer key that signs from then on; older keys stay published so
// tokens already issued still verify.
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, compactDecrypt, CompactEncrypt, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Database } from '../../db/database.ts';

export const KEYS_CHANNEL = 'lightgate_keys';
const ALG = 'RS256';

const keyFromSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

async function encrypt(jwk: JWK, secret: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk))).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(keyFromSecret(secret));
}

/** Tries every configured system secret, newest first, so SECRETS_SYSTEM can be rotated like Hydra's. */
async function decrypt(jwe: string, secrets: readonly string[]): Promise<JWK> {
  for (const secret of secrets) {
    try {
      const { plaintext } = await compactDecrypt(jwe, keyFromSecret(secret));
      return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
    } catch {
      // try the next secret
    }
  }
  throw new Error('a signing key cannot be decrypted with any configured SECRETS_SYSTEM value');
}

async function newKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: ALG, use: 'sig' };
}

export async function rotateSigningKey(db: Database, secrets: readonly string[]): Promise<string> {
  const jwk = await newKey();
  await db.query('INSERT INTO signing_keys (kid, alg, encrypted_jwk) VALUES ($1, $2, $3)', [jwk.kid, ALG, await encrypt(jwk, secrets[0]!)]);
  await db.notify(KEYS_CHANNEL, jwk.kid!);
  return jwk.kid!;
}

/** Private JWKs, newest (the signing key) first. Creates the first key when there is none. */
export async function loadSigningKeys(db: Database, secrets: readonly string[]): Promise<JWK[]> {
  const read = () => db.query<{ encrypted_jwk: string }>('SELECT encrypted_jwk FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid');
  let rows = await read();
  if (rows.length === 0) {
    const jwk = await newKey();
    // Two processes starting together: the advisory lock lets only one create the first key.
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(4444)');
      const [existing] = await tx.query('SELECT 1 FROM signing_keys WHERE retired_at IS NULL LIMIT 1');
      if (!existing) await tx.query('INSERT INTO signing_keys (kid, alg, encrypted_jwk) VALUES ($1, $2, $3)', [jwk.kid, ALG, await encrypt(jwk, secrets[0]!)]);
    });
    rows = await read();
  }
  return Promise.all(rows.map((r) => decrypt(r.encrypted_jwk, secrets)));
}

/** Changes whenever a key is added or retired: processes compare it to know when to reload. */
export async function signingKeysVersion(db: Database): Promise<string> {
  const [row] = await db.query<{ v: string }>(`SELECT count(*) || ':' || coalesce(max(kid), '') || ':' || count(retired_at) AS v FROM signing_keys`);
  return row!.v;
}
