// Passkeys in the account area (issue 17): add one (WebAuthn registration: the Security page carries the
// options for its script, the challenge's handle waits in this browser's signed HttpOnly cookie, single use),
// several per person, and remove one after a confirmation page. Signed-in only; every POST carries the CSRF
// token (guard).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserId } from '../../shared/brand.ts';
import { ta } from '../account-messages.ts';
import { accountConfirm } from './account-support.ts';
import { fields, formToken, guard, messagePage, seeOther, str, type FlashCookies, type RouteContext } from './support.ts';

const HANDLE_COOKIE = 'lg_portal_passkey';
const PATH = '/account/security/passkeys';

/** The Security page's registration options (JSON); the handle goes into this browser's cookie. */
export async function passkeyRegistrationOptions(rc: RouteContext, reply: FastifyReply, userId: UserId): Promise<string | undefined> {
  const started = await rc.identity.startPasskeyRegistration(userId);
  if (!started.ok) return undefined;
  reply.setCookie(HANDLE_COOKIE, started.value.handle, { path: PATH, httpOnly: true, sameSite: 'lax', secure: rc.ctx.config.cookiesSecure, signed: true, maxAge: 600 });
  return JSON.stringify(started.value.options);
}

export function registerPasskeyRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  const takeHandle = (request: FastifyRequest, reply: FastifyReply): string => {
    const raw = request.cookies[HANDLE_COOKIE];
    reply.clearCookie(HANDLE_COOKIE, { path: PATH });
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    return unsigned?.valid && unsigned.value ? unsigned.value : '';
  };

  app.post(
    PATH,
    guard(rc, async (request, reply, viewer) => {
      const handle = takeHandle(request, reply);
      const text = str(fields(request).credential);
      let response: unknown;
      try {
        response = text && text.length <= 16_000 ? JSON.parse(text) : undefined;
      } catch {
        response = undefined;
      }
      if (!response || typeof response !== 'object') {
        flash.set(reply, { error: ta(handle ? 'sec.passkeyInvalid' : 'sec.passkeyNeedsScript') });
        return seeOther(reply, '/account/security');
      }
      const added = await rc.identity.finishPasskeyRegistration({ userId: viewer.userId as UserId, handle, response, name: fields(request).name });
      flash.set(reply, added.ok ? { notice: ta('sec.passkeyAdded') } : { error: ta('sec.passkeyInvalid') });
      return seeOther(reply, '/account/security');
    }),
  );

  app.get(
    `${PATH}/:id/remove`,
    guard(rc, async (request, reply, viewer) => {
      const id = (request as FastifyRequest<{ Params: { id: string } }>).params.id;
      const passkey = (await rc.identity.listPasskeys(viewer.userId as UserId)).find((p) => p.id === id);
      const form = formToken(rc, request, reply);
      if (!passkey) return messagePage(reply, 404, ta('acc.notFound'), ta('acc.noSuchPasskey'), { viewer, form, back: { href: '/account/security', label: ta('acc.security') } });
      return accountConfirm(reply, {
        viewer,
        current: 'security',
        form,
        confirmation: {
          title: ta('sec.passkeyRemoveTitle', { name: passkey.name }),
          consequences: ta('sec.passkeyRemoveWhat'),
          action: `${PATH}/${passkey.id}/remove`,
          confirmLabel: ta('sec.passkeyRemove'),
          cancel: { href: '/account/security', label: ta('sec.passkeyKeep') },
          danger: true,
        },
      });
    }),
  );

  app.post(
    `${PATH}/:id/remove`,
    guard(rc, async (request, reply, viewer) => {
      const removed = await rc.identity.removePasskey(viewer.userId as UserId, (request as FastifyRequest<{ Params: { id: string } }>).params.id);
      if (!removed.ok) return messagePage(reply, 404, ta('acc.notFound'), ta('acc.noSuchPasskey'), { viewer, form: formToken(rc, request, reply), back: { href: '/account/security', label: ta('acc.security') } });
      flash.set(reply, { notice: ta('sec.passkeyRemoved') });
      return seeOther(reply, '/account/security');
    }),
  );

  // Recovery codes: making a new set asks first (the old set stops working).
  app.get(
    '/account/security/recovery-codes/new',
    guard(rc, async (request, reply, viewer) =>
      accountConfirm(reply, {
        viewer,
        current: 'security',
        form: formToken(rc, request, reply),
        confirmation: {
          title: ta('sec.recoveryNew'),
          consequences: ta('sec.recoveryNewWhat'),
          action: '/account/security/recovery-codes/new',
          confirmLabel: ta('sec.recoveryNew'),
          cancel: { href: '/account/security', label: ta('sec.passkeyKeep') },
        },
      }),
    ),
  );
}
