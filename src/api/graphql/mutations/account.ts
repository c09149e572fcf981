// Account area mutations: the permanent username (first-party only), the default wallet, the display
// currency, and logout.
import type { Result } from '../../../shared/result.ts';
import type { WalletError } from '../../../wallet/wallet-service.ts';
import type { Principal } from '../../credentials.ts';
import { accountOf, caller, firstPartyCaller, forgetAccount, requireScope, WRITE, type ApiContext, type FieldMap, type InputArgs, type ResolverMap } from '../context.ts';
import { failed } from '../error-map.ts';
import { accountNode } from '../mappers.ts';

export const sdl = /* GraphQL */ `
extend type Mutation {
  userUpdateUsername(input: UserUpdateUsernameInput!): UserUpdateUsernamePayload!
  accountUpdateDefaultWalletId(input: AccountUpdateDefaultWalletIdInput!): AccountUpdateDefaultWalletIdPayload!
  accountUpdateDisplayCurrency(input: AccountUpdateDisplayCurrencyInput!): AccountUpdateDisplayCurrencyPayload!
  userLogout(input: UserLogoutInput): SuccessPayload!
}
`;

/** The account read again after a change. */
async function accountPayload(ctx: ApiContext, principal: Principal, result: Result<unknown, WalletError>) {
  if (!result.ok) return { ...failed(result.error), account: null };
  forgetAccount(ctx);
  return { errors: [], account: accountNode(await accountOf(ctx, principal)) };
}

const Mutation: FieldMap = {
  userUpdateUsername: async (_r: unknown, { input }: InputArgs<{ username: string }>, ctx) => {
    // The username is permanent and is how others pay the account: not for an app to choose.
    const { principal, account } = await firstPartyCaller(ctx, 'The username is set');
    const result = await ctx.services.wallet.updateUsername(account.id, input.username);
    if (!result.ok) return { ...failed(result.error), user: null };
    return { errors: [], user: { id: principal.userId, account: { ...account, username: result.value } } };
  },
  accountUpdateDefaultWalletId: async (_r: unknown, { input }: InputArgs<{ walletId: string }>, ctx) => {
    const { principal, account } = await caller(ctx, ...WRITE);
    return accountPayload(ctx, principal, await ctx.services.wallet.updateDefaultWallet(account.id, input.walletId));
  },
  accountUpdateDisplayCurrency: async (_r: unknown, { input }: InputArgs<{ currency: string }>, ctx) => {
    const { principal, account } = await caller(ctx, ...WRITE);
    return accountPayload(ctx, principal, await ctx.services.wallet.updateDisplayCurrency(account.id, input.currency));
  },
  userLogout: async (_r: unknown, _a, ctx) => {
    const principal = requireScope(ctx, ...WRITE);
    // A first-party session ends here; OAuth grants are revoked at the auth server, API keys by apiKeyRevoke.
    if (principal.kind === 'session' && principal.sessionToken) await ctx.services.identity.logout(principal.sessionToken);
    return { errors: [], success: true };
  },
};

export const resolvers: ResolverMap = { Mutation };
