// TRUST_PROXY: which peers may tell us the client's address in X-Forwarded-For. Off by default: a
// header anyone can write must not choose the address that rate limits count (issue 11 #2).
import { isIP } from 'node:net';
import { z } from 'zod';

/** Off; the number of proxies in front of us (each appends the address it saw); or the proxies' addresses. */
export type TrustProxy = { readonly kind: 'off' } | { readonly kind: 'hops'; readonly hops: number } | { readonly kind: 'cidrs'; readonly cidrs: readonly string[] };

/** proxy-addr's names for the reserved ranges (127.0.0.0/8 and ::1; 169.254/16 and fe80::/10; 10/8, 172.16/12, 192.168/16 and fc00::/7). */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export const trustProxySchema = z
  .string()
  .optional()
  .transform((raw, ctx): TrustProxy => {
    const value = (raw ?? '').trim();
    if (value === '' || value === 'false' || value === 'off' || value === '0') return { kind: 'off' };
    if (/^\d+$/.test(value)) return { kind: 'hops', hops: Number(value) };
    const cidrs = value.split(',').map((x) => x.trim()).filter(Boolean);
    const bad = cidrs.filter((entry) => !validEntry(entry));
    if (value === 'true' || bad.length || !cidrs.length) {
      ctx.addIssue({ code: 'custom', message: `not off, a hop count or a comma-separated list of proxy addresses/CIDRs (IPv4 or IPv6, or loopback, linklocal, uniquelocal): ${JSON.stringify(value === 'true' ? value : bad.join(','))}` });
      return z.NEVER;
    }
    return { kind: 'cidrs', cidrs };
  });
