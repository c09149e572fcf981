// /login: address → one-time code → (TOTP) → accept the login challenge with subject = user id.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeEmail, normalizePhone, type Channel } from '../../identity/domain/address.ts';
import type { IdentityError } from '../../identity/domain/errors.ts';
import { CODE_TTL_SECONDS, DEFAULT_THROTTLE } from '../../identity/domain/policy.ts';
import { t } from '../messages.ts';
import { currentLocale } from '../../web/i18n.ts';
import type { UserId } from '../../shared/brand.ts';
import { renderAddressPage, renderCodePage, renderTotpPage } from '../pages/login-pages.ts';
import type { LoginState } from '../state.ts';
import { acceptSignIn } from './accept-login.ts';
import { passkeySecondFactorOptions, passkeySignInOptions } from './passkey-login.ts';
import { allowAppTargets, challengeOf, fields, formContext, hydraErrorPage, loginPath, loginPostChallenge, missingChallenge, pathWith, secondStepPage, seeOther, sendHtml, str, type UiContext } from './support.ts';

const codePath = (challenge: string) => pathWith('/login/code', 'login_challenge', challenge);
const totpPath = (challenge: string) => pathWith('/login/totp', 'login_challenge', challenge);

/** The identity error in the request's language; field errors are marked for the form's summary (issue 17). */
function explain(error: IdentityError): { error: string; field?: boolean } {
  switch (error.code) {
    case 'rate_limited': {
      if (!error.retryAfter) return { error: t('err.rate_limited') };
      const wait = error.retryAfter >= 120 ? t('err.minutes', { n: Math.ceil(error.retryAfter / 60) }) : t('err.seconds', { n: error.retryAfter });
      return { error: t('err.rate_limited_wait', { wait }) };
    }
    case 'code_invalid':
      if (error.attemptsLeft === undefined) return { error: t('err.code_invalid'), field: true };
      if (error.attemptsLeft === 1) return { error: t('err.code_invalid_one'), field: true };
      return { error: t('err.code_invalid_left', { n: error.attemptsLeft }), field: true };
    case 'invalid_email':
    case 'invalid_phone':
    case 'totp_invalid':
      return { error: t(`err.${error.code}`), field: true };
    case 'invalid_channel':
    case 'invalid_request':
    case 'delivery_failed':
    case 'code_expired':
    case 'phone_unavailable':
      return { error: t(`err.${error.code}`) };
    default:
      return { error: t('err.other') };
  }
}

/** Seconds before this browser's last code may be replaced (the resend throttle's window). */
const resendWait = (state: LoginState, now = Date.now()): number =>
  state.locked || !state.sentAt ? 0 : Math.max(0, Math.ceil((state.sentAt + DEFAULT_THROTTLE.resendWindowSeconds * 1000 - now) / 1000));

/** Whether the code this browser was sent still works (10 minutes, not tried too often). */
const codeAlive = (state: LoginState, now = Date.now()): boolean => !state.locked && state.sentAt !== undefined && now < state.sentAt + CODE_TTL_SECONDS * 1000;

export function registerLoginRoutes(app: FastifyInstance, ctx: UiContext): void {
  const { hydra, identity, cookies, csrf } = ctx;

  const guard = (request: FastifyRequest, reply: FastifyReply): string | undefined => loginPostChallenge(csrf, request, reply);

  async function finish(reply: FastifyReply, challenge: string, state: LoginState, userId: UserId, authToken: string, amr: string[]) {
    // The API session made by the code sign-in is not needed: the authorization server keeps the login session.
    await identity.logout(authToken);
    return acceptSignIn(ctx, reply, challenge, { userId, remember: state.remember, amr });
  }

  /**
   * acr_values=aal2 from a remembered session: a person with TOTP signs in again, with both factors (issue 19 #11).
   * Without TOTP aal2 cannot be reached; acr_values is voluntary (OIDC Core 3.1.2.1), so the result stays aal1.
   */
  async function stepUpNeeded(subject: string, acrValues: string[] | undefined): Promise<boolean> {
    if (!acrValues?.includes('aal2')) return false;
    return (await identity.getUser(subject))?.totpEnabled === true;
  }

  app.get('/login', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const challenge = challengeOf(query.login_challenge);
    if (!challenge) return missingChallenge(reply, 'login');
    const login = await hydra.getLoginRequest(challenge);
    if (!login.ok) return hydraErrorPage(reply, 'login', login.error, hydra);
    if (login.value.skip && !(await stepUpNeeded(login.value.subject, login.value.oidc_context?.acr_values))) {
      // The authorization server remembers this person: no questions (Hydra's login flow).
      const accepted = await hydra.acceptLoginRequest(challenge, { subject: login.value.subject });
      if (!accepted.ok) return hydraErrorPage(reply, 'login', accepted.error, hydra);
      return reply.redirect(accepted.value.redirect_to, 302);
    }
    // No phone option where phone sign-in is off (production without an SMS sender, issue 11 #5).
    const method: Channel = query.method === 'phone' && identity.phoneEnabled ? 'phone' : 'email';
    const flash = cookies.takeFlash(request, reply);
    if (query.method === 'phone' && !identity.phoneEnabled) flash.error ??= t('err.phone_unavailable');
    const hint = login.value.oidc_context?.login_hint;
    if (flash.value === undefined && typeof hint === 'string') {
      const fromHint = method === 'email' ? normalizeEmail(hint) : normalizePhone(hint);
      if (fromHint.ok) flash.value = fromHint.value;
    }
    allowAppTargets(reply, login.value.client);
    const passkeyOptions = await passkeySignInOptions(ctx, reply, challenge);
    return sendHtml(reply, renderAddressPage({ form: formContext(ctx, request, reply), challenge, client: login.value.client, method, flash, phone: identity.phoneEnabled, passkeyOptions }));
  });

  app.post('/login', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const body = fields(request);
    const login = await hydra.getLoginRequest(challenge);
    if (!login.ok) return seeOther(reply, loginPath(challenge));
    const method: Channel = str(body.method) === 'phone' ? 'phone' : 'email';
    const typed = str(method === 'email' ? body.email : body.phone).slice(0, 256);
    const back = loginPath(challenge, `&method=${method}`);
    const remember = str(body.remember) === 'true';
    // The same address again while its code is fresh: back to that code, not a refusal (issue 17 #4).
    const previous = cookies.loginState(request, challenge);
    const normalized = method === 'email' ? normalizeEmail(typed) : normalizePhone(typed);
    if (previous && normalized.ok && previous.channel === method && previous.address === normalized.value && codeAlive(previous) && resendWait(previous) > 0) {
      cookies.setLoginState(reply, { ...previous, remember });
      cookies.setFlash(reply, { notice: t('code.stillValid', { address: previous.address }) });
      return seeOther(reply, codePath(challenge));
    }
    const sentAt = Date.now();
    if (method === 'email') {
      const sent = await identity.requestEmailCode({ email: typed, ip: request.ip, locale: currentLocale() });
      if (!sent.ok) {
        cookies.setFlash(reply, { ...explain(sent.error), value: typed });
        return seeOther(reply, back);
      }
      cookies.setLoginState(reply, { challenge, channel: 'email', address: normalized.ok ? normalized.value : typed, emailLoginId: sent.value.emailLoginId, remember, sentAt });
    } else {
      const via = str(body.channel) || 'sms';
      const sent = await identity.requestPhoneCode({ phone: typed, channel: via, ip: request.ip, locale: currentLocale() });
      if (!sent.ok) {
        cookies.setFlash(reply, { ...explain(sent.error), value: typed });
        return seeOther(reply, back);
      }
      cookies.setLoginState(reply, { challenge, channel: 'phone', address: normalized.ok ? normalized.value : typed, phoneVia: via, remember, sentAt });
    }
    return seeOther(reply, codePath(challenge));
  });

  app.get('/login/code', async (request, reply) => {
    const challenge = challengeOf((request.query as Record<string, unknown>).login_challenge);
    if (!challenge) return missingChallenge(reply, 'login');
    const state = cookies.loginState(request, challenge);
    if (!state) return reply.redirect(loginPath(challenge), 302);
    const login = await hydra.getLoginRequest(challenge);
    if (!login.ok) return hydraErrorPage(reply, 'login', login.error, hydra);
    const flash = cookies.takeFlash(request, reply);
    allowAppTargets(reply, login.value.client);
    return sendHtml(
      reply,
      renderCodePage({ form: formContext(ctx, request, reply), challenge, client: login.value.client, method: state.channel, address: state.address, flash, resendWait: resendWait(state), locked: state.locked === true }),
    );
  });

  app.post('/login/code', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const state = cookies.loginState(request, challenge);
    if (!state) return seeOther(reply, loginPath(challenge));
    if (state.locked) return seeOther(reply, codePath(challenge));
    const code = str(fields(request).code).replace(/\s/g, '').slice(0, 12);
    const result =
      state.channel === 'email'
        ? await identity.loginWithEmail({ emailLoginId: state.emailLoginId ?? '', code, ip: request.ip })
        : await identity.loginWithPhone({ phone: state.address, code, ip: request.ip });
    if (!result.ok) {
      const dead = result.error.code === 'code_expired' || (result.error.code === 'code_invalid' && result.error.attemptsLeft === 0);
      // A dead code: the page offers only "Send a new code" (the lockout forgot the resend throttle).
      if (dead) cookies.setLoginState(reply, { ...state, locked: true });
      cookies.setFlash(reply, dead ? { error: t('code.locked') } : explain(result.error));
      return seeOther(reply, codePath(challenge));
    }
    if (result.value.totpRequired) {
      cookies.setLoginState(reply, { ...state, totpToken: result.value.authToken });
      return seeOther(reply, totpPath(challenge));
    }
    return finish(reply, challenge, state, result.value.userId, result.value.authToken, [state.channel === 'email' ? 'otp' : 'sms']);
  });

  app.post('/login/resend', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const state = cookies.loginState(request, challenge);
    if (!state) return seeOther(reply, loginPath(challenge));
    // Still within the last code's cooldown: it works, say so (and when a new one can come), no error.
    const wait = resendWait(state);
    if (wait > 0) {
      cookies.setFlash(reply, { notice: t('code.cooldown', { s: wait }) });
      return seeOther(reply, codePath(challenge));
    }
    const sent =
      state.channel === 'email'
        ? await identity.requestEmailCode({ email: state.address, ip: request.ip, locale: currentLocale() })
        : await identity.requestPhoneCode({ phone: state.address, channel: state.phoneVia ?? 'sms', ip: request.ip, locale: currentLocale() });
    if (sent.ok) {
      const emailLoginId = sent.value && typeof sent.value === 'object' && 'emailLoginId' in sent.value ? sent.value.emailLoginId : state.emailLoginId;
      cookies.setLoginState(reply, { ...state, ...(emailLoginId ? { emailLoginId } : {}), sentAt: Date.now(), locked: false });
      cookies.setFlash(reply, { notice: t('code.sent') });
    } else if (sent.error.code === 'rate_limited' && sent.error.retryAfter && sent.error.retryAfter <= DEFAULT_THROTTLE.resendWindowSeconds && !state.locked) {
      cookies.setFlash(reply, { notice: t('code.cooldown', { s: sent.error.retryAfter }) });
    } else {
      cookies.setFlash(reply, explain(sent.error));
    }
    return seeOther(reply, codePath(challenge));
  });

  app.get('/login/totp', async (request, reply) => {
    const step = await secondStepPage(ctx, request, reply);
    if (!step) return reply;
    const passkeyOptions = await passkeySecondFactorOptions(ctx, reply, step.state.totpToken);
    return sendHtml(reply, renderTotpPage({ form: formContext(ctx, request, reply), challenge: step.challenge, client: step.client, flash: cookies.takeFlash(request, reply), passkeyOptions }));
  });

  app.post('/login/totp', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const state = cookies.loginState(request, challenge);
    if (!state?.totpToken) return seeOther(reply, loginPath(challenge));
    const result = await identity.validateTotp({ authToken: state.totpToken, totpCode: str(fields(request).totp_code).replace(/\s/g, '').slice(0, 12) });
    if (!result.ok) {
      if (result.error.code === 'totp_invalid') {
        cookies.setFlash(reply, explain(result.error));
        return seeOther(reply, totpPath(challenge));
      }
      cookies.clearLoginState(reply);
      cookies.setFlash(reply, { error: t('totp.stopped') });
      return seeOther(reply, loginPath(challenge, `&method=${state.channel}`));
    }
    return finish(reply, challenge, state, result.value.userId, state.totpToken, [state.channel === 'email' ? 'otp' : 'sms', 'mfa']);
  });

  app.post('/login/cancel', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const state = cookies.loginState(request, challenge);
    if (state?.totpToken) await identity.logout(state.totpToken);
    cookies.clearLoginState(reply);
    const rejected = await hydra.rejectLoginRequest(challenge, { error: 'access_denied', error_description: 'The user cancelled the sign-in.' });
    if (!rejected.ok) return seeOther(reply, loginPath(challenge));
    return seeOther(reply, rejected.value.redirect_to);
  });
}
