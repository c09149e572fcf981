// Wallets area mutations: on-chain receive addresses of the caller's wallets (receive or write).
import { caller, RECEIVE, type Field, type FieldMap, type InputArgs, type ResolverMap } from '../context.ts';
import { failed } from '../error-map.ts';

export const sdl = /* GraphQL */ `
extend type Mutation {
  onChainAddressCreate(input: OnChainAddressCreateInput!): OnChainAddressPayload!
  onChainAddressCurrent(input: OnChainAddressCurrentInput!): OnChainAddressPayload!
}
`;

/** A fresh address, or the wallet's current one (made on first use). */
function onChainAddress(fresh: boolean): Field<unknown, InputArgs<{ walletId: string }>> {
  return async (_root, { input }, ctx) => {
    const { account } = await caller(ctx, ...RECEIVE);
    const result = await ctx.services.wallet.onChainAddress({ accountId: account.id, walletId: input.walletId, fresh });
    return result.ok ? { errors: [], address: result.value } : { ...failed(result.error), address: null };
  };
}

const Mutation: FieldMap = {
  onChainAddressCreate: onChainAddress(true),
  onChainAddressCurrent: onChainAddress(false),
};

export const resolvers: ResolverMap = { Mutation };
