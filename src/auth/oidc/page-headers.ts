// Headers of the authorization server's own responses (issue 11 #5). Every response: nosniff, no
// referrer, HSTS when the issuer is https. HTML ones (error pages, form_post, Koa's redirect bodies)
// also: a CSP that allows the web kit's own stylesheet, script and images (served at /assets/ here, issue 17),
// https images (the operator's logo), inline scripts only by hash, no framing, no base, and forms only where
// the page posts; X-Frame-Options for browsers without frame-ancestors.
import { createHash } from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';

const HSTS = 'max-age=31536000; includeSubDomains';
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

const unescapeHtml = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e]!);

/**
 * The sources an HTML body needs: its inline scripts by hash (oidc-provider's form_post page submits
 * itself) and the origin its form posts to (the client's redirect_uri, already checked by then).
 */
function pagePolicy(body: string): string {
  const scripts = [...body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => sha256(m[1]!));
  const action = /<form method="post" action="([^"]*)"/.exec(body)?.[1];
  const target = action ? URL.parse(unescapeHtml(action)) : null;
  const formAction = target && /^https?:$/.test(target.protocol) ? target.origin : target && /^[a-z][a-z0-9+.-]*:$/.test(target.protocol) ? target.protocol : "'none'";
  return [
    "default-src 'none'",
    "style-src 'self'",
    // The kit's script file on our pages; oidc-provider's form_post page has only its own inline script.
    `script-src ${scripts.length ? scripts.join(' ') : "'self'"}`,
    "img-src 'self' https:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    `form-action ${formAction}`,
  ].join('; ');
}

export function pageHeaders(options: { hsts: boolean }) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    await next();
    ctx.set('x-content-type-options', 'nosniff');
    ctx.set('referrer-policy', 'no-referrer');
    if (options.hsts) ctx.set('strict-transport-security', HSTS);
    if (!/^text\/html/.test(ctx.response.get('content-type') ?? '')) return;
    ctx.set('content-security-policy', pagePolicy(typeof ctx.body === 'string' ? ctx.body : ''));
    ctx.set('x-frame-options', 'DENY');
  };
}
