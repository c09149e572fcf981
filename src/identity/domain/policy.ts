// Numbers of the sign-in policy. Codes: 6 digits, 10 minutes, single use, 5 wrong tries.
export interface ThrottlePolicy {
  /** Codes per address in the short window (resend throttle). */
  resendLimit: number;
  resendWindowSeconds: number;
  /** Codes per address per hour. */
  hourlyAddressLimit: number;
  /** Code requests and login attempts per IP per hour (LOGIN_CODE_IP_LIMIT). */
  ipLimit: number;
}

export const CODE_DIGITS = 6;
export const CODE_TTL_SECONDS = 600;
export const MAX_CODE_ATTEMPTS = 5;
export const MAX_TOTP_ATTEMPTS = 5;
/** How long a session may wait for its TOTP code. */
export const TOTP_PENDING_TTL_SECONDS = 600;
export const TOTP_REGISTRATION_TTL_SECONDS = 900;

export const DEFAULT_THROTTLE: Omit<ThrottlePolicy, 'ipLimit'> = {
  resendLimit: 1,
  resendWindowSeconds: 30,
  hourlyAddressLimit: 10,
};
