// Bearer values at rest (issue 19 #5): oidc_payloads keeps an HMAC-SHA256 of a token, code or session
// cookie value as the row id, never the value itself, so a dump or backup hands out nothing usable
// (Hydra stores an HMAC signature the same way). Lookups hash what the client presents.
import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Ids kept as they are: Grant ids are internal references (every token row carries one in grant_id), and
 * Interaction uids are the login/consent challenges that travel in URLs to the login app anyway.
 */
const PLAIN_MODELS = new Set(['Grant', 'Interaction']);

export interface TokenIds {
  /** Whether rows of this model are stored under a hashed id. */
  hashes(model: string): boolean;
  /** The id to store a new row under: keyed with the newest system secret. */
  current(value: string): string;
  /** Every id the value may be stored under, newest key first (one per configured system secret). */
  candidates(value: string): string[];
}

/** One HMAC key per system secret, derived with HKDF (RFC 5869) so the key is used for nothing else. */
const deriveKey = (secret: string) => Buffer.from(hkdfSync('sha256', secret, '', 'lightgate oidc_payloads id v1', 32));

/**
 * Keys for every configured SECRETS_SYSTEM value: rows are written under the newest and found under any,
 * so prepending a new secret (Hydra's rotation) keeps every token and session valid; a row keyed with a
 * secret that is later removed can no longer be found, like a signing key encrypted with it.
 */
export function createTokenIds(secrets: readonly string[]): TokenIds {
  if (secrets.length === 0) throw new Error('at least one system secret is needed to hash token ids');
  const keys = secrets.map(deriveKey);
  const hmac = (key: Buffer, value: string) => createHmac('sha256', key).update(value, 'utf8').digest('base64url');
  return {
    hashes: (model) => !PLAIN_MODELS.has(model),
    current: (value) => hmac(keys[0]!, value),
    candidates: (value) => keys.map((key) => hmac(key, value)),
  };
}
