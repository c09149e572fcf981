// /login: address → one-time code → (TOTP) → accept the login challenge with subject = user id.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeEmail, normalizePhone, type Channel } from '../../identity/domain/address.ts';
import { IDENTITY_ERROR_MESSAGES, type IdentityError } from '../../identity/domain/errors.ts';
import type { UserId } from '../../shared/brand.ts';
import { renderAddressPage, renderCodePage, renderTotpPage } from '../pages/login-pages.ts';
import type { LoginState } from '../state.ts';
import { allowAppTargets, challengeOf, csrfRejected, fields, formContext, hydraErrorPage, missingChallenge, pathWith, seeOther, sendHtml, str, type UiContext } from './support.ts';

const loginPath = (challenge: string, extra = '') => pathWith('/login', 'login_challenge', challenge, extra);
const codePath = (challenge: string) => pathWith('/login/code', 'login_challenge', challenge);
const totpPath = (challenge: string) => pathWith('/login/totp', 'login_challenge', challenge);

function explain(error: IdentityError): string {
  const base = IDENTITY_ERROR_MESSAGES[error.code];
  if (error.code === 'rate_limited' && error.retryAfter) {
    const wait = error.retryAfter >= 120 ? `${Math.ceil(error.retryAfter / 60)} minutes` : `${error.retryAfter} seconds`;
    return `${base} You can try again in ${wait}.`;
  }
  if (error.code === 'code_invalid' && error.attemptsLeft !== undefined) {
    return error.attemptsLeft > 0
      ? `${base} ${error.attemptsLeft} ${error.attemptsLeft === 1 ? 'try' : 'tries'} left.`
      : 'That code is not right, and it has now been tried too many times. Ask for a new code.';
  }
  return base;
}

export function registerLoginRoutes(app: FastifyInstance, ctx: UiContext): void {
  const { hydra, identity, cookies, csrf, config } = ctx;

  /** The POST's challenge and CSRF check; answers the request itself when they fail. */
  const guard = (request: FastifyRequest, reply: FastifyReply): string | undefined => {
    const body = fields(request);
    const challenge = challengeOf(body.login_challenge);
    if (!challenge) {
      missingChallenge(reply, 'login');
      return undefined;
    }
    if (!csrf.verify(request, body[csrf.field])) {
      csrfRejected(reply, loginPath(challenge));
      return undefined;
    }
    return challenge;
  };

  async function finish(reply: FastifyReply, challenge: string, state: LoginState, userId: UserId, authToken: string, amr: string[]) {
    const accepted = await hydra.acceptLoginRequest(challenge, {
      subject: userId,
      remember: state.remember,
      ...(state.remember ? { remember_for: config.ttl.loginSession } : {}),
      // Issue 19 #11: what was really checked. NIST SP 800-63B AAL2 needs two factors (RFC 8176 "mfa").
      acr: amr.includes('mfa') ? 'aal2' : 'aal1',
      amr,
    });
    // The API session made by the code sign-in is not needed: the authorization server keeps the login session.
    await identity.logout(authToken);
    cookies.clearLoginState(reply);
    if (!accepted.ok) return seeOther(reply, loginPath(challenge));
    return seeOther(reply, accepted.value.redirect_to);
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
    if (!login.ok) return hydraErrorPage(reply, 'login', login.error);
    if (login.value.skip && !(await stepUpNeeded(login.value.subject, login.value.oidc_context?.acr_values))) {
      // The authorization server remembers this person: no questions (Hydra's login flow).
      const accepted = await hydra.acceptLoginRequest(challenge, { subject: login.value.subject });
      if (!accepted.ok) return hydraErrorPage(reply, 'login', accepted.error);
      return reply.redirect(accepted.value.redirect_to, 302);
    }
    // No phone option where phone sign-in is off (production without an SMS sender, issue 11 #5).
    const method: Channel = query.method === 'phone' && identity.phoneEnabled ? 'phone' : 'email';
    const flash = cookies.takeFlash(request, reply);
    if (query.method === 'phone' && !identity.phoneEnabled) flash.error ??= IDENTITY_ERROR_MESSAGES.phone_unavailable;
    const hint = login.value.oidc_context?.login_hint;
    if (flash.value === undefined && typeof hint === 'string') {
      const fromHint = method === 'email' ? normalizeEmail(hint) : normalizePhone(hint);
      if (fromHint.ok) flash.value = fromHint.value;
    }
    allowAppTargets(reply, login.value.client);
    return sendHtml(reply, renderAddressPage({ form: formContext(ctx, request, reply), challenge, client: login.value.client, method, flash, phone: identity.phoneEnabled }));
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
    if (method === 'email') {
      const sent = await identity.requestEmailCode({ email: typed, ip: request.ip });
      if (!sent.ok) {
        cookies.setFlash(reply, { error: explain(sent.error), value: typed });
        return seeOther(reply, back);
      }
      const email = normalizeEmail(typed);
      cookies.setLoginState(reply, { challenge, channel: 'email', address: email.ok ? email.value : typed, emailLoginId: sent.value.emailLoginId, remember: str(body.remember) === 'true' });
    } else {
      const via = str(body.channel) || 'sms';
      const sent = await identity.requestPhoneCode({ phone: typed, channel: via, ip: request.ip });
      if (!sent.ok) {
        cookies.setFlash(reply, { error: explain(sent.error), value: typed });
        return seeOther(reply, back);
      }
      const phone = normalizePhone(typed);
      cookies.setLoginState(reply, { challenge, channel: 'phone', address: phone.ok ? phone.value : typed, phoneVia: via, remember: str(body.remember) === 'true' });
    }
    return seeOther(reply, codePath(challenge));
  });

  app.get('/login/code', async (request, reply) => {
    const challenge = challengeOf((request.query as Record<string, unknown>).login_challenge);
    if (!challenge) return missingChallenge(reply, 'login');
    const state = cookies.loginState(request, challenge);
    if (!state) return reply.redirect(loginPath(challenge), 302);
    const login = await hydra.getLoginRequest(challenge);
    if (!login.ok) return hydraErrorPage(reply, 'login', login.error);
    const flash = cookies.takeFlash(request, reply);
    allowAppTargets(reply, login.value.client);
    return sendHtml(reply, renderCodePage({ form: formContext(ctx, request, reply), challenge, client: login.value.client, method: state.channel, address: state.address, flash }));
  });

  app.post('/login/code', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const state = cookies.loginState(request, challenge);
    if (!state) return seeOther(reply, loginPath(challenge));
    const code = str(fields(request).code).replace(/\s/g, '').slice(0, 12);
    const result =
      state.channel === 'email'
        ? await identity.loginWithEmail({ emailLoginId: state.emailLoginId ?? '', code, ip: request.ip })
        : await identity.loginWithPhone({ phone: state.address, code, ip: request.ip });
    if (!result.ok) {
      cookies.setFlash(reply, { error: explain(result.error) });
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
    if (state.channel === 'email') {
      const sent = await identity.requestEmailCode({ email: state.address, ip: request.ip });
      if (sent.ok) cookies.setLoginState(reply, { ...state, emailLoginId: sent.value.emailLoginId });
      cookies.setFlash(reply, sent.ok ? { notice: 'We sent you a new code. Earlier codes no longer work.' } : { error: explain(sent.error) });
    } else {
      const sent = await identity.requestPhoneCode({ phone: state.address, channel: state.phoneVia ?? 'sms', ip: request.ip });
      cookies.setFlash(reply, sent.ok ? { notice: 'We sent you a new code. Earlier codes no longer work.' } : { error: explain(sent.error) });
    }
    return seeOther(reply, codePath(challenge));
  });

  app.get('/login/totp', async (request, reply) => {
    const challenge = challengeOf((request.query as Record<string, unknown>).login_challenge);
    if (!challenge) return missingChallenge(reply, 'login');
    const state = cookies.loginState(request, challenge);
    if (!state?.totpToken) return reply.redirect(loginPath(challenge), 302);
    const login = await hydra.getLoginRequest(challenge);
    if (!login.ok) return hydraErrorPage(reply, 'login', login.error);
    allowAppTargets(reply, login.value.client);
    return sendHtml(reply, renderTotpPage({ form: formContext(ctx, request, reply), challenge, client: login.value.client, flash: cookies.takeFlash(request, reply) }));
  });

  app.post('/login/totp', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const state = cookies.loginState(request, challenge);
    if (!state?.totpToken) return seeOther(reply, loginPath(challenge));
    const result = await identity.validateTotp({ authToken: state.totpToken, totpCode: str(fields(request).totp_code).replace(/\s/g, '').slice(0, 12) });
    if (!result.ok) {
      if (result.error.code === 'totp_invalid') {
        cookies.setFlash(reply, { error: explain(result.error) });
        return seeOther(reply, totpPath(challenge));
      }
      cookies.clearLoginState(reply);
      cookies.setFlash(reply, { error: 'That sign-in was stopped after too many wrong authenticator codes, or it took too long. Please start again.' });
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
