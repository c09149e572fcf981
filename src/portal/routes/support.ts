// What every portal route shares: dependencies, the signed-in viewer, CSRF, flash messages, error pages.
import { createHash } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityService } from '../../identity/identity-service.ts';
import type { Result } from '../../shared/result.ts';
import type { Csrf } from '../../web/csrf.ts';
import { isAdmin } from '../app/admin-role.ts';
import type { Actor, PortalContext, PortalError } from '../app/context.ts';
import type { PortalClient } from '../app/ensure-portal-client.ts';
import { messageBody } from '../pages/admin-pages.ts';
import { portalPage, type Flash, type FormToken, type Section, type Viewer } from '../pages/shell.ts';
import type { OidcLogin } from '../services/oidc-login.ts';
import { findSession } from '../services/portal-store.ts';
import { tr } from '../portal-route-messages.ts';
import { problemText } from './problem-words.ts';

export const SESSION_COOKIE = 'lg_portal_session';

/** What the portal asks of the identity module: users, TOTP, and the account area's pieces (issue 17). */
export type PortalIdentity = Pick<
  IdentityService,
  | 'getUser' | 'initiateTotp' | 'pendingTotp' | 'confirmTotp' | 'disableTotp'
  | 'newRecoveryCodes' | 'recoveryCodesLeft' | 'startPasskeyRegistration' | 'finishPasskeyRegistration' | 'listPasskeys' | 'removePasskey'
  | 'activity' | 'recordActivity' | 'revokeAllSessions' | 'liveSessionCount'
  // Issue 15: a fresh one-time code before raising an app's budget (app/fresh-code.ts).
  | 'requestEmailCode' | 'loginWithEmail' | 'requestPhoneCode' | 'loginWithPhone' | 'logout' | 'phoneEnabled'
>;
const FLASH_COOKIE = 'lg_portal_flash';

export interface RouteContext {
  ctx: PortalContext;
  identity: PortalIdentity;
  csrf: Csrf;
  login: OidcLogin;
  portalClient(): Promise<Result<PortalClient, PortalError>>;
}

export interface SignedIn extends Viewer {
  email: string | undefined;
  sessionId: string;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url');

export const fields = (request: FastifyRequest): Record<string, unknown> =>
  request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};

export const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export function sendHtml(reply: FastifyReply, body: string, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

/** After every POST: 303 See Other, so a reload never re-submits (RFC 9110 section 15.4.4). */
export const seeOther = (reply: FastifyReply, url: string) => reply.redirect(url, 303);

export async function viewerOf(rc: RouteContext, request: FastifyRequest): Promise<SignedIn | undefined> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token || token.length > 200) return undefined;
  const session = await findSession(rc.ctx.db, hashToken(token));
  if (!session) return undefined;
  const user = await rc.identity.getUser(session.userId);
  if (!user) return undefined;
  return {
    userId: user.id,
    sessionId: session.id,
    email: user.email,
    label: user.email ?? user.phone ?? user.id,
    admin: await isAdmin(rc.ctx.db, rc.ctx.config, user.email),
  };
}

export const actorOf = (v: SignedIn): Actor => ({ id: v.userId, email: v.email ?? v.label });

export function formToken(rc: RouteContext, request: FastifyRequest, reply: FastifyReply): FormToken {
  return { field: rc.csrf.field, token: rc.csrf.issue(request, reply) };
}

export function createFlash(secure: boolean) {
  return {
    set(reply: FastifyReply, flash: Flash) {
      reply.setCookie(FLASH_COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: 120 });
    },
    take(request: FastifyRequest, reply: FastifyReply): Flash {
      const raw = request.cookies[FLASH_COOKIE];
      if (!raw) return {};
      reply.clearCookie(FLASH_COOKIE, { path: '/' });
      const unsigned = request.unsignCookie(raw);
      if (!unsigned.valid || !unsigned.value) return {};
      try {
        const parsed = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Flash;
        return { ...(typeof parsed.notice === 'string' ? { notice: parsed.notice } : {}), ...(typeof parsed.error === 'string' ? { error: parsed.error } : {}) };
      } catch {
        return {};
      }
    },
  };
}
export type FlashCookies = ReturnType<typeof createFlash>;

export function page(reply: FastifyReply, o: { title: string; viewer?: SignedIn; current?: Section; form?: FormToken; flash?: Flash; body: Parameters<typeof portalPage>[0]['body'] }, status = 200) {
  return sendHtml(reply, portalPage(o), status);
}

export function messagePage(reply: FastifyReply, status: number, title: string, message: string, extra: { viewer?: SignedIn; form?: FormToken; back?: { href: string; label: string } } = {}) {
  return page(reply, { title, ...(extra.viewer && extra.form ? { viewer: extra.viewer, form: extra.form } : {}), body: messageBody({ title, message, ...(extra.back ? { back: extra.back } : {}) }) }, status);
}

const STATUS: Record<PortalError['code'], number> = { NOT_FOUND: 404, INVALID_STATE: 409, CHANGED: 409, INVALID_INPUT: 400, UPSTREAM: 503 };

/** A use case's error value as a page: 404, 409, 400 or 503 in plain words. */
export function errorPage(reply: FastifyReply, e: PortalError, extra: { viewer?: SignedIn; form?: FormToken; back?: { href: string; label: string } } = {}) {
  const title = tr(e.code === 'NOT_FOUND' ? 'err.notFound' : e.code === 'UPSTREAM' ? 'err.later' : e.code === 'CHANGED' ? 'err.changed' : 'err.cannot');
  return messagePage(reply, STATUS[e.code], title, problemText(e.problem), extra);
}

export function csrfRejected(reply: FastifyReply) {
  return messagePage(reply, 403, tr('err.expiredTitle'), tr('err.expired'), {
    back: { href: '/', label: tr('err.startAgain') },
  });
}

/** A safe place to go back to after sign-in: a local path only (no //host or scheme). */
export function localPath(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]{0,500}$/.test(value) ? value : undefined;
}

type Handler = (request: FastifyRequest, reply: FastifyReply, viewer: SignedIn) => Promise<unknown>;

/**
 * Wraps a route: signed-out people go to sign-in (GET) or are refused (POST); POSTs need a valid CSRF
 * token; admin routes need the admin role.
 */
export function guard(rc: RouteContext, handler: Handler, options: { admin?: boolean } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const viewer = await viewerOf(rc, request);
    const post = request.method === 'POST';
    if (!viewer) {
      if (post) return messagePage(reply, 401, tr('err.signedOutTitle'), tr('err.signedOut'), { back: { href: '/', label: tr('err.signIn') } });
      return reply.redirect(`/auth/login?return_to=${encodeURIComponent(request.url)}`, 302);
    }
    if (post && !rc.csrf.verify(request, fields(request)[rc.csrf.field])) return csrfRejected(reply);
    if (options.admin && !viewer.admin) {
      return messagePage(reply, 403, tr('err.adminsTitle'), tr('err.admins'), { viewer, form: formToken(rc, request, reply), back: { href: '/apps', label: tr('back.yourApps') } });
    }
    return handler(request, reply, viewer);
  };
}
