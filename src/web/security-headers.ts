// Headers every HTML app of ours sends: no framing (clickjacking), no referrer leaks, no sniffing,
// self-hosted assets only, forms that post only where the app means to (form-action), and HSTS when
// Lightgate is served over https. Images may come from https (an app's logo) and data: (QR codes).
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** RFC 6797: one year, subdomains included. Sent only when the issuer is https (browsers ignore it over http anyway). */
export const HSTS = 'max-age=31536000; includeSubDomains';

const loopback = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * CSP sources that let a form's submission end at these URLs. Chromium checks form-action on every
 * redirect after a form POST (e.g. consent → /oauth2/auth → the app's redirect_uri), so pages of a flow
 * name the app's callbacks. Origins only: CSP ignores paths after a redirect. An app's loopback http
 * callback may use any port (RFC 8252 section 7.3); a custom scheme (com.example.app:/cb) is a scheme source.
 */
export function formTargets(urls: readonly (string | undefined)[], { anyLoopbackPort = false } = {}): string[] {
  const out = new Set<string>();
  for (const raw of urls) {
    const url = raw ? URL.parse(raw) : null;
    if (!url) continue;
    if (url.protocol === 'https:' || url.protocol === 'http:') {
      out.add(anyLoopbackPort && url.protocol === 'http:' && loopback.has(url.hostname) ? `http://${url.hostname}:*` : url.origin);
    } else if (/^[a-z][a-z0-9+.-]*:$/.test(url.protocol)) {
      out.add(url.protocol);
    }
  }
  return [...out];
}

const extraTargets = new WeakMap<FastifyReply, string[]>();

/** Lets this response's forms end at these app callbacks as well (see formTargets). */
export function allowFormTargets(reply: FastifyReply, urls: readonly (string | undefined)[]): void {
  extraTargets.set(reply, [...(extraTargets.get(reply) ?? []), ...formTargets(urls, { anyLoopbackPort: true })]);
}

export interface SecurityHeaderOptions {
  /** Allows the app's own script files (the portal's copy buttons); inline scripts stay refused. */
  scriptSelf?: boolean;
  /** Where every page's forms may end besides 'self' (e.g. the issuer a sign-out passes through). */
  formTargets?: readonly (string | undefined)[];
  /** Strict-Transport-Security (config.hsts: the issuer is https). */
  hsts?: boolean;
}

export function addSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions = {}): void {
  const base = options.scriptSelf ? `${CONTENT_SECURITY_POLICY}; script-src 'self'` : CONTENT_SECURITY_POLICY;
  const always = formTargets(options.formTargets ?? []);
  app.addHook('onSend', async (_request, reply, payload) => {
    const targets = [...new Set(["'self'", ...always, ...(extraTargets.get(reply) ?? [])])];
    reply.header('content-security-policy', `${base}; form-action ${targets.join(' ')}`);
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  addHsts(app, options.hsts ?? false);
}

/**
 * HSTS on every response of a server, hijacked ones included (the auth server hands its raw response to
 * oidc-provider): set on the raw response before any handler runs.
 */
export function addHsts(app: FastifyInstance, enabled: boolean): void {
  if (!enabled) return;
  app.addHook('onRequest', async (_request, reply) => {
    reply.raw.setHeader('strict-transport-security', HSTS);
  });
}
