// Bearer values at rest (issue 19 #5): oidc_payloads keeps an HMAC-SHA256 of a token, code or session
// cookie value as the row id, never the value itself, so a dump or backup hands out nothing usable
// (Hydra stores an HMAC signature the same way). Lookups hash what the client presents.
import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';

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
  /**
   * A stand-in for the value of a row found by another column (a device code found by its user code, RFC 8628):
   * oidc-provider saves the row again under the value it was given, which is stored only as a hash. The
   * reference names the row's id with a MAC only this deployment can make, so a leaked row id is no token.
   */
  reference(rowId: string): string;
  /** The row id of a reference made by `reference`; undefined for anything else. */
  dereference(value: string): string | undefined;
}

/**
 * One HMAC key per system secret, derived with HKDF (RFC 5869) so the key is used for nothing else. Held as a
 * KeyObject: createHmac with a Buffer key imports it again on every call (~32 µs of CPU; ~4 µs with the KeyObject).
 */
const deriveKey = (secret: string, info = 'lightgate oidc_payloads id v1') => createSecretKey(Buffer.from(hkdfSync('sha256', secret, '', info, 32)));

/**
 * Keys for every configured SECRETS_SYSTEM value: rows are written under the newest and found under any,
 * so prepending a new secret (Hydra's rotation) keeps every token and session valid; a row keyed with a
 * secret that is later removed can no longer be found, like a signing key encrypted with it.
 */
export function createTokenIds(secrets: readonly string[]): TokenIds {
  if (secrets.length === 0) throw new Error('at least one system secret is needed to hash token ids');
  const keys = secrets.map((secret) => deriveKey(secret));
  const refKey = deriveKey(secrets[0]!, 'lightgate oidc_payloads row reference v1');
  const hmac = (key: KeyObject, value: string) => createHmac('sha256', key).update(value, 'utf8').digest('base64url');
  return {
    hashes: (model) => !PLAIN_MODELS.has(model),
    current: (value) => hmac(keys[0]!, value),
    candidates: (value) => keys.map((key) => hmac(key, value)),
    reference: (rowId) => `lgref.${rowId}.${hmac(refKey, rowId)}`,
    dereference(value) {
      const [tag, rowId, mac] = value.split('.');
      if (tag !== 'lgref' || !rowId || !mac) return undefined;
      const expected = Buffer.from(hmac(refKey, rowId));
      const given = Buffer.from(mac);
      return expected.length === given.length && timingSafeEqual(expected, given) ? rowId : undefined;
    },
  };
}

/** Candidate ids by Node request (Koa's ctx.req): nothing outlives or crosses requests. */
const perRequest = new WeakMap<object, Map<string, string[]>>();

/**
 * `ids.candidates(value)`, made once per request (issue 18: a code exchange or a refresh needs its code's or
 * refresh token's ids in the read ahead, oidc-provider's find and the spend: 3 HMACs per system secret, now 1).
 * Without a request, made every time.
 */
export function requestCandidates(ids: TokenIds, req: object | undefined, value: string): string[] {
  if (!req) return ids.candidates(value);
  let made = perRequest.get(req);
  if (!made) perRequest.set(req, (made = new Map()));
  let found = made.get(value);
  if (!found) made.set(value, (found = ids.candidates(value)));
  return [...found];
}
