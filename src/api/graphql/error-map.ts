// The one place where error values become GraphQL: thrown errors with a stable extensions.code (before
// or instead of data), and Blink's payload errors ({ __typename, code, message, path } in `errors`).
import { GraphQLError } from 'graphql';
import { IDENTITY_ERROR_MESSAGES, type IdentityError } from '../../identity/domain/errors.ts';
import type { Result } from '../../shared/result.ts';

export interface CodedError {
  readonly code: string;
  readonly message: string;
}

export const gqlError = (message: string, code: string): GraphQLError => new GraphQLError(message, { extensions: { code } });

/** The value of a result, or its error thrown as a coded GraphQL error (for fields without a payload). */
export function valueOrThrow<T>(result: Result<T, CodedError>): T {
  if (!result.ok) throw gqlError(result.error.message, result.error.code);
  return result.value;
}

export const appError = (e: CodedError) => ({ __typename: 'GraphQLApplicationError', code: e.code, message: e.message, path: null });

/** A payload's `errors` for a failed operation. */
export const failed = (e: CodedError) => ({ errors: [appError(e)] });

/** Identity's error codes are snake_case values with fixed messages; on the wire they are upper case. */
export const identityFailure = (e: IdentityError) => failed({ code: e.code.toUpperCase(), message: IDENTITY_ERROR_MESSAGES[e.code] });
