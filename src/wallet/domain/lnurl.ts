// LNURL-pay (LUD-06) and Lightning addresses (LUD-16) for the users of this instance: the pay request's
// metadata (whose SHA-256 the invoice commits to), the amounts offered, and reading an address or an LNURL
// (bech32 LUD-01, the lnurlp:// scheme of LUD-17, or the https URL) down to a username here or a foreign target.
import { createHash } from 'node:crypto';
import { bech32 } from '@scure/base';

export const LNURLP_PATH = '/.well-known/lnurlp/';
export const MIN_SENDABLE_MSATS = 1_000;
/** One bitcoin: a cap on what one LNURL invoice asks for. */
export const MAX_SENDABLE_MSATS = 100_000_000_000;
const USERNAME = /^[a-zA-Z0-9_]{3,50}$/;

/** The metadata string of a user's pay request (LUD-06 text/plain, LUD-16 text/identifier). */
export const payMetadata = (username: string, domain: string): string =>
  JSON.stringify([
    ['text/plain', `Payment to ${username}`],
    ['text/identifier', `${username}@${domain}`],
  ]);

export const metadataHash = (metadata: string): string => createHash('sha256').update(metadata, 'utf8').digest('hex');

export type PayTarget = { kind: 'local'; username: string } | { kind: 'foreign'; host: string } | { kind: 'invalid'; reason: string };

/** `username@domain`: one of this instance's users when the domain is ours (case-insensitive). */
export function readLightningAddress(address: string, domain: string): PayTarget {
  const m = /^([^@\s]{1,64})@([a-z0-9.-]{1,253}(?::\d{1,5})?)$/i.exec(address.trim());
  if (!m) return { kind: 'invalid', reason: 'A Lightning address looks like name@domain' };
  const [, name, host] = m as unknown as [string, string, string];
  if (host.toLowerCase() !== domain.toLowerCase()) return { kind: 'foreign', host: host.toLowerCase() };
  return USERNAME.test(name) ? { kind: 'local', username: name } : { kind: 'invalid', reason: 'No such user here' };
}

/** An LNURL (bech32 `lnurl1…`, `lnurlp://…` or an https URL): a user's pay request here, or elsewhere. */
export function readLnurl(lnurl: string, apiUrl: string): PayTarget {
  let text = lnurl.trim();
  if (/^lightning:/i.test(text)) text = text.slice('lightning:'.length);
  let url: URL;
  try {
    if (/^lnurl1/i.test(text)) {
      const decoded = bech32.decode(text.toLowerCase() as `lnurl1${string}`, 2000);
      url = new URL(new TextDecoder().decode(bech32.fromWords(decoded.words)));
    } else {
      url = new URL(text.replace(/^lnurlp:\/\//i, 'https://'));
    }
  } catch {
    return { kind: 'invalid', reason: 'Not an LNURL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { kind: 'invalid', reason: 'Not an LNURL' };
  const ours = new URL(apiUrl);
  if (url.host.toLowerCase() !== ours.host.toLowerCase()) return { kind: 'foreign', host: url.host.toLowerCase() };
  const name = url.pathname.startsWith(LNURLP_PATH) ? decodeURIComponent(url.pathname.slice(LNURLP_PATH.length)) : '';
  return USERNAME.test(name) ? { kind: 'local', username: name } : { kind: 'invalid', reason: 'Not a pay request of this server' };
}

/** The bech32 LNURL of a URL (LUD-01), as wallets scan it. */
export const encodeLnurl = (url: string): string => bech32.encode('lnurl', bech32.toWords(new TextEncoder().encode(url)), 2000).toUpperCase();
