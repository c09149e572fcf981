// Security: two-step verification (TOTP). Set up (a new registration; its id waits in a signed HttpOnly
// cookie so the QR page survives the 303), confirm with a first code, turn off with a current code.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createTwoStep, type TwoStepError } from '../app/two-step.ts';
import { securityBody, totpSetupBody } from '../pages/security-page.ts';
import { fields, formToken, guard, messagePage, page, seeOther, type FlashCookies, type RouteContext, type SignedIn } from './support.ts';

const SETUP_COOKIE = 'lg_portal_totp';
/** The identity service keeps a registration 15 minutes (TOTP_REGISTRATION_TTL_SECONDS). */
const SETUP_SECONDS = 15 * 60;

const statusOf = (e: TwoStepError): number => (e.kind === 'FIELD' ? 400 : e.kind === 'TOO_MANY' ? 429 : e.kind === 'UNAVAILABLE' ? 503 : 409);

export function registerSecurityRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  const twoStep = createTwoStep(rc.ctx, rc.identity);
  const secure = rc.ctx.config.cookiesSecure;

  const setupId = (request: FastifyRequest): string | undefined => {
    const raw = request.cookies[SETUP_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    return unsigned?.valid && unsigned.value ? unsigned.value : undefined;
  };
  const clearSetup = (reply: FastifyReply) => reply.clearCookie(SETUP_COOKIE, { path: '/security' });

  async function securityPage(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, error?: string, status = 200) {
    const form = formToken(rc, request, reply);
    const body = securityBody({ enabled: await twoStep.enabled(viewer.userId), form, error });
    return page(reply, { title: 'Security', viewer, current: 'security', form, flash: flash.take(request, reply), body }, status);
  }

  /** A state problem (expired setup, already on or off) goes back to the Security page with the reason. */
  function backToSecurity(reply: FastifyReply, e: TwoStepError) {
    flash.set(reply, { error: e.message });
    return seeOther(reply, '/security');
  }

  app.get('/security', guard(rc, (request, reply, viewer) => securityPage(request, reply, viewer)));

  app.post(
    '/security/totp/setup',
    guard(rc, async (request, reply, viewer) => {
      const started = await twoStep.start(viewer.userId);
      if (!started.ok) {
        if (started.error.kind === 'UNAVAILABLE') return messagePage(reply, 503, 'Try again in a moment', started.error.message, { back: { href: '/security', label: 'Security' } });
        return backToSecurity(reply, started.error);
      }
      reply.setCookie(SETUP_COOKIE, started.value, { path: '/security', httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: SETUP_SECONDS });
      return seeOther(reply, '/security/totp');
    }),
  );

  async function setupPage(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, error?: string, status = 200) {
    const id = setupId(request);
    const shown = id ? await twoStep.pending(viewer.userId, id) : undefined;
    if (!shown?.ok) {
      clearSetup(reply);
      return backToSecurity(reply, shown && shown.error.kind === 'STATE' ? shown.error : { kind: 'EXPIRED', message: 'This setup expired. Start the setup again to get a new QR code.' });
    }
    const form = formToken(rc, request, reply);
    const body = totpSetupBody({ qrSvgDataUrl: shown.value.qrSvgDataUrl, secret: shown.value.totpSecret, form, error });
    return page(reply, { title: 'Set up two-step verification', viewer, current: 'security', form, body }, status);
  }

  app.get('/security/totp', guard(rc, (request, reply, viewer) => setupPage(request, reply, viewer)));

  app.post(
    '/security/totp/confirm',
    guard(rc, async (request, reply, viewer) => {
      const id = setupId(request);
      if (!id) return setupPage(request, reply, viewer);
      const confirmed = await twoStep.confirm(viewer.userId, id, fields(request).totp_code);
      if (!confirmed.ok) {
        const e = confirmed.error;
        if (e.kind === 'FIELD' || e.kind === 'TOO_MANY') return setupPage(request, reply, viewer, e.message, statusOf(e));
        clearSetup(reply);
        if (e.kind === 'UNAVAILABLE') return messagePage(reply, 503, 'Try again in a moment', e.message, { back: { href: '/security', label: 'Security' } });
        return backToSecurity(reply, e);
      }
      clearSetup(reply);
      flash.set(reply, { notice: 'Two-step verification is on. From now on, signing in asks for a code from your authenticator app.' });
      return seeOther(reply, '/security');
    }),
  );

  app.post(
    '/security/totp/disable',
    guard(rc, async (request, reply, viewer) => {
      const off = await twoStep.turnOff(viewer.userId, fields(request).totp_code);
      if (!off.ok) {
        const e = off.error;
        if (e.kind === 'FIELD' || e.kind === 'TOO_MANY') return securityPage(request, reply, viewer, e.message, statusOf(e));
        if (e.kind === 'UNAVAILABLE') return messagePage(reply, 503, 'Try again in a moment', e.message, { back: { href: '/security', label: 'Security' } });
        return backToSecurity(reply, e);
      }
      flash.set(reply, { notice: 'Two-step verification is off. Signing in asks only for the code we send you.' });
      return seeOther(reply, '/security');
    }),
  );
}
