// API-keys area mutations, first-party only: an API key outlives the credential that made it, so a
// third-party app (or another key) could keep access after the user revokes it (issue 11 #5).
import { firstPartyCaller, firstPartyPrincipal, type FieldMap, type InputArgs, type ResolverMap } from '../context.ts';
import { valueOrThrow } from '../error-map.ts';
import { apiKeyNode, SCOPE_OF_ENUM, type ScopeEnum } from '../mappers.ts';

export const sdl = /* GraphQL */ `
extend type Mutation {
  apiKeyCreate(input: ApiKeyCreateInput!): ApiKeyCreatePayload!
  apiKeyRevoke(input: ApiKeyRevokeInput!): ApiKeyRevokePayload!
}
`;

const Mutation: FieldMap = {
  apiKeyCreate: async (_r: unknown, { input }: InputArgs<{ name: string; scopes: ScopeEnum[]; expireInDays?: number | null }>, ctx) => {
    const { principal } = await firstPartyCaller(ctx, 'API keys are created');
    const created = valueOrThrow(
      await ctx.services.apiKeys.create({
        userId: principal.userId,
        name: input.name,
        scopes: input.scopes.map((s) => SCOPE_OF_ENUM[s]),
        expireInDays: input.expireInDays ?? null,
        callerScopes: principal.scopes,
      }),
    );
    return { apiKey: apiKeyNode(created.apiKey), apiKeySecret: created.secret };
  },
  apiKeyRevoke: async (_r: unknown, { input }: InputArgs<{ id: string }>, ctx) => {
    const principal = firstPartyPrincipal(ctx, 'write', 'API keys are revoked');
    return { apiKey: apiKeyNode(valueOrThrow(await ctx.services.apiKeys.revoke(principal.userId, input.id))) };
  },
};

export const resolvers: ResolverMap = { Mutation };
