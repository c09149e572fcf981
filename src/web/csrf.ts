// CSRF tokens, signed double submit: a random HttpOnly cookie, and in each form an HMAC of it keyed
// with SECRETS_COOKIE (any listed secret verifies, the first signs). SameSite=Lax is the second wall.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CSRF_FIELD = '_csrf';

export interface CsrfOptions {
  secrets: readonly string[];
  secure: boolean;
  cookieName?: string;
}

export function createCsrf(options: CsrfOptions) {
  const cookieName = options.cookieName ?? 'lg_csrf';
  const sign = (secret: string, value: string) => createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');
  const cookieValue = (request: FastifyRequest): string | undefined => {
    const value = request.cookies?.[cookieName];
    return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  };
  return {
    field: CSRF_FIELD,
    /** The token for forms on this page; sets the cookie when there is none yet. */
    issue(request: FastifyRequest, reply: FastifyReply): string {
      let value = cookieValue(request);
      if (!value) {
        value = randomBytes(32).toString('base64url');
        reply.setCookie(cookieName, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secure });
        // Later issue() calls in the same request see it.
        request.cookies[cookieName] = value;
      }
      return sign(options.secrets[0]!, value);
    },
    verify(request: FastifyRequest, token: unknown): boolean {
      const value = cookieValue(request);
      if (!value || typeof token !== 'string' || !token) return false;
      const given = Buffer.from(token);
      return options.secrets.some((secret) => {
        const expected = Buffer.from(sign(secret, value));
        return expected.length === given.length && timingSafeEqual(expected, given);
      });
    },
  };
}
export type Csrf = ReturnType<typeof createCsrf>;
