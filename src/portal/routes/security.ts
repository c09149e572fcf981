// The account area's Security page (issue 17): two-step verification (TOTP: set up with a QR code whose
// registration id waits in a signed HttpOnly cookie, confirm with a first code, turn off with a current
// code), recovery codes (made when TOTP is turned on and on request, shown once: in the answer to that POST,
// never stored readable, not cached), passkeys (routes/passkeys.ts) and where the person is signed in ("sign
// out everywhere": routes/account.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserId } from '../../shared/brand.ts';
import { ta } from '../account-messages.ts';
import { tr } from '../portal-route-messages.ts';
import { createTwoStep, type TwoStepError } from '../app/two-step.ts';
import type { AccountKey } from '../account-messages.ts';
import { recoveryCodesBody, securityExtras } from '../pages/account-pages.ts';
import { securityBody, totpSetupBody } from '../pages/security-page.ts';
import { listSessionsOf } from '../services/portal-store.ts';
import { accountReply } from './account-support.ts';
import { passkeyRegistrationOptions } from './passkeys.ts';
import { fields, formToken, guard, messagePage, seeOther, type FlashCookies, type RouteContext, type SignedIn } from './support.ts';

export const SECURITY_PATH = '/account/security';
const SETUP_COOKIE = 'lg_portal_totp';
/** The identity service keeps a registration 15 minutes (TOTP_REGISTRATION_TTL_SECONDS). */
const SETUP_SECONDS = 15 * 60;

/** The reason in the person's language. */
const said = (e: TwoStepError): string =>
  e.reason === 'too-many' ? ta(e.minutes === 1 ? 'two.too-many-1' : 'two.too-many', { n: e.minutes ?? 15 }) : ta(`two.${e.reason}` as AccountKey);

const statusOf = (e: TwoStepError): number => (e.kind === 'FIELD' ? 400 : e.kind === 'TOO_MANY' ? 429 : e.kind === 'UNAVAILABLE' ? 503 : 409);

export function registerSecurityRoutes(app: FastifyInstance, rc: RouteContext, flash: FlashCookies): void {
  const twoStep = createTwoStep(rc.ctx, rc.identity);
  const secure = rc.ctx.config.cookiesSecure;

  const setupId = (request: FastifyRequest): string | undefined => {
    const raw = request.cookies[SETUP_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    return unsigned?.valid && unsigned.value ? unsigned.value : undefined;
  };
  const clearSetup = (reply: FastifyReply) => reply.clearCookie(SETUP_COOKIE, { path: SECURITY_PATH });

  async function securityPage(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, o: { error?: string; passkeyError?: string } = {}, status = 200) {
    const form = formToken(rc, request, reply);
    const userId = viewer.userId as UserId;
    const enabled = await twoStep.enabled(viewer.userId);
    const sessions = await listSessionsOf(rc.ctx.db, viewer.userId);
    const body = securityExtras(
      {
        totp: securityBody({ enabled, form, error: o.error }),
        totpOn: enabled,
        recoveryLeft: enabled ? await rc.identity.recoveryCodesLeft(userId) : 0,
        passkeys: await rc.identity.listPasskeys(userId),
        passkeyError: o.passkeyError,
        passkeyOptions: await passkeyRegistrationOptions(rc, reply, userId),
        sessions: sessions.map((s) => ({ id: s.id, createdAt: s.createdAt, current: s.id === viewer.sessionId })),
        apiSessions: await rc.identity.liveSessionCount(userId),
      },
      form,
    );
    return accountReply(reply, { title: ta('acc.security'), viewer, current: 'security', form, flash: flash.take(request, reply), body }, status);
  }

  /** A state problem (expired setup, already on or off) goes back to the Security page with the reason. */
  function backToSecurity(reply: FastifyReply, e: TwoStepError) {
    flash.set(reply, { error: said(e) });
    return seeOther(reply, SECURITY_PATH);
  }

  app.get('/security', async (_request, reply) => reply.redirect(SECURITY_PATH, 301));
  app.get(SECURITY_PATH, guard(rc, (request, reply, viewer) => securityPage(request, reply, viewer)));

  app.post(
    `${SECURITY_PATH}/totp/setup`,
    guard(rc, async (request, reply, viewer) => {
      const started = await twoStep.start(viewer.userId);
      if (!started.ok) {
        if (started.error.kind === 'UNAVAILABLE') return messagePage(reply, 503, tr('err.later'), said(started.error), { back: { href: SECURITY_PATH, label: ta('acc.security') } });
        return backToSecurity(reply, started.error);
      }
      reply.setCookie(SETUP_COOKIE, started.value, { path: SECURITY_PATH, httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: SETUP_SECONDS });
      return seeOther(reply, `${SECURITY_PATH}/totp`);
    }),
  );

  async function setupPage(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, error?: string, status = 200) {
    const id = setupId(request);
    const shown = id ? await twoStep.pending(viewer.userId, id) : undefined;
    if (!shown?.ok) {
      clearSetup(reply);
      return backToSecurity(reply, shown && shown.error.kind === 'STATE' ? shown.error : { kind: 'EXPIRED', reason: 'expired' });
    }
    const form = formToken(rc, request, reply);
    const body = totpSetupBody({ qrSvgDataUrl: shown.value.qrSvgDataUrl, secret: shown.value.totpSecret, form, error });
    return accountReply(reply, { title: ta('totp.setUp'), viewer, current: 'security', form, body }, status);
  }

  app.get(`${SECURITY_PATH}/totp`, guard(rc, (request, reply, viewer) => setupPage(request, reply, viewer)));

  /** Ten new recovery codes, shown once: this answer only (no-store), the identity module keeps only hashes. */
  async function showNewCodes(request: FastifyRequest, reply: FastifyReply, viewer: SignedIn, notice?: string) {
    const codes = await rc.identity.newRecoveryCodes(viewer.userId as UserId);
    if (!codes.ok) return backToSecurity(reply, { kind: 'STATE', reason: 'no-codes' });
    const form = formToken(rc, request, reply);
    reply.header('cache-control', 'no-store');
    return accountReply(reply, { title: ta('sec.recoveryTitle'), viewer, current: 'security', form, flash: notice ? { notice } : {}, body: recoveryCodesBody(codes.value) });
  }

  app.post(
    `${SECURITY_PATH}/totp/confirm`,
    guard(rc, async (request, reply, viewer) => {
      const id = setupId(request);
      if (!id) return setupPage(request, reply, viewer);
      const confirmed = await twoStep.confirm(viewer.userId, id, fields(request).totp_code);
      if (!confirmed.ok) {
        const e = confirmed.error;
        if (e.kind === 'FIELD' || e.kind === 'TOO_MANY') return setupPage(request, reply, viewer, said(e), statusOf(e));
        clearSetup(reply);
        if (e.kind === 'UNAVAILABLE') return messagePage(reply, 503, tr('err.later'), said(e), { back: { href: SECURITY_PATH, label: ta('acc.security') } });
        return backToSecurity(reply, e);
      }
      clearSetup(reply);
      // Issue 17 #7: recovery codes come with it, shown once, right here.
      return showNewCodes(request, reply, viewer, ta('totp.nowOn'));
    }),
  );

  app.post(`${SECURITY_PATH}/recovery-codes/new`, guard(rc, (request, reply, viewer) => showNewCodes(request, reply, viewer)));

  app.post(
    `${SECURITY_PATH}/totp/disable`,
    guard(rc, async (request, reply, viewer) => {
      const off = await twoStep.turnOff(viewer.userId, fields(request).totp_code);
      if (!off.ok) {
        const e = off.error;
        if (e.kind === 'FIELD' || e.kind === 'TOO_MANY') return securityPage(request, reply, viewer, { error: said(e) }, statusOf(e));
        if (e.kind === 'UNAVAILABLE') return messagePage(reply, 503, tr('err.later'), said(e), { back: { href: SECURITY_PATH, label: ta('acc.security') } });
        return backToSecurity(reply, e);
      }
      flash.set(reply, { notice: ta('totp.nowOff') });
      return seeOther(reply, SECURITY_PATH);
    }),
  );
}
