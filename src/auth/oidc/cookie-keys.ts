// The signer of oidc-provider's signed cookies (Koa's `cookies` module accepts any object with Keygrip's three
// methods). Keygrip's signatures exactly (HMAC-SHA1, base64url without padding), so cookies already issued stay
// valid, but the keys are KeyObjects made once and the check is Node's timingSafeEqual: Keygrip compares
// through tsscmp, two more HMACs under a fresh random string key per check, which Node 24 prepares slowly
// (~0.9 ms of the auth server's CPU per sign-in, three to five checks; docs/benchmarks.md, issue 18).
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Keygrip's interface, as `cookies` calls it: sign with the first key; verify and index against every key. */
export interface CookieKeys {
  sign(data: string): string;
  verify(data: string, digest: string): boolean;
  /** The index of the key that made `digest` for `data`, or -1. */
  index(data: string, digest: string): number;
}

export function cookieKeys(secrets: readonly string[]): CookieKeys {
  if (secrets.length === 0) throw new Error('at least one cookie secret is required');
  // Keygrip hands a string key to createHmac, which takes its UTF-8 bytes.
  const keys: KeyObject[] = secrets.map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
  const mac = (data: string, key: KeyObject) => createHmac('sha1', key).update(data).digest();
  const index = (data: string, digest: string): number => {
    // A base64url SHA-1 is 27 characters: anything else matches no key (and its length is no secret).
    const given = typeof digest === 'string' && digest.length === 27 ? Buffer.from(digest, 'base64url') : undefined;
    if (given?.length !== 20 || given.toString('base64url') !== digest) return -1;
    for (const [i, key] of keys.entries()) if (timingSafeEqual(given, mac(data, key))) return i;
    return -1;
  };
  return {
    sign: (data) => mac(data, keys[0]!).toString('base64url'),
    verify: (data, digest) => index(data, digest) > -1,
    index,
  };
}
