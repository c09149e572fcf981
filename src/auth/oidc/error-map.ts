// Errors between oidc-provider and Hydra's observable behaviour, mapped in one place, by error class and
// code. oidc-provider tells some refusals apart only by their text (an InvalidGrant's error_detail, one
// InvalidRequest's description): those texts are read here and nowhere else, checked against
// oidc-provider 9.13.3 (lib/actions/token.js, lib/actions/grants/*.js, lib/helpers/grant_source.js).
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { isConnectionError } from '../../db/database.ts';
import type { HydraError } from '../../hydra-port/types.ts';
import { err, type Result } from '../../shared/result.ts';

/** An admin API refusal as Hydra words it (the in-process HydraAdmin port). */
export const fail = (status: number, error: string, error_description: string, extra: Partial<HydraError> = {}) => err<HydraError>({ status, error, error_description, ...extra });
export const notFound = (what: string) => fail(404, 'Not Found', `Unable to locate the ${what}`);

/** Admin operations: database errors become 503 values, never thrown through the transport as 500s. */
export async function guarded<T>(work: () => Promise<Result<T, HydraError>>): Promise<Result<T, HydraError>> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionError(error) || (error as { status?: number }).status === 503) return fail(503, 'temporarily_unavailable', 'the database is unavailable');
    throw error;
  }
}

/** Database outages surface as RFC 6749 temporarily_unavailable with 503, never a 500. */
export function unavailable(cause: unknown): Error {
  const error = new errors.CustomOIDCProviderError('temporarily_unavailable', 'the authorization server is temporarily unavailable');
  Object.assign(error, { status: 503, statusCode: 503, expose: true, cause });
  return error;
}

/** Too many failed client authentications from one address (issue 11 #4): 429 with Retry-After. */
export function tooManyFailures(): Error {
  const error = new errors.CustomOIDCProviderError('too_many_requests', 'too many failed client authentications, retry later');
  Object.assign(error, { status: 429, statusCode: 429, expose: true });
  return error;
}

/** A code or refresh token redeemed by a concurrent request first (sql-adapter.ts consume): a replay. */
export class GrantAlreadyUsed extends errors.InvalidGrant {
  // Logged and reported as oidc-provider's own class.
  override name = 'InvalidGrant';
  constructor() {
    super('grant already used');
  }
}

/** Hydra's precise invalid_grant descriptions, by oidc-provider 9.13.3's error_detail text. */
const GRANT_DETAIL_DESCRIPTIONS: Record<string, string> = {
  'authorization code already consumed': 'The authorization code has already been used.',
  'refresh token already used': 'The refresh token is already used and has been revoked with every token of its grant.',
  'authorization code is expired': 'The authorization code has expired.',
  'authorization code not found': 'The authorization code is invalid, expired or revoked.',
  'refresh token not found': 'The refresh token is invalid, expired or revoked.',
  // The code or refresh token was found, but a concurrent replay revoked its grant meanwhile (RFC 9700 section 4.14).
  'grant not found': 'The authorization code or refresh token is invalid, expired or revoked.',
  'authorization code redirect_uri mismatch': 'The redirect_uri does not match the one of the authorization request.',
};

/** oidc-provider 9.13.3 (actions/token.js allowedGrantTypeCheck) throws only InvalidRequest with this text. */
const GRANT_TYPE_NOT_ALLOWED = 'requested grant type is not allowed for this client';

type Body = { error?: string; error_description?: string } | undefined;

/**
 * The token endpoint's refusal, as Hydra words it. Runs on `grant.error`, which fires after the body is set.
 * - RFC 6749 section 5.2: a grant type this client may not use is unauthorized_client (oidc-provider says invalid_request).
 * - invalid_grant gets the precise reason, as Hydra does.
 */
export function mapGrantError(ctx: KoaContextWithOIDC, error: unknown): void {
  const body = ctx.body as Body;
  if (!body) return;
  if (body.error === 'invalid_request' && error instanceof errors.InvalidRequest && error.error_description === GRANT_TYPE_NOT_ALLOWED) body.error = 'unauthorized_client';
  if (!(error instanceof errors.InvalidGrant) || body.error !== 'invalid_grant') return;
  if (error instanceof GrantAlreadyUsed) body.error_description = 'The authorization code or refresh token has already been used.';
  else if (error.error_detail) body.error_description = GRANT_DETAIL_DESCRIPTIONS[error.error_detail] ?? error.error_detail;
}
