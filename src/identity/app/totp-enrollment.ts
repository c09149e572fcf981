// TOTP enrolment: initiate (secret + QR), confirm with a first code, disable with a current code.
import { randomUUID } from 'node:crypto';
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { identityError, type IdentityError } from '../domain/errors.ts';
import { TOTP_REGISTRATION_TTL_SECONDS } from '../domain/policy.ts';
import { deleteRegistrations, findRegistration, findUserById, insertRegistration, lockRegistration, setTotp } from '../services/identity-store.ts';
import { matchTotp, newTotpSecret, totpProvisioning } from '../services/totp.ts';
import { deleteRecoveryCodes, insertActivity } from '../services/account-store.ts';
import { addSeconds, type IdentityContext } from './context.ts';

export interface TotpEnrollment {
  totpRegistrationId: string;
  /** Base32 secret, for people who type it into their app. */
  totpSecret: string;
  /** otpauth:// key URI. */
  totpUri: string;
  /** The key URI as a QR code (SVG data URL). */
  qrSvgDataUrl: string;
}

export async function initiateTotp(ctx: IdentityContext, userId: UserId): Promise<Result<TotpEnrollment, IdentityError>> {
  const user = await findUserById(ctx.db, userId);
  if (!user) return err(identityError('user_not_found'));
  if (user.totp_enabled_at) return err(identityError('totp_already_enabled'));
  const secret = newTotpSecret();
  const id = randomUUID();
  await insertRegistration(ctx.db, { id, user_id: userId, secret: ctx.box.seal(secret), expires_at: addSeconds(ctx.now(), TOTP_REGISTRATION_TTL_SECONDS) });
  const { uri, qrSvgDataUrl } = await totpProvisioning(secret, user.email ?? user.phone ?? userId, ctx.productName);
  return ok({ totpRegistrationId: id, totpSecret: secret, totpUri: uri, qrSvgDataUrl });
}

/**
 * The enrolment of a pending registration again (same secret and QR code), for a page that shows it
 * after a redirect; refused once it expired or TOTP is already on.
 */
export async function pendingTotp(ctx: IdentityContext, input: { userId: UserId; totpRegistrationId: string }): Promise<Result<TotpEnrollment, IdentityError>> {
  const user = await findUserById(ctx.db, input.userId);
  if (!user) return err(identityError('user_not_found'));
  if (user.totp_enabled_at) return err(identityError('totp_already_enabled'));
  const registration = await findRegistration(ctx.db, input.totpRegistrationId, input.userId);
  const secret = registration && new Date(registration.expires_at) > ctx.now() ? ctx.box.open(registration.secret) : undefined;
  if (!registration || !secret) return err(identityError('registration_invalid'));
  const { uri, qrSvgDataUrl } = await totpProvisioning(secret, user.email ?? user.phone ?? input.userId, ctx.productName);
  return ok({ totpRegistrationId: registration.id, totpSecret: secret, totpUri: uri, qrSvgDataUrl });
}

export async function confirmTotp(ctx: IdentityContext, input: { userId: UserId; totpRegistrationId: string; totpCode: string }): Promise<Result<void, IdentityError>> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx): Promise<Result<void, IdentityError>> => {
    const user = await findUserById(tx, input.userId);
    if (!user) return err(identityError('user_not_found'));
    if (user.totp_enabled_at) return err(identityError('totp_already_enabled'));
    const registration = await lockRegistration(tx, input.totpRegistrationId, input.userId);
    if (!registration || new Date(registration.expires_at) <= now) return err(identityError('registration_invalid'));
    const secret = ctx.box.open(registration.secret);
    const step = secret ? matchTotp(secret, input.totpCode.trim(), now) : undefined;
    if (step === undefined) return err(identityError('totp_invalid'));
    await setTotp(tx, input.userId, registration.secret, step, now);
    await deleteRegistrations(tx, input.userId);
    await insertActivity(tx, { id: randomUUID(), userId: input.userId, kind: 'totp-on', detail: '', now });
    ctx.logger?.info({ userId: input.userId }, 'two-step verification enabled');
    return ok(undefined);
  });
}

/**
 * Turns TOTP off. With a code, the code must be current (the /auth route asks for one); without one
 * (Blink's GraphQL userTotpDelete takes none) the caller's full session, which needed TOTP, suffices.
 */
export async function disableTotp(ctx: IdentityContext, input: { userId: UserId; totpCode: string | undefined }): Promise<Result<void, IdentityError>> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx): Promise<Result<void, IdentityError>> => {
    const user = await findUserById(tx, input.userId);
    if (!user) return err(identityError('user_not_found'));
    if (!user.totp_enabled_at || !user.totp_secret) return err(identityError('totp_not_enabled'));
    if (input.totpCode !== undefined) {
      const secret = ctx.box.open(user.totp_secret);
      const step = secret ? matchTotp(secret, input.totpCode.trim(), now) : undefined;
      if (step === undefined || (user.totp_last_step !== null && step <= user.totp_last_step)) return err(identityError('totp_invalid'));
    }
    await setTotp(tx, input.userId, null, null, now);
    // Recovery codes stand in for the authenticator: they go with it (issue 17 #7).
    await deleteRecoveryCodes(tx, input.userId);
    await insertActivity(tx, { id: randomUUID(), userId: input.userId, kind: 'totp-off', detail: '', now });
    ctx.logger?.info({ userId: input.userId }, 'two-step verification disabled');
    return ok(undefined);
  });
}
