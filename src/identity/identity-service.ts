// The identity module's face: users, one-time codes, session tokens and TOTP. The API server's
// /auth/* routes and the login & consent app both use it.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { UserId } from '../shared/brand.ts';
import { createCounter } from '../shared/limits/counter.ts';
import type { Logger } from '../shared/logger.ts';
import { err, ok, type Result } from '../shared/result.ts';
import type { IdentityContext } from './app/context.ts';
import { loginWithCode, type LoginSuccess } from './app/login-with-code.ts';
import { requestCode } from './app/request-code.ts';
import { logout, verifySessionToken } from './app/sessions.ts';
import { confirmTotp, disableTotp, initiateTotp, pendingTotp, type TotpEnrollment } from './app/totp-enrollment.ts';
import { validateTotp } from './app/validate-totp.ts';
import * as passkeys from './app/passkeys.ts';
import { newRecoveryCodes, recoveryCodesLeft, signInWithRecoveryCode } from './app/recovery-codes.ts';
import { countLiveSessionsOf, insertActivity, listActivity, revokeSessionsOf } from './services/account-store.ts';
import { normalizeEmail, normalizePhone, parsePhoneChannel } from './domain/address.ts';
import { codeLocaleOf } from './domain/code-message.ts';
import { supportedCountries, type SupportedCountry } from './domain/countries.ts';
import { deleteEmail, initiateEmailRegistration, validateEmailRegistration } from './app/email-registration.ts';
import { identityError, type IdentityError } from './domain/errors.ts';
import { DEFAULT_THROTTLE, type ThrottlePolicy } from './domain/policy.ts';
import { createIdentitySecretBox } from './services/crypto.ts';
import { findUserById, purgeExpired } from './services/identity-store.ts';
import { configuredSmsSender, createMessageSender, type MessageSender } from './services/message-sender.ts';

export type { IdentityError, LoginSuccess, TotpEnrollment };
export type { Passkey, Ceremony } from './app/passkeys.ts';

/** One line of the account area's activity (issue 17): sign-ins and security changes. */
export interface Activity {
  kind: string;
  detail: string;
  at: Date;
}

export interface User {
  id: UserId;
  email: string | undefined;
  phone: string | undefined;
  totpEnabled: boolean;
  createdAt: Date;
}

export interface IdentityDeps {
  db: Database;
  config: Config;
  logger?: Logger;
  /** Overrides the default delivery (outbox / SMTP) for every channel. */
  sender?: MessageSender;
  /** The phone transport (SMS, WhatsApp); default: SMS_WEBHOOK_URL's. Production offers phone sign-in only with one. */
  sms?: MessageSender;
  /** Runs inside the transaction that creates the user (the wallet module creates the account there). */
  onUserCreated: (tx: Queryable, userId: UserId) => Promise<void>;
  /** The clock (tests move it to check expiry). */
  now?: () => Date;
  /** Overrides of the sign-in limits (tests). */
  throttle?: Partial<ThrottlePolicy>;
}

type Out<T> = Promise<Result<T, IdentityError>>;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export function createIdentityService(deps: IdentityDeps) {
  const { db, config } = deps;
  const sms = deps.sms ?? configuredSmsSender(config);
  // Production without an SMS transport does not offer phone sign-in: the codes would reach nobody (issue 11 #5).
  const phoneEnabled = config.env !== 'production' || sms !== undefined;
  const ctx: IdentityContext = {
    db,
    counter: createCounter(db),
    sender: deps.sender ?? createMessageSender({ config, sms, ...(deps.logger ? { logger: deps.logger } : {}) }),
    box: createIdentitySecretBox(config.secrets.system),
    codeSecrets: config.secrets.system,
    now: deps.now ?? (() => new Date()),
    policy: {
      ...DEFAULT_THROTTLE,
      ipLimit: config.loginCodeIpLimit,
      ipDaily: config.loginCodeLimits.ipDaily,
      requesterHourly: config.loginCodeLimits.requesterHourly,
      requesterDaily: config.loginCodeLimits.requesterDaily,
      identifierHourly: config.loginCodeLimits.identifierHourly,
      identifierDaily: config.loginCodeLimits.identifierDaily,
      attemptsHourly: config.loginCodeLimits.attemptsHourly,
      attemptsDaily: config.loginCodeLimits.attemptsDaily,
      ...deps.throttle,
    },
    sessionTtlSeconds: config.ttl.loginSession,
    productName: config.brand.name ?? 'Lightgate',
    onUserCreated: deps.onUserCreated,
    webauthn: { rpId: config.webauthnRpId, rpName: config.brand.name ?? 'Lightgate', origins: [...new Set([new URL(config.urls.ui).origin, new URL(config.urls.portal).origin])] },
    ...(deps.logger ? { logger: deps.logger } : {}),
  };
  const ip = (value: string | undefined) => (value ? { ip: value } : {});

  return {
    /** Whether phone sign-in is offered (outside production always; in production only with an SMS transport). */
    phoneEnabled,

    /** The countries whose numbers can sign in by phone, and how the codes travel (none when phone sign-in is off). */
    supportedCountries: (): SupportedCountry[] => supportedCountries(phoneEnabled),

    /** Adds an email address to a signed-in user (Blink's userEmailRegistration*): a code to the address, then the code. */
    /** `locale`: the request's language (Accept-Language), for the code's message; anything else is English. */
    initiateEmailRegistration: (input: { userId: UserId; email: unknown; locale?: unknown }): Out<{ emailRegistrationId: string }> =>
      initiateEmailRegistration(ctx, { userId: input.userId, email: input.email, locale: codeLocaleOf(input.locale) }),
    async validateEmailRegistration(input: { userId: UserId; emailRegistrationId: unknown; code: unknown }): Out<void> {
      if (typeof input.emailRegistrationId !== 'string' || typeof input.code !== 'string') return err(identityError('invalid_request'));
      return validateEmailRegistration(ctx, { userId: input.userId, emailRegistrationId: input.emailRegistrationId, code: input.code });
    },
    /** Removes the user's email address while a phone number remains to sign in with. */
    deleteEmail: (userId: UserId): Out<void> => deleteEmail(ctx, userId),

    /** locale: the language of the request (the code's e-mail is written in it), else English. */
    async requestEmailCode(input: { email: unknown; ip?: string; locale?: unknown }): Out<{ emailLoginId: string }> {
      const email = normalizeEmail(input.email);
      if (!email.ok) return err(identityError(email.error));
      const sent = await requestCode(ctx, { channel: 'email', address: email.value, via: 'email', locale: codeLocaleOf(input.locale), ...ip(input.ip) });
      return sent.ok ? ok({ emailLoginId: sent.value.loginId }) : sent;
    },

    async loginWithEmail(input: { emailLoginId: unknown; code: unknown; ip?: string }): Out<LoginSuccess> {
      if (typeof input.emailLoginId !== 'string' || typeof input.code !== 'string') return err(identityError('invalid_request'));
      return loginWithCode(ctx, { channel: 'email', loginId: input.emailLoginId, code: input.code, ...ip(input.ip) });
    },

    async requestPhoneCode(input: { phone: unknown; channel?: unknown; ip?: string; locale?: unknown }): Out<void> {
      if (!phoneEnabled) return err(identityError('phone_unavailable'));
      const phone = normalizePhone(input.phone);
      if (!phone.ok) return err(identityError(phone.error));
      const via = parsePhoneChannel(input.channel);
      if (!via.ok) return err(identityError(via.error));
      const sent = await requestCode(ctx, { channel: 'phone', address: phone.value, via: via.value, locale: codeLocaleOf(input.locale), ...ip(input.ip) });
      return sent.ok ? ok(undefined) : sent;
    },

    async loginWithPhone(input: { phone: unknown; code: unknown; ip?: string }): Out<LoginSuccess> {
      if (!phoneEnabled) return err(identityError('phone_unavailable'));
      const phone = normalizePhone(input.phone);
      if (!phone.ok) return err(identityError(phone.error));
      if (typeof input.code !== 'string') return err(identityError('invalid_request'));
      return loginWithCode(ctx, { channel: 'phone', address: phone.value, code: input.code, ...ip(input.ip) });
    },

    async validateTotp(input: { authToken: unknown; totpCode: unknown }): Out<{ authToken: string; userId: UserId; sessionId: string }> {
      if (typeof input.authToken !== 'string' || typeof input.totpCode !== 'string') return err(identityError('invalid_request'));
      return validateTotp(ctx, { authToken: input.authToken, totpCode: input.totpCode });
    },

    /** Ends the session of this token; false when it was not live. */
    logout: (token: string): Promise<boolean> => logout(ctx, str(token)),

    /** undefined for unknown, expired, revoked and TOTP-pending sessions. */
    verifySessionToken: (token: string): Promise<{ userId: UserId; sessionId: string } | undefined> => verifySessionToken(ctx, str(token)),

    initiateTotp: (userId: UserId): Out<TotpEnrollment> => initiateTotp(ctx, userId),

    /** A pending enrolment shown again (same secret and QR code) until it is confirmed or expires. */
    async pendingTotp(input: { userId: UserId; totpRegistrationId: unknown }): Out<TotpEnrollment> {
      if (typeof input.totpRegistrationId !== 'string') return err(identityError('invalid_request'));
      return pendingTotp(ctx, { userId: input.userId, totpRegistrationId: input.totpRegistrationId });
    },

    async confirmTotp(input: { userId: UserId; totpRegistrationId: unknown; totpCode: unknown }): Out<void> {
      if (typeof input.totpRegistrationId !== 'string' || typeof input.totpCode !== 'string') return err(identityError('invalid_request'));
      return confirmTotp(ctx, { userId: input.userId, totpRegistrationId: input.totpRegistrationId, totpCode: input.totpCode });
    },

    /** Without totpCode (Blink's userTotpDelete) the authenticated session suffices; with one it must be current. */
    async disableTotp(input: { userId: UserId; totpCode?: unknown }): Out<void> {
      if (input.totpCode !== undefined && typeof input.totpCode !== 'string') return err(identityError('invalid_request'));
      return disableTotp(ctx, { userId: input.userId, totpCode: input.totpCode });
    },

    // ---- Issue 17: recovery codes, passkeys, activity, ending every session

    /** Ten new recovery codes (the earlier set stops working); returned once, stored only as keyed hashes. */
    newRecoveryCodes: (userId: UserId): Out<string[]> => newRecoveryCodes(ctx, userId),
    recoveryCodesLeft: (userId: UserId): Promise<number> => recoveryCodesLeft(ctx, userId),
    /** The second step of a code sign-in with a recovery code; wrong ones count against the TOTP lockout. */
    async signInWithRecoveryCode(input: { authToken: unknown; code: unknown }): Out<{ userId: UserId; left: number }> {
      if (typeof input.authToken !== 'string' || typeof input.code !== 'string' || input.code.length > 40) return err(identityError('recovery_code_invalid'));
      return signInWithRecoveryCode(ctx, { authToken: input.authToken, code: input.code });
    },
    startPasskeyRegistration: (userId: UserId) => passkeys.startRegistration(ctx, userId),
    finishPasskeyRegistration: (input: { userId: UserId; handle: string; response: unknown; name: unknown }) => passkeys.finishRegistration(ctx, { ...input, name: str(input.name) }),
    /** `binding`: what the sign-in belongs to (the login challenge); finishing needs the same. */
    startPasskeySignIn: (binding: string) => passkeys.startSignIn(ctx, binding),
    finishPasskeySignIn: (input: { handle: string; binding: string; response: unknown }) => passkeys.finishSignIn(ctx, input),
    startPasskeySecondFactor: (authToken: string) => passkeys.startSecondFactor(ctx, str(authToken)),
    finishPasskeySecondFactor: (input: { authToken: string; handle: string; response: unknown }) => passkeys.finishSecondFactor(ctx, input),
    listPasskeys: (userId: UserId) => passkeys.listPasskeys(ctx, userId),
    removePasskey: (userId: UserId, id: unknown) => passkeys.removePasskey(ctx, userId, str(id)),
    /** Records a line of the person's activity (the login app: each sign-in, with how and into which app). */
    recordActivity: (userId: UserId, kind: string, detail = ''): Promise<void> => insertActivity(db, { id: randomUUID(), userId, kind: kind.slice(0, 40), detail: detail.slice(0, 200), now: ctx.now() }),
    async activity(userId: UserId, limit = 50): Promise<Activity[]> {
      return (await listActivity(db, userId, limit)).map((r) => ({ kind: r.kind, detail: r.detail, at: new Date(r.created_at) }));
    },
    /** Ends every API session token of the person ("sign out everywhere"); how many were live. */
    revokeAllSessions: (userId: UserId): Promise<number> => revokeSessionsOf(db, userId, ctx.now()),
    liveSessionCount: (userId: UserId): Promise<number> => countLiveSessionsOf(db, userId, ctx.now()),

    /** Housekeeping: removes codes, sessions and TOTP registrations ended more than a day ago. Call it now and then. */
    purgeExpired: (): Promise<number> => purgeExpired(db, ctx.now(), 24 * 3600),

    async getUser(userId: string): Promise<User | undefined> {
      const row = await findUserById(db, userId);
      if (!row) return undefined;
      return { id: row.id, email: row.email ?? undefined, phone: row.phone ?? undefined, totpEnabled: row.totp_enabled_at !== null, createdAt: new Date(row.created_at) };
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
