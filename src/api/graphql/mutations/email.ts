// The account holder's email address: add one (a code sent to it, then the code) or remove it. Like the second
// factor, this is the account's identity (how one signs in and recovers it): the account holder's own session
// only, whatever the scopes (FIRST_PARTY_ONLY for apps and API keys).
import { firstPartyCaller, type ApiContext, type FieldMap, type InputArgs, type ResolverMap } from '../context.ts';
import { identityFailure } from '../error-map.ts';
import type { UserSource } from '../mappers.ts';

export const sdl = /* GraphQL */ `
extend type Mutation {
  """The account's email address; only the account holder's own session (FIRST_PARTY_ONLY otherwise)"""
  userEmailRegistrationInitiate(input: UserEmailRegistrationInitiateInput!): UserEmailRegistrationInitiatePayload!
  userEmailRegistrationValidate(input: UserEmailRegistrationValidateInput!): UserEmailRegistrationValidatePayload!
  userEmailDelete: UserEmailDeletePayload!
}
`;

const WHAT = 'The email address is changed';

/** `me` after a change of the address: the identity record read again. */
function freshMe(ctx: ApiContext, c: Awaited<ReturnType<typeof firstPartyCaller>>): UserSource {
  delete ctx.memo.user;
  return { id: c.principal.userId, account: c.account };
}

const Mutation: FieldMap = {
  userEmailRegistrationInitiate: async (_r: unknown, { input }: InputArgs<{ email: string }>, ctx) => {
    const c = await firstPartyCaller(ctx, WHAT);
    const started = await ctx.services.identity.initiateEmailRegistration({ userId: c.principal.userId, email: input.email, locale: ctx.locale });
    if (!started.ok) return { ...identityFailure(started.error), emailRegistrationId: null, me: null };
    return { errors: [], emailRegistrationId: started.value.emailRegistrationId, me: freshMe(ctx, c) };
  },
  userEmailRegistrationValidate: async (_r: unknown, { input }: InputArgs<{ emailRegistrationId: string; code: string }>, ctx) => {
    const c = await firstPartyCaller(ctx, WHAT);
    const done = await ctx.services.identity.validateEmailRegistration({ userId: c.principal.userId, emailRegistrationId: input.emailRegistrationId, code: input.code });
    if (!done.ok) return { ...identityFailure(done.error), me: null };
    return { errors: [], me: freshMe(ctx, c) };
  },
  userEmailDelete: async (_r: unknown, _a, ctx) => {
    const c = await firstPartyCaller(ctx, WHAT);
    const done = await ctx.services.identity.deleteEmail(c.principal.userId);
    if (!done.ok) return { ...identityFailure(done.error), me: null };
    return { errors: [], me: freshMe(ctx, c) };
  },
};

export const resolvers: ResolverMap = { Mutation };
