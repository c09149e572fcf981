// Hydra's device verification endpoint, /oauth2/device/verify (RFC 8628 section 3.3, issue 16), in front of
// oidc-provider's code_verification route:
// - opened without a verifier (the verification_uri, or verification_uri_complete with ?user_code=), it
//   binds a fresh device challenge to this browser (signed HttpOnly cookie on this path) and sends the
//   browser to the login app's device page with it (Hydra's urls.device.verification);
// - with ?device_verifier= (the login app accepted the user code), in the browser holding that challenge's
//   cookie only, it confirms the code as oidc-provider's own user-code form would have been posted; the
//   sign-in then goes through the login and consent app (verifier-step.ts on this path), and ends on
//   the device success page. A verifier shown by another browser denies the device code for everyone.
// oidc-provider's own user-code forms are never served: user codes are only ever checked by
// acceptUserCodeRequest, where guessing is counted.
import { randomBytes } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { hashSecret } from '../../shared/secret-hash.ts';
import type { DeviceChallenges } from './device-challenges.ts';
import type { FlowVerifiers } from './flow-verifiers.ts';
import { renderErrorPage } from './pages.ts';
import { HYDRA_ROUTES } from './routes.ts';

type Next = () => Promise<unknown>;
type DeviceCodeLike = { error?: string; errorDescription?: string; accountId?: string; save(): Promise<unknown> };

export const DEVICE_COOKIE = 'lg_device';

export interface DeviceVerificationDeps {
  challenges: DeviceChallenges;
  verifiers: FlowVerifiers;
  /** The login app's device page (Hydra's urls.device.verification). */
  verificationUrl: string;
  ttlSeconds: number;
}

function page(ctx: KoaContextWithOIDC, status: number, error: string, description: string) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = renderErrorPage({ error, error_description: description }, status);
}

/** The xsrf value this request's oidc-provider session must hold (patches.ts puts it there). */
export const deviceXsrf = (ctx: { state?: Record<string, unknown> } | undefined): string | undefined => {
  const value = ctx?.state?.lgDeviceXsrf;
  return typeof value === 'string' ? value : undefined;
};

export function deviceVerification(provider: Provider, deps: DeviceVerificationDeps) {
  const path = HYDRA_ROUTES.code_verification;
  const cookieOptions = (ctx: KoaContextWithOIDC) => ({ signed: true, httpOnly: true, sameSite: 'lax' as const, secure: ctx.secure, path, overwrite: true });

  /** Ends the device code's flow: the device's next poll gets access_denied. */
  async function denyDeviceCode(userCode: string) {
    const DeviceCode = provider.DeviceCode as unknown as { findByUserCode(code: string, o: { ignoreExpiration: boolean }): Promise<DeviceCodeLike | undefined> };
    const code = await DeviceCode.findByUserCode(userCode, { ignoreExpiration: true });
    if (!code || code.accountId || code.error) return;
    Object.assign(code, { error: 'access_denied', errorDescription: 'The device verification was continued in another browser' });
    await code.save();
  }

  return async (ctx: KoaContextWithOIDC, next: Next) => {
    if (ctx.path !== path) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return page(ctx, 405, 'invalid_request', 'Open this address in a browser to sign in a device.');
    const query = ctx.query as Record<string, unknown>;
    // Login and consent verifiers of a device sign-in: verifier-step.ts (registered for this path) took them.
    if (query.login_verifier !== undefined || query.consent_verifier !== undefined) return next();

    if (query.device_verifier !== undefined) {
      const decision = typeof query.device_verifier === 'string' ? await deps.verifiers.take(query.device_verifier) : undefined;
      const cookie = ctx.cookies.get(DEVICE_COOKIE, { signed: true });
      ctx.cookies.set(DEVICE_COOKIE, null, cookieOptions(ctx));
      const userCode = typeof decision?.result?.userCode === 'string' ? decision.result.userCode : undefined;
      if (decision?.kind !== 'device' || !userCode) return page(ctx, 403, 'access_denied', 'The device verifier has already been used, has not been granted, or is invalid.');
      if (!cookie || hashSecret(cookie) !== decision.challenge) {
        await denyDeviceCode(userCode);
        return page(ctx, 403, 'access_denied', 'The device verifier was presented by another browser than the one that entered the code.');
      }
      // As if oidc-provider's confirmation form had been posted in this browser (its xsrf check: patches.ts).
      const xsrf = randomBytes(24).toString('hex');
      ctx.state.lgDeviceXsrf = xsrf;
      ctx.method = 'POST';
      ctx.querystring = '';
      const body = new URLSearchParams({ xsrf, user_code: userCode, confirm: 'yes' }).toString();
      ctx.req.headers['content-type'] = 'application/x-www-form-urlencoded';
      ctx.req.headers['content-length'] = String(Buffer.byteLength(body));
      Object.defineProperty(ctx.req, 'readable', { value: false });
      (ctx.req as unknown as { body: string }).body = body;
      return next();
    }

    const challenge = await deps.challenges.create();
    ctx.cookies.set(DEVICE_COOKIE, challenge, { ...cookieOptions(ctx), maxAge: deps.ttlSeconds * 1000 });
    const target = new URL(deps.verificationUrl);
    target.searchParams.set('device_challenge', challenge);
    // verification_uri_complete: the page shows the code for the person to compare and confirm (RFC 8628 section 5.4).
    if (typeof query.user_code === 'string' && query.user_code.length <= 64) target.searchParams.set('user_code', query.user_code);
    ctx.set('cache-control', 'no-store');
    ctx.status = 303;
    ctx.redirect(target.href);
  };
}

/**
 * oidc-provider's features.deviceFlow: Hydra's user codes (8 letters of a 20-letter alphabet without vowels or
 * look-alikes, shown as XXXX-XXXX: 20^8 = 2.56e10 codes). Its user-code pages are never reached (see above)
 * except for an error while confirming, shown as the server's error page; success goes to the login app.
 */
export function deviceFlowFeature(successUrl: string) {
  return {
    enabled: true,
    charset: 'base-20' as const,
    mask: '****-****',
    async userCodeInputSource(ctx: KoaContextWithOIDC, _form: string, out?: { error?: string; error_description?: string }) {
      page(ctx, 400, out?.error ?? 'invalid_request', out?.error_description ?? 'This device sign-in cannot continue. Start again on the device.');
    },
    async userCodeConfirmSource(ctx: KoaContextWithOIDC) {
      page(ctx, 400, 'invalid_request', 'This device sign-in cannot continue. Start again on the device.');
    },
    async successSource(ctx: KoaContextWithOIDC) {
      ctx.status = 303;
      ctx.redirect(successUrl);
    },
  };
}
