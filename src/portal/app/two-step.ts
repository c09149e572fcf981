// Two-step verification (TOTP) for the signed-in person: set up with a QR code, confirm with a first
// code, turn off with a current code. The identity service holds the secret; the portal only asks.
// Wrong codes are counted per person (5 per 15 minutes), so a stolen portal session cannot guess its
// way to turning the second factor off.
import type { IdentityError, IdentityService, TotpEnrollment } from '../../identity/identity-service.ts';
import type { UserId } from '../../shared/brand.ts';
import { createLimit } from '../../shared/limits/limit.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { PortalContext } from './context.ts';

export type TwoStepIdentity = Pick<IdentityService, 'getUser' | 'initiateTotp' | 'pendingTotp' | 'confirmTotp' | 'disableTotp'>;

export type TwoStepReason = 'format' | 'wrong' | 'expired' | 'already-on' | 'already-off' | 'unavailable' | 'too-many' | 'no-codes';

export interface TwoStepError {
  /** FIELD: a problem with the code typed (shown next to it); the others are about the state. */
  kind: 'FIELD' | 'TOO_MANY' | 'EXPIRED' | 'STATE' | 'UNAVAILABLE';
  /** What is wrong, as a value: the account area says it in the person's language (account catalog `two.<reason>`). */
  reason: TwoStepReason;
  /** Minutes to wait (TOO_MANY). */
  minutes?: number;
}

export const WRONG_CODE_LIMIT = 5;
const WRONG_CODE_WINDOW_SECONDS = 15 * 60;

const CODE = /^\d{6}$/;
/** People paste codes with spaces ("123 456"). */
const normalizeCode = (value: unknown): string => (typeof value === 'string' ? value.replace(/\s/g, '') : '');

function fromIdentity(e: IdentityError): TwoStepError {
  switch (e.code) {
    case 'totp_invalid':
      return { kind: 'FIELD', reason: 'wrong' };
    case 'registration_invalid':
      return { kind: 'EXPIRED', reason: 'expired' };
    case 'totp_already_enabled':
      return { kind: 'STATE', reason: 'already-on' };
    case 'totp_not_enabled':
      return { kind: 'STATE', reason: 'already-off' };
    default:
      return { kind: 'UNAVAILABLE', reason: 'unavailable' };
  }
}

export function createTwoStep(ctx: PortalContext, identity: TwoStepIdentity) {
  const wrongCodes = createLimit(ctx.db, { prefix: 'portal-totp', limit: WRONG_CODE_LIMIT, windowSeconds: WRONG_CODE_WINDOW_SECONDS });

  /** Refuses before asking the identity service when the person used up their tries; counts a wrong code. */
  async function withTries(userId: string, code: string, run: () => Promise<Result<void, IdentityError>>): Promise<Result<void, TwoStepError>> {
    if (!CODE.test(code)) return err({ kind: 'FIELD', reason: 'format' });
    const wait = await wrongCodes.retryAfter(userId);
    if (wait > 0) return err(tooMany(wait));
    const done = await run();
    if (done.ok) {
      await wrongCodes.reset(userId);
      return ok(undefined);
    }
    if (done.error.code === 'totp_invalid') {
      const counted = await wrongCodes.hit(userId);
      if (!counted.allowed) return err(tooMany(counted.retryAfter));
    }
    return err(fromIdentity(done.error));
  }

  return {
    async enabled(userId: string): Promise<boolean> {
      return (await identity.getUser(userId))?.totpEnabled ?? false;
    },

    /** A new registration (secret + QR code); its id is what the setup page needs. */
    async start(userId: string): Promise<Result<string, TwoStepError>> {
      const started = await identity.initiateTotp(userId as UserId);
      return started.ok ? ok(started.value.totpRegistrationId) : err(fromIdentity(started.error));
    },

    async pending(userId: string, registrationId: string): Promise<Result<TotpEnrollment, TwoStepError>> {
      const shown = await identity.pendingTotp({ userId: userId as UserId, totpRegistrationId: registrationId });
      return shown.ok ? shown : err(fromIdentity(shown.error));
    },

    confirm(userId: string, registrationId: string, code: unknown): Promise<Result<void, TwoStepError>> {
      const c = normalizeCode(code);
      return withTries(userId, c, () => identity.confirmTotp({ userId: userId as UserId, totpRegistrationId: registrationId, totpCode: c }));
    },

    /** Turning the second factor off needs a current code, not only the portal session. */
    turnOff(userId: string, code: unknown): Promise<Result<void, TwoStepError>> {
      const c = normalizeCode(code);
      return withTries(userId, c, () => identity.disableTotp({ userId: userId as UserId, totpCode: c }));
    },
  };
}

export type TwoStep = ReturnType<typeof createTwoStep>;

function tooMany(retryAfterSeconds: number): TwoStepError {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return { kind: 'TOO_MANY', reason: 'too-many', minutes };
}
