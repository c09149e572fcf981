// Passkeys and recovery codes in the sign-in flow (issue 17), beside the one-time codes of login.ts:
// - The address page and the authenticator step carry the WebAuthn options (passkeySignInOptions,
//   passkeySecondFactorOptions); the challenge's handle goes into this browser's signed HttpOnly cookie, so
//   only this browser can finish, once, for this login challenge.
// - POST /login/passkey → the assertion (form field `credential`) signs the person in: accept login (aal2: a
//   passkey with user verification is two factors).
// - POST /login/passkey/second-factor → a passkey instead of the authenticator code (TOTP step).
// - GET/POST /login/recovery → a recovery code instead of the authenticator code; wrong codes count against the
//   same lockout as wrong TOTP codes.
// Every POST needs the login challenge and the CSRF token; the server-wide request-rate limit applies.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderRecoveryPage } from '../pages/second-factor-pages.ts';
import { tp } from '../passkey-messages.ts';
import { t } from '../messages.ts';
import { acceptSignIn } from './accept-login.ts';
import { fields, formContext, loginPath, loginPostChallenge, pathWith, secondStepPage, seeOther, sendHtml, str, type UiContext } from './support.ts';

const HANDLE_COOKIE = 'lg_passkey';
const HANDLE_SECONDS = 600;
const totpPath = (challenge: string) => pathWith('/login/totp', 'login_challenge', challenge);
const recoveryPath = (challenge: string) => pathWith('/login/recovery', 'login_challenge', challenge);

function parseCredential(value: unknown): unknown {
  const text = str(value);
  if (!text || text.length > 12_000) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const keepHandle = (ctx: UiContext, reply: FastifyReply, handle: string) =>
  reply.setCookie(HANDLE_COOKIE, handle, { path: '/login', httpOnly: true, sameSite: 'lax', secure: ctx.config.cookiesSecure, signed: true, maxAge: HANDLE_SECONDS });

/** The address page's passkey options (JSON) for this login challenge; the handle goes into this browser's cookie. */
export async function passkeySignInOptions(ctx: UiContext, reply: FastifyReply, challenge: string): Promise<string> {
  const started = await ctx.identity.startPasskeySignIn(challenge);
  keepHandle(ctx, reply, started.handle);
  return JSON.stringify(started.options);
}

/** The authenticator step's passkey options, when the person has a passkey. */
export async function passkeySecondFactorOptions(ctx: UiContext, reply: FastifyReply, authToken: string): Promise<string | undefined> {
  const started = await ctx.identity.startPasskeySecondFactor(authToken);
  if (!started.ok) return undefined;
  keepHandle(ctx, reply, started.value.handle);
  return JSON.stringify(started.value.options);
}

export function registerPasskeyLoginRoutes(app: FastifyInstance, ctx: UiContext): void {
  const { identity, cookies, csrf, config } = ctx;

  const guard = (request: FastifyRequest, reply: FastifyReply): string | undefined => loginPostChallenge(csrf, request, reply);
  /** The handle of this browser's last ceremony; it is cleared: a challenge is tried once. */
  const takeHandle = (request: FastifyRequest, reply: FastifyReply): string => {
    const raw = request.cookies[HANDLE_COOKIE];
    reply.clearCookie(HANDLE_COOKIE, { path: '/login' });
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    return unsigned?.valid && unsigned.value ? unsigned.value : '';
  };

  app.post('/login/passkey', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const handle = takeHandle(request, reply);
    const response = parseCredential(fields(request).credential);
    if (!response) {
      cookies.setFlash(reply, { error: tp(handle ? 'passkey.invalid' : 'passkey.needsScript') });
      return seeOther(reply, loginPath(challenge));
    }
    const checked = await identity.finishPasskeySignIn({ handle, binding: challenge, response });
    if (!checked.ok) {
      cookies.setFlash(reply, { error: tp('passkey.invalid') });
      return seeOther(reply, loginPath(challenge));
    }
    // "Keep me signed in" on the page (the script sends the address form's choice along).
    return acceptSignIn(ctx, reply, challenge, { userId: checked.value.userId, remember: str(fields(request).remember) === 'true', amr: ['hwk', 'mfa'] });
  });

  app.post('/login/passkey/second-factor', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const state = cookies.loginState(request, challenge);
    const handle = takeHandle(request, reply);
    if (!state?.totpToken) return seeOther(reply, loginPath(challenge));
    const response = parseCredential(fields(request).credential);
    if (!response) {
      cookies.setFlash(reply, { error: tp(handle ? 'passkey.noneOnAccount' : 'passkey.needsScript') });
      return seeOther(reply, totpPath(challenge));
    }
    const checked = await identity.finishPasskeySecondFactor({ authToken: state.totpToken, handle, response });
    if (!checked.ok) {
      if (checked.error.code === 'session_invalid') {
        cookies.clearLoginState(reply);
        cookies.setFlash(reply, { error: t('totp.stopped') });
        return seeOther(reply, loginPath(challenge));
      }
      cookies.setFlash(reply, { error: tp('passkey.invalid') });
      return seeOther(reply, totpPath(challenge));
    }
    await identity.logout(state.totpToken);
    return acceptSignIn(ctx, reply, challenge, { userId: checked.value.userId, remember: state.remember, amr: [state.channel === 'email' ? 'otp' : 'sms', 'hwk', 'mfa'] });
  });

  app.get('/login/recovery', async (request, reply) => {
    const step = await secondStepPage(ctx, request, reply);
    if (!step) return reply;
    return sendHtml(reply, renderRecoveryPage({ form: formContext(ctx, request, reply), challenge: step.challenge, flash: cookies.takeFlash(request, reply) }));
  });

  app.post('/login/recovery', async (request, reply) => {
    const challenge = guard(request, reply);
    if (!challenge) return reply;
    const state = cookies.loginState(request, challenge);
    if (!state?.totpToken) return seeOther(reply, loginPath(challenge));
    const used = await identity.signInWithRecoveryCode({ authToken: state.totpToken, code: str(fields(request).recovery_code).slice(0, 40) });
    if (!used.ok) {
      if (used.error.code === 'recovery_code_invalid') {
        cookies.setFlash(reply, { error: tp('recovery.wrong', { n: used.error.attemptsLeft ?? 0 }), field: true });
        return seeOther(reply, recoveryPath(challenge));
      }
      cookies.clearLoginState(reply);
      cookies.setFlash(reply, { error: t('totp.stopped') });
      return seeOther(reply, loginPath(challenge));
    }
    await identity.logout(state.totpToken);
    return acceptSignIn(ctx, reply, challenge, { userId: used.value.userId, remember: state.remember, amr: [state.channel === 'email' ? 'otp' : 'sms', 'mfa'] });
  });

  // The consent page's "account settings" and old bookmarks: the account area is the portal's /account.
  app.get('/account', async (_request, reply) => reply.redirect(`${config.urls.portal}/account`, 302));
}
