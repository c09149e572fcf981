// A fresh one-time code for a sensitive change in the account area (issue 15: raising an app's budget): the
// identity module's sign-in code, sent now to the person's own address (e-mail, else phone) and checked as the
// login app checks it (its limits: resend throttle, 5 tries per code, attempts per hour and day). The code
// must sign in as this very person; the API session such a check makes is ended at once, as the login app does.
import type { IdentityError, IdentityService } from '../../identity/identity-service.ts';
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';

export type FreshCodeIdentity = Pick<IdentityService, 'getUser' | 'requestEmailCode' | 'loginWithEmail' | 'requestPhoneCode' | 'loginWithPhone' | 'logout' | 'phoneEnabled'>;

export type FreshCodeError = 'format' | 'wrong' | 'expired' | 'limited' | 'undelivered' | 'no-address';

/** Where the code went: `ref` names it for the check (kept by the caller, e.g. in a signed cookie). */
export interface SentCode {
  ref: string;
  /** The address, partly hidden ("a•••@example.com"), for the page. */
  to: string;
}

const CODE = /^\d{6}$/;

function fromIdentity(e: IdentityError): FreshCodeError {
  if (e.code === 'code_invalid') return 'wrong';
  if (e.code === 'rate_limited') return 'limited';
  if (e.code === 'delivery_failed') return 'undelivered';
  return 'expired';
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email[0]}•••${email.slice(at)}` : '•••';
}
const maskPhone = (phone: string): string => `•••${phone.slice(-2)}`;

export function createFreshCode(identity: FreshCodeIdentity) {
  return {
    async send(userId: string, o: { ip?: string; locale?: string }): Promise<Result<SentCode, FreshCodeError>> {
      const user = await identity.getUser(userId);
      const from = { ...(o.ip ? { ip: o.ip } : {}), ...(o.locale ? { locale: o.locale } : {}) };
      if (user?.email) {
        const sent = await identity.requestEmailCode({ email: user.email, ...from });
        return sent.ok ? ok({ ref: `e:${sent.value.emailLoginId}`, to: maskEmail(user.email) }) : err(fromIdentity(sent.error));
      }
      if (user?.phone && identity.phoneEnabled) {
        const sent = await identity.requestPhoneCode({ phone: user.phone, ...from });
        return sent.ok ? ok({ ref: 'p:', to: maskPhone(user.phone) }) : err(fromIdentity(sent.error));
      }
      return err('no-address');
    },

    /** The code typed for `ref`; ok only if it signs in as `userId`. */
    async check(userId: string, ref: string, code: unknown, o: { ip?: string }): Promise<Result<void, FreshCodeError>> {
      const typed = typeof code === 'string' ? code.replace(/\s/g, '') : '';
      if (!CODE.test(typed)) return err('format');
      const ip = o.ip ? { ip: o.ip } : {};
      let signedIn;
      if (ref.startsWith('e:')) signedIn = await identity.loginWithEmail({ emailLoginId: ref.slice(2), code: typed, ...ip });
      else if (ref === 'p:') {
        const phone = (await identity.getUser(userId))?.phone;
        if (!phone) return err('expired');
        signedIn = await identity.loginWithPhone({ phone, code: typed, ...ip });
      } else return err('expired');
      if (!signedIn.ok) return err(fromIdentity(signedIn.error));
      // Only the proof is wanted, not a session (as the login app's finish step).
      await identity.logout(signedIn.value.authToken);
      return signedIn.value.userId === (userId as UserId) ? ok(undefined) : err('wrong');
    },
  };
}

export type FreshCode = ReturnType<typeof createFreshCode>;
