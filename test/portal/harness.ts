// A whole Lightgate stack (portal included) for the portal tests, plus helpers: sign a person in
// through the identity service and give them a portal session, and read forms' CSRF tokens.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { LightgatePort } from '../../src/hydra-port/port.ts';
import { buildPortalServer } from '../../src/portal/server.ts';
import { hashToken, SESSION_COOKIE } from '../../src/portal/routes/support.ts';
import { insertSession } from '../../src/portal/services/portal-store.ts';
import { lastCode, signInWithEmail } from '../support/users.ts';
import type { DatabaseKind } from '../support/databases.ts';
import { csrfToken } from '../support/forms.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

export const ADMIN_EMAIL = 'admin@example.com';

export interface PortalHarness {
  t: TestStack;
  /** A second portal app on the same stack, for inject(). */
  portal: FastifyInstance;
  /** Another portal app on the same stack with this admin port (HTTP adapter, unreachable server…). */
  portalWith(admin: LightgatePort): Promise<FastifyInstance>;
  /** A user id for this email (the person signs in with an email code). */
  user(email: string): Promise<string>;
  /** Cookie header of a portal session for this email. */
  session(email: string): Promise<string>;
  close(): Promise<void>;
}

export async function startPortalHarness(options: { kind?: DatabaseKind; env?: Record<string, string> } = {}): Promise<PortalHarness> {
  const t = await startTestStack({ kind: options.kind ?? 'pglite', env: { ADMIN_EMAILS: ADMIN_EMAIL, ...options.env } });
  const { stack } = t;
  // The callbacks page (/callbacks) too: the stack's webhooks service, as main/stack.ts gives the portal.
  // The connected apps' budgets (issue 15) too, as main/stack.ts gives the portal.
  const portal = buildPortalServer({ config: t.config, db: stack.db, admin: stack.admin!, identity: stack.identity!, webhooks: stack.webhooks, budgets: stack.budgets });
  await portal.ready();
  const users = new Map<string, string>();
  const user = async (email: string) => {
    const known = users.get(email);
    if (known) return known;
    const { userId } = await signInWithEmail(stack.identity!, email, (to) => lastCode(t.dataDir, to));
    users.set(email, userId);
    return userId;
  };
  const extra: FastifyInstance[] = [];
  return {
    t,
    portal,
    user,
    async portalWith(admin) {
      const app = buildPortalServer({ config: t.config, db: stack.db, admin, identity: stack.identity! });
      extra.push(app);
      await app.ready();
      return app;
    },
    async session(email) {
      const userId = await user(email);
      const token = randomBytes(32).toString('base64url');
      await insertSession(stack.db, { tokenHash: hashToken(token), userId, ttlSeconds: 3600 });
      return `${SESSION_COOKIE}=${token}`;
    },
    async close() {
      for (const app of extra) await app.close();
      await portal.close();
      await t.close();
    },
  };
}

/** The CSRF cookie and the token of the first form on a page. */
export function csrfFrom(response: { body: string; cookies: { name: string; value: string }[] }, existingCookie = ''): { cookie: string; token: string } {
  const token = csrfToken(response.body);
  if (!token) throw new Error('no CSRF token on the page');
  const set = response.cookies.find((c) => c.name === 'lg_portal_csrf');
  const cookie = set ? `lg_portal_csrf=${set.value}` : existingCookie;
  return { cookie, token };
}
