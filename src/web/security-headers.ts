// Headers every HTML app of ours sends: no framing (clickjacking), no referrer leaks, no sniffing,
// self-hosted assets only. Images may come from https (an app's logo) and data: (QR codes).
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `scriptSelf` allows the app's own script files (the portal's copy buttons); inline scripts stay refused. */
export function addSecurityHeaders(app: FastifyInstance, options: { scriptSelf?: boolean } = {}): void {
  const csp = options.scriptSelf ? `${CONTENT_SECURITY_POLICY}; script-src 'self'` : CONTENT_SECURITY_POLICY;
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', csp);
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
