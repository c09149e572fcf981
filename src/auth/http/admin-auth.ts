// The admin port's credential check (issue 11 #5). With ADMIN_API_TOKEN and/or ADMIN_API_BASIC set,
// every request but the health probes needs `Authorization: Bearer …` or `Basic …` (RFC 6750, RFC 7617),
// else 401 with WWW-Authenticate. Without a credential (loopback only, enforced by the config) requests
// are "local". Comparison: SHA-256 of both sides, then timingSafeEqual (equal lengths, constant time).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminApiCredentials } from '../../config/admin-credentials.ts';

const OPEN_PATHS = new Set(['/health/alive', '/health/ready']);
const REALM = 'lightgate-admin';
const actors = new WeakMap<FastifyRequest, string>();

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const same = (presented: string, expected: Buffer) => timingSafeEqual(digest(presented), expected);

/** Who made this admin request, for the audit log: "admin-api:token", "admin-api:<basic user>" or "local". */
export function adminActorOf(request: FastifyRequest): string {
  return actors.get(request) ?? 'local';
}

export function registerAdminAuth(app: FastifyInstance, credentials: Pick<AdminApiCredentials, 'token' | 'basic'> | undefined): void {
  const token = credentials?.token ? digest(credentials.token) : undefined;
  const basic = credentials?.basic ? { user: credentials.basic.user, expected: digest(`${credentials.basic.user}:${credentials.basic.password}`) } : undefined;
  if (!token && !basic) return;

  const identify = (header: string | undefined): string | undefined => {
    const match = /^(\S+) +(\S+)$/.exec(header?.trim() ?? '');
    if (!match) return undefined;
    const scheme = match[1]!.toLowerCase();
    if (scheme === 'bearer' && token) return same(match[2]!, token) ? 'admin-api:token' : undefined;
    if (scheme === 'basic' && basic) {
      const decoded = Buffer.from(match[2]!, 'base64');
      // Reject non-canonical base64 (trailing junk decodes to the same bytes otherwise).
      if (decoded.toString('base64') !== match[2]) return undefined;
      return same(decoded.toString('utf8'), basic.expected) ? `admin-api:${basic.user}` : undefined;
    }
    return undefined;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (OPEN_PATHS.has(request.url.split('?')[0]!)) return;
    const actor = identify(request.headers.authorization);
    if (actor) {
      actors.set(request, actor);
      return;
    }
    const challenges = [token && `Bearer realm="${REALM}"`, basic && `Basic realm="${REALM}", charset="UTF-8"`].filter(Boolean).join(', ');
    return reply.code(401).header('www-authenticate', challenges).send({ error: 'unauthorized', error_description: 'The admin API needs a valid credential (Authorization: Bearer or Basic)' });
  });
}
