// Account limits area: Blink's AccountLimits, the operator's daily limits on the account (in US cents) with
// what is left of each. A kind without a limit set is an empty list (nothing limits it).
import type { AccountLimit } from '../../../wallet/wallet-service.ts';
import type { FieldMap, ResolverMap } from '../context.ts';
import type { AccountSource } from '../mappers.ts';

export const sdl = /* GraphQL */ `
type AccountLimits {
  convert: [AccountLimit!]!
  internalSend: [AccountLimit!]!
  withdrawal: [AccountLimit!]!
}
interface AccountLimit { interval: Seconds remainingLimit: CentAmount totalLimit: CentAmount! }
type OneDayAccountLimit implements AccountLimit { interval: Seconds remainingLimit: CentAmount totalLimit: CentAmount! }
`;

const node = (l: AccountLimit) => ({ __typename: 'OneDayAccountLimit', interval: l.intervalSeconds, remainingLimit: l.remainingCents, totalLimit: l.totalCents });

const ConsumerAccount: FieldMap = {
  limits: async (account: AccountSource, _a, ctx) => {
    const limits = await ctx.services.wallet.limits(account.id);
    const of = (kind: AccountLimit['kind']) => limits.filter((l) => l.kind === kind).map(node);
    return { convert: of('convert'), internalSend: of('internalSend'), withdrawal: of('withdrawal') };
  },
};

export const resolvers: ResolverMap = { ConsumerAccount };
