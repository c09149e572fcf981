// Signing keys: generated on first start, stored encrypted with SECRETS_SYSTEM (JWE dir + A256GCM via jose),
// published in the JWKS. Rotation adds a newer key that signs from then on; older keys stay published so
// tokens already issued still verify, until they are retired (issue 19 #16): a retired key stays published
// until every token it signed has expired, then leaves the JWKS. The newest key (the signing one) is never retired.
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

/**
 * Seconds a retired key stays published after it stopped signing: the longest life of a token it signed (ID
 * tokens; access tokens are opaque, counted in case that changes) plus two key reload polls, the time a
 * running process may keep signing with it after a rotation (auth-server.ts polls every 5 s).
 */
export function retiredKeyGraceSeconds(ttl: { readonly idToken: number; readonly accessToken: number }): number {
  return Math.max(ttl.idToken, ttl.accessToken) + 10;
}

// When a key stopped signing: when the next newer key was added.
const SUPERSEDED_AT = '(SELECT min(n.created_at) FROM signing_keys n WHERE n.created_at > k.created_at)';
/** Keys in the JWKS, newest (the signing key) first: every active key, and retired ones within their grace ($1 s). */
const PUBLISHED = `SELECT k.kid, k.encrypted_jwk FROM signing_keys k
  WHERE k.retired_at IS NULL OR ${SUPERSEDED_AT} + make_interval(secs => $1::int) > now()
  ORDER BY k.created_at DESC, k.kid`;

/** Private JWKs, newest (the signing key) first. Creates the first key when there is none. */
export async function loadSigningKeys(db: Database, secrets: readonly string[], graceSeconds: number): Promise<JWK[]> {
  const read = () => db.query<{ encrypted_jwk: string }>(PUBLISHED, [graceSeconds]);
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

/** Changes whenever the published keys change (rotation, a retired key's grace ending): processes compare it to reload. */
export async function signingKeysVersion(db: Database, graceSeconds: number): Promise<string> {
  const [row] = await db.query<{ v: string | null }>(`SELECT string_agg(kid, ',') AS v FROM (${PUBLISHED}) p`, [graceSeconds]);
  return row?.v ?? '';
}

export type RetireOutcome = { ok: true; retired: { kid: string; publishedUntil: Date }[] } | { ok: false; reason: 'only-current-key' | 'nothing-to-retire' };

/** Retires every key but the newest (which signs); running processes unpublish each once its grace is over. */
export async function retireSigningKeys(db: Database, graceSeconds: number): Promise<RetireOutcome> {
  const retired = await db.query<{ kid: string; published_until: Date }>(
    `UPDATE signing_keys k SET retired_at = now()
      WHERE k.retired_at IS NULL AND k.kid <> (SELECT kid FROM signing_keys ORDER BY created_at DESC, kid LIMIT 1)
      RETURNING k.kid, ${SUPERSEDED_AT} + make_interval(secs => $1::int) AS published_until`,
    [graceSeconds],
  );
  if (retired.length === 0) {
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM signing_keys');
    return { ok: false, reason: (row?.n ?? 0) <= 1 ? 'only-current-key' : 'nothing-to-retire' };
  }
  await db.notify(KEYS_CHANNEL, 'retired');
  return { ok: true, retired: retired.map((r) => ({ kid: r.kid, publishedUntil: r.published_until })) };
}
