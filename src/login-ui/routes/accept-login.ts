// The end of every sign-in way (one-time code, TOTP, recovery code, passkey): accept the login challenge with
// the person's id and what was really checked (acr/amr), through the HydraAdmin port as Hydra's login flow
// does, and note the sign-in in the person's activity (issue 17). The authorization server's redirect_to
// carries the login verifier, which only the browser that started the flow can use.
import type { FastifyReply } from 'fastify';
import type { UserId } from '../../shared/brand.ts';
import { appName } from '../pages/common.ts';
import { pathWith, seeOther, type UiContext } from './support.ts';

export interface SignedInWith {
  userId: UserId;
  remember: boolean;
  /** RFC 8176 method references: otp, sms, hwk (a passkey), mfa when two factors were checked. */
  amr: string[];
}

export async function acceptSignIn(ctx: UiContext, reply: FastifyReply, challenge: string, who: SignedInWith) {
  const { hydra, identity, config, cookies } = ctx;
  // The app's name for the activity line, read while the challenge is still open.
  const login = await hydra.getLoginRequest(challenge);
  const app = login.ok ? appName(login.value.client) : '';
  const accepted = await hydra.acceptLoginRequest(challenge, {
    subject: who.userId,
    remember: who.remember,
    ...(who.remember ? { remember_for: config.ttl.loginSession } : {}),
    // Issue 19 #11: what was really checked. NIST SP 800-63B AAL2 needs two factors (RFC 8176 "mfa").
    acr: who.amr.includes('mfa') ? 'aal2' : 'aal1',
    amr: who.amr,
  });
  cookies.clearLoginState(reply);
  if (!accepted.ok) return seeOther(reply, pathWith('/login', 'login_challenge', challenge));
  await identity.recordActivity(who.userId, 'sign-in', [who.amr.filter((m) => m !== 'mfa').join('+'), app].filter(Boolean).join(' · ')).catch(() => undefined);
  return seeOther(reply, accepted.value.redirect_to);
}
