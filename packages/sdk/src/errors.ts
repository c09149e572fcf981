// Typed errors with stable codes. Callers switch on `code`; `message` is for people and may change.
import * as oidc from 'openid-client';

export type LightgateErrorCode =
  /** The issuer's discovery document could not be fetched or is not valid. */
  | 'discovery_failed'
  /** The SDK was called with options it cannot use (bad URL, missing secret, ...). */
  | 'invalid_options'
  /** The callback's `state` is not the one this authorization was started with (CSRF, mixed-up tabs). */
  | 'state_mismatch'
  /** The callback's `iss` names another issuer, or is missing while the issuer promises it (RFC 9207 mix-up defence). */
  | 'issuer_mismatch'
  /** The person declined, or the authorization server refused the request (`error=access_denied`). */
  | 'access_denied'
  /** Any other `error=` on the callback (invalid_scope, invalid_request, ...): see `oauthError`. */
  | 'authorization_failed'
  /** The code or refresh token is invalid, expired, revoked or already used. */
  | 'invalid_grant'
  /** The client id or secret is wrong. */
  | 'invalid_client'
  /** The token endpoint refused the request for another reason: see `oauthError`. */
  | 'token_request_failed'
  /** The server answered something the protocol does not allow (bad ID token, bad JSON, ...). */
  | 'invalid_response'
  /** Token revocation failed. */
  | 'revocation_failed'
  /** The access token is missing, expired or revoked (HTTP 401 from the API or userinfo). */
  | 'unauthenticated'
  /** The token is valid but its scopes do not allow the operation. */
  | 'insufficient_scope'
  /** The API rejected the query itself (validation, limits, bad input). */
  | 'bad_request'
  /** The operation ran and reported a domain error (insufficient balance, invalid wallet, ...): see `apiCode`. */
  | 'operation_failed'
  /** Too many requests. */
  | 'rate_limited'
  /** The server is briefly unavailable (503) or failed (5xx). */
  | 'server_unavailable'
  /** The network request did not complete (connection refused, DNS, timeout, aborted). */
  | 'network_error'
  /** waitForPayment gave up before the invoice was paid. */
  | 'timeout'
  /** The invoice expired before it was paid. */
  | 'invoice_expired';

export interface LightgateError {
  readonly code: LightgateErrorCode;
  readonly message: string;
  /** HTTP status, when the error came from an HTTP answer. */
  readonly status?: number;
  /** The OAuth `error` value (RFC 6749), when there was one. */
  readonly oauthError?: string;
  /** The wallet API's own error code (`extensions.code` or a payload error's `code`), when there was one. */
  readonly apiCode?: string;
  readonly cause?: unknown;
}

export function lightgateError(code: LightgateErrorCode, message: string, extra: Omit<LightgateError, 'code' | 'message'> = {}): LightgateError {
  return { code, message, ...extra };
}

const CODES: ReadonlySet<string> = new Set<LightgateErrorCode>([
  'discovery_failed', 'invalid_options', 'state_mismatch', 'issuer_mismatch', 'access_denied', 'authorization_failed', 'invalid_grant',
  'invalid_client', 'token_request_failed', 'invalid_response', 'revocation_failed', 'unauthenticated', 'insufficient_scope', 'bad_request',
  'operation_failed', 'rate_limited', 'server_unavailable', 'network_error', 'timeout', 'invoice_expired',
]);

export function isLightgateError(value: unknown): value is LightgateError {
  return (
    typeof value === 'object' && value !== null && !(value instanceof Error) &&
    CODES.has((value as LightgateError).code) && typeof (value as LightgateError).message === 'string'
  );
}

function isNetworkError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  return e instanceof TypeError && /fetch failed|network/i.test(e.message);
}

/** Maps what openid-client throws to a typed error; `fallback` names the operation that failed. */
export function fromOpenIdError(e: unknown, fallback: LightgateErrorCode): LightgateError {
  if (isLightgateError(e)) return e;
  if (e instanceof oidc.AuthorizationResponseError) {
    return lightgateError(e.error === 'access_denied' ? 'access_denied' : 'authorization_failed', e.error_description ?? e.error, { oauthError: e.error, cause: e });
  }
  if (e instanceof oidc.ResponseBodyError) {
    const status = e.status;
    const description = e.error_description ?? e.error;
    if (e.error === 'invalid_grant') return lightgateError('invalid_grant', description, { status, oauthError: e.error, cause: e });
    if (e.error === 'invalid_client') return lightgateError('invalid_client', description, { status, oauthError: e.error, cause: e });
    if (status === 429) return lightgateError('rate_limited', description, { status, oauthError: e.error, cause: e });
    if (status >= 500) return lightgateError('server_unavailable', description, { status, oauthError: e.error, cause: e });
    return lightgateError(fallback, description, { status, oauthError: e.error, cause: e });
  }
  if (e instanceof oidc.WWWAuthenticateChallengeError) {
    const challenge = e.cause[0];
    const error = challenge?.parameters.error;
    // A 401 with WWW-Authenticate at the token or revocation endpoint: the client's credentials were refused.
    if (error === 'invalid_client' || (!error && challenge?.scheme === 'basic')) return lightgateError('invalid_client', challenge?.parameters.error_description ?? 'Client authentication failed', { status: e.status, oauthError: 'invalid_client', cause: e });
    if (error === 'insufficient_scope') return lightgateError('insufficient_scope', challenge?.parameters.error_description ?? error, { status: e.status, oauthError: error, cause: e });
    return lightgateError('unauthenticated', challenge?.parameters.error_description ?? error ?? 'The access token was refused', { status: e.status, oauthError: error, cause: e });
  }
  if (isNetworkError(e)) return lightgateError('network_error', (e as Error).message, { cause: e });
  if (e instanceof Error && /RESPONSE_IS_NOT_CONFORM|INVALID_RESPONSE|JSON|JWT|claim/i.test(`${(e as { code?: string }).code ?? ''} ${e.message}`)) {
    return lightgateError('invalid_response', e.message, { cause: e });
  }
  return lightgateError(fallback, e instanceof Error ? e.message : String(e), { cause: e });
}
