// Account area queries: the caller (`me`), the caller's scopes, username availability, display currencies.
import { DISPLAY_CURRENCIES } from '../../../wallet/wallet-service.ts';
import { ALL_SCOPES } from '../../scopes.ts';
import { caller, requireScope, type FieldMap, type ResolverMap } from '../context.ts';
import { scopeEnum, type UserSource } from '../mappers.ts';

export const sdl = /* GraphQL */ `
extend type Query {
  currencyList: [Currency!]!
  usernameAvailable(username: Username!): Boolean
  me: User
  """Retrieve the list of scopes permitted for the user's token or API key"""
  authorization: Authorization!
}
`;

const Query: FieldMap = {
  currencyList: () => DISPLAY_CURRENCIES,
  usernameAvailable: (_r: unknown, args: { username: string }, ctx) => ctx.services.wallet.usernameAvailable(args.username),
  me: async (_r: unknown, _a, ctx): Promise<UserSource> => {
    const { principal, account } = await caller(ctx, 'read');
    return { id: principal.userId, account };
  },
  authorization: (_r: unknown, _a, ctx) => {
    const principal = requireScope(ctx, 'read');
    return { scopes: ALL_SCOPES.filter((s) => principal.scopes.has(s)).map(scopeEnum) };
  },
};

export const resolvers: ResolverMap = { Query };
