// The one client-address resolver (issue 11 #2). Every server and oidc-provider use it, so that every
// per-address limit counts the same address: the TCP peer, unless TRUST_PROXY names that peer as a
// proxy; then the X-Forwarded-For entry just before the trusted proxies (proxy-addr's walk, as Express
// and fastify do it). X-Forwarded-Host / -Proto are never used to build URLs (issue 19 #3).
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { TrustProxy } from '../../config/config.ts';

/** proxy-addr's trust test: `hop` 0 is the TCP peer, 1 the last X-Forwarded-For entry, and so on. */
export type TrustFunction = (address: string, hop: number) => boolean;

export function trustFunction(trust: TrustProxy): TrustFunction {
  switch (trust.kind) {
    case 'off':
      return () => false;
    // N proxies in front: the peer and the N-1 entries they appended are proxies; the next is the client.
    case 'hops':
      return (_address, hop) => hop < trust.hops;
    case 'cidrs':
      return proxyAddr.compile([...trust.cidrs]);
  }
}

/**
 * fastify's `trustProxy` option for this setting. A function, not fastify's number form: fastify 5
 * treats a bare hop count as "trust nobody".
 */
export function fastifyTrustProxy(trust: TrustProxy): false | TrustFunction {
  return trust.kind === 'off' ? false : trustFunction(trust);
}

/** The client's address of a raw Node request (what fastify's request.ip gives with the same setting). */
export function clientAddress(req: IncomingMessage, trust: TrustFunction): string {
  return proxyAddr(req, trust);
}

/**
 * The bucket a limit counts an address in: an IPv4 address as is (also when IPv4-mapped), an IPv6
 * address by its /64, since one subscriber usually holds a whole /64 and could rotate through it.
 */
export function addressKey(address: string): string {
  const plain = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (mapped) return mapped[1]!;
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::', 2);
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}
