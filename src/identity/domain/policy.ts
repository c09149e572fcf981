// Numbers of the sign-in policy. Codes: 6 digits, 10 minutes, single use, 5 wrong tries.
//
// Who each limit counts (issues 11 #2 and 19 #2). A limit keyed on the identifier alone (the email or
// phone) is a weapon: anyone can spend it from elsewhere and lock the owner out. So:
// - per requesting address: all code requests, and all code attempts (a flood from one address);
// - per identifier AND requesting address: the resend throttle, hourly and daily code caps, and code
//   attempts. An attacker only ever spends their own share; the victim's address keeps its own;
// - per identifier from all addresses (stops a distributed mail/SMS flood, and bounds guesses: each code
//   dies after 5 wrong tries): codes only. Addresses that have signed in as this identifier before skip
//   it, so even an attacker with many addresses cannot stop the owner signing in again from home.
//   A new address during such an attack waits at most an hour; the cap is set well above real use.
// A new code replaces only the same requester's earlier codes, and a code killed by wrong tries lets its
// identifier ask again at once: brute-force protection costs the victim one new request, not a wait.
export interface ThrottlePolicy {
  /** Codes per identifier and requester in the short window (resend throttle). */
  resendLimit: number;
  resendWindowSeconds: number;
  /** Codes per identifier and requester per hour / day (LOGIN_CODE_REQUESTER_LIMIT, _DAILY_LIMIT). */
  requesterHourly: number;
  requesterDaily: number;
  /** Codes per identifier per hour / day to addresses that never signed in as it (LOGIN_CODE_IDENTIFIER_LIMIT, _DAILY_LIMIT). */
  identifierHourly: number;
  identifierDaily: number;
  /** Code requests, and separately code attempts, per address per hour / day (LOGIN_CODE_IP_LIMIT, LOGIN_CODE_IP_DAILY_LIMIT). */
  ipLimit: number;
  ipDaily: number;
  /** Code attempts per identifier and address per hour / day (LOGIN_ATTEMPT_LIMIT, LOGIN_ATTEMPT_DAILY_LIMIT). */
  attemptsHourly: number;
  attemptsDaily: number;
  /** How long a successful sign-in makes its address a known requester of the identifier. */
  knownRequesterSeconds: number;
}

export const CODE_DIGITS = 6;
export const CODE_TTL_SECONDS = 600;
export const MAX_CODE_ATTEMPTS = 5;
export const MAX_TOTP_ATTEMPTS = 5;
/** How long a session may wait for its TOTP code. */
export const TOTP_PENDING_TTL_SECONDS = 600;
export const TOTP_REGISTRATION_TTL_SECONDS = 900;

export const DEFAULT_THROTTLE: Pick<ThrottlePolicy, 'resendLimit' | 'resendWindowSeconds' | 'knownRequesterSeconds'> = {
  resendLimit: 1,
  resendWindowSeconds: 30,
  knownRequesterSeconds: 90 * 24 * 3600,
};
