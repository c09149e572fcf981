// API-keys area types. A user's keys are listed for the account holder's own session only.
import { firstPartyPrincipal, type FieldMap, type ResolverMap } from '../context.ts';
import { apiKeyNode, type UserSource } from '../mappers.ts';

export const sdl = /* GraphQL */ `
type ApiKey {
  id: ID!
  name: String!
  createdAt: Timestamp!
  revoked: Boolean!
  expired: Boolean!
  lastUsedAt: Timestamp
  expiresAt: Timestamp
  readOnly: Boolean!
  scopes: [Scope!]!
  limits: ApiKeyLimits!
}
type ApiKeyLimits {
  dailyLimitSats: Int
  weeklyLimitSats: Int
  monthlyLimitSats: Int
  annualLimitSats: Int
  dailySpentSats: Int!
  weeklySpentSats: Int!
  monthlySpentSats: Int!
  annualSpentSats: Int!
}
input ApiKeyCreateInput { name: String! expireInDays: Int scopes: [Scope!]! = [READ, WRITE] }
type ApiKeyCreatePayload { apiKey: ApiKey! apiKeySecret: String! }
input ApiKeyRevokeInput { id: ID! }
type ApiKeyRevokePayload { apiKey: ApiKey! }
`;

const User: FieldMap = {
  // A third-party app or a key must not see the user's keys (issue 11 #5).
  apiKeys: async (user: UserSource, _a, ctx) => {
    firstPartyPrincipal(ctx, 'read', 'API keys are listed');
    return (await ctx.services.apiKeys.list(user.id)).map(apiKeyNode);
  },
};

export const resolvers: ResolverMap = { User };
