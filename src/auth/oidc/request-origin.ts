// What oidc-provider sees of a request's origin and client address.
// - Issue 19 #3: oidc-provider builds discovery and endpoint URLs from Koa's ctx.href (Host, or with
//   proxy on X-Forwarded-Host / -Proto, or an absolute-form request target). Every request is pinned to
//   the configured issuer's protocol and host, so no header can change a published URL.
// - Issue 11 #2: ctx.ip follows TRUST_PROXY through the shared resolver (the same as fastify's request.ip).
// - Discovery and JWKS get explicit, short cache lifetimes.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { TrustProxy } from '../../config/config.ts';
import { clientAddress, trustFunction } from '../../shared/limits/client-address.ts';

/** Discovery changes only with a release or configuration change. */
export const DISCOVERY_CACHE_CONTROL = 'public, max-age=300';
/**
 * A rotated key is published at once (servers reload within seconds) and clients refetch the JWKS on an
 * unknown `kid` anyway; a minute bounds how long a cache may hide a new or unpublished key.
 */
export const JWKS_CACHE_CONTROL = 'public, max-age=60';

const ABSOLUTE = /^https?:\/\//i;

export interface RequestOriginOptions {
  issuer: string;
  trustProxy: TrustProxy;
  discoveryPath: string;
  jwksPath: string;
  /**
   * The browser's connection is https although the issuer says http (TLS_TERMINATED_AT_PROXY, issue 19 #14):
   * Koa must see a secure request, or it refuses to set the Secure cookies.
   */
  secure?: boolean;
}

export function pinRequestOrigin(provider: Provider, options: RequestOriginOptions): void {
  // Koa's forwarded-header parsing only when a proxy is named; the origin is pinned below either way.
  provider.proxy = options.trustProxy.kind !== 'off';
  const trust = trustFunction(options.trustProxy);
  const origin = new URL(options.issuer);
  const protocol = options.secure ? 'https' : origin.protocol.slice(0, -1);
  const pathOf = (target: string) => {
    if (!ABSOLUTE.test(target)) return target;
    const parsed = URL.parse(target);
    return parsed ? `${parsed.pathname}${parsed.search}` : '/';
  };

  // On the app's request prototype, once: every request's Koa request inherits the pinned origin (defined per
  // request before, five descriptors and two closures each time; issue 18).
  Object.defineProperties(provider.request, {
    host: { value: origin.host },
    hostname: { value: origin.hostname },
    protocol: { value: protocol },
    href: { get(this: { originalUrl?: string }) { return `${origin.origin}${pathOf(this.originalUrl ?? '/')}`; } },
    URL: { get(this: { originalUrl?: string }) { return new URL(pathOf(this.originalUrl ?? '/'), origin.origin); } },
  });

  provider.use(async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    const request = ctx.request;
    request.ip = clientAddress(ctx.req, trust);
    await next();
    if (ctx.status !== 200 || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return;
    if (ctx.path === options.discoveryPath) ctx.set('Cache-Control', DISCOVERY_CACHE_CONTROL);
    else if (ctx.path === options.jwksPath) ctx.set('Cache-Control', JWKS_CACHE_CONTROL);
  });
}
