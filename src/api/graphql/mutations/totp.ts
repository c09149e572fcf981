// Two-step verification (TOTP) mutations: the account holder's own session only (FIRST_PARTY_ONLY otherwise).
import { firstPartyCaller, type ApiContext, type FieldMap, type InputArgs, type ResolverMap } from '../context.ts';
import { identityFailure } from '../error-map.ts';
import type { UserSource } from '../mappers.ts';

export const sdl = /* GraphQL */ `
extend type Mutation {
  """Two-step verification (TOTP); only the account holder's own session (FIRST_PARTY_ONLY otherwise)"""
  userTotpRegistrationInitiate: UserTotpRegistrationInitiatePayload!
  userTotpRegistrationValidate(input: UserTotpRegistrationValidateInput!): UserTotpRegistrationValidatePayload!
  userTotpDelete: UserTotpDeletePayload!
}
`;

const WHAT = 'Two-step verification is changed';

/** `me` after a change of the second factor: totpEnabled read again. */
function freshMe(ctx: ApiContext, c: Awaited<ReturnType<typeof firstPartyCaller>>): UserSource {
  delete ctx.memo.user;
  return { id: c.principal.userId, account: c.account };
}

const Mutation: FieldMap = {
  userTotpRegistrationInitiate: async (_r: unknown, _a, ctx) => {
    const c = await firstPartyCaller(ctx, WHAT);
    const started = await ctx.services.identity.initiateTotp(c.principal.userId);
    if (!started.ok) return { ...identityFailure(started.error), totpRegistrationId: null, totpSecret: null };
    return { errors: [], totpRegistrationId: started.value.totpRegistrationId, totpSecret: started.value.totpSecret };
  },
  userTotpRegistrationValidate: async (_r: unknown, { input }: InputArgs<{ totpRegistrationId: string; totpCode: string }>, ctx) => {
    const c = await firstPartyCaller(ctx, WHAT);
    // Blink's optional input.authToken is not needed: the caller's session is the credential.
    const confirmed = await ctx.services.identity.confirmTotp({ userId: c.principal.userId, totpRegistrationId: input.totpRegistrationId, totpCode: input.totpCode });
    if (!confirmed.ok) return { ...identityFailure(confirmed.error), me: null };
    return { errors: [], me: freshMe(ctx, c) };
  },
  userTotpDelete: async (_r: unknown, _a, ctx) => {
    const c = await firstPartyCaller(ctx, WHAT);
    // Blink's userTotpDelete takes no code: the session, which itself passed TOTP at sign-in, suffices.
    const deleted = await ctx.services.identity.disableTotp({ userId: c.principal.userId });
    if (!deleted.ok) return { ...identityFailure(deleted.error), me: null };
    return { errors: [], me: freshMe(ctx, c) };
  },
};

export const resolvers: ResolverMap = { Mutation };
