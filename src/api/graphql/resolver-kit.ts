// The small vocabulary shared by the resolver files: resolver types, input readers and Blink's payload errors.
import type { GraphQLFieldResolver } from 'graphql';
import type { Scope } from '../scopes.ts';
import { accountOf, requireScope, type ApiContext } from './context.ts';

export type Args = Record<string, unknown>;
export type Input = Record<string, unknown>;
export type Resolver = GraphQLFieldResolver<unknown, ApiContext, Args>;
export type ResolverMap = Record<string, Record<string, Resolver>>;

export const appError = (e: { code: string; message: string }) => ({ __typename: 'GraphQLApplicationError', code: e.code, message: e.message, path: null });
export const failed = (e: { code: string; message: string }) => ({ errors: [appError(e)] });
export const input = (args: Args): Input => (args.input ?? {}) as Input;
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export const RECEIVE: Scope[] = ['receive', 'write'];
export const WRITE: Scope[] = ['write'];

/** The caller holding one of the scopes, and its account. */
export async function caller(ctx: ApiContext, ...scopes: Scope[]) {
  const principal = requireScope(ctx, ...scopes);
  return { principal, account: await accountOf(ctx, principal) };
}
