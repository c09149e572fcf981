// Identity errors as values. Transports map each code to a status and a plain sentence.
// None of them tells whether an account exists for an address.
export type IdentityErrorCode =
  | 'invalid_email'
  | 'invalid_phone'
  | 'invalid_channel'
  | 'invalid_request'
  | 'rate_limited'
  | 'delivery_failed'
  | 'code_invalid'
  | 'code_expired'
  | 'totp_invalid'
  | 'totp_not_pending'
  | 'totp_already_enabled'
  | 'totp_not_enabled'
  | 'registration_invalid'
  | 'session_invalid'
  | 'user_not_found'
  | 'phone_unavailable'
  | 'email_already_set'
  | 'email_taken'
  | 'email_not_set'
  | 'email_only_address'
  | 'recovery_code_invalid'
  | 'passkey_invalid'
  | 'passkey_not_found';

export interface IdentityError {
  code: IdentityErrorCode;
  /** Seconds until a throttled request may be tried again (rate_limited only). */
  retryAfter?: number;
  /** Wrong tries left on a code (code_invalid only). */
  attemptsLeft?: number;
}

export const identityError = (code: IdentityErrorCode, extra: Omit<IdentityError, 'code'> = {}): IdentityError => ({ code, ...extra });

/** Plain words for people; the login UI and the /auth/* routes both use them. */
export const IDENTITY_ERROR_MESSAGES: Record<IdentityErrorCode, string> = {
  invalid_email: 'Enter a valid email address, like name@example.com.',
  invalid_phone: 'Enter your phone number with its country code, like +1 202 555 0148.',
  invalid_channel: 'Codes can be sent by SMS or WhatsApp.',
  invalid_request: 'The request is missing a field or has a wrong one.',
  rate_limited: 'Too many attempts. Please wait a little and try again.',
  delivery_failed: 'We could not send the code just now. Please try again in a moment.',
  code_invalid: 'That code is not right. Check the message and try again.',
  code_expired: 'This code no longer works: it expired, was already used, or was tried too many times. Ask for a new one.',
  totp_invalid: 'That authenticator code is not right. Try the current code from your app.',
  totp_not_pending: 'This sign-in does not need an authenticator code. Start again.',
  totp_already_enabled: 'Two-step verification is already on.',
  totp_not_enabled: 'Two-step verification is not on.',
  registration_invalid: 'This setup expired. Start two-step verification setup again.',
  session_invalid: 'Your session has ended. Please sign in again.',
  user_not_found: 'No such user.',
  phone_unavailable: 'Sign-in by phone is not available here. Use your email address instead.',
  email_already_set: 'Your account already has an email address. Remove it first to use another one.',
  email_taken: 'This email address belongs to another account.',
  email_not_set: 'Your account has no email address.',
  email_only_address: 'This email address is how you sign in: add a phone number before removing it.',
  recovery_code_invalid: 'That recovery code is not right, or it was already used. Each code works once.',
  passkey_invalid: 'That passkey could not be checked. Try again, or sign in another way.',
  passkey_not_found: 'There is no such passkey on your account.',
};
