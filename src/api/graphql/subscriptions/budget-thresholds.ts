// budgetThresholds (Lightgate extension, issue 15; needs `read`): each time a spending budget of the caller's
// account crosses 80 % or 100 % of its limit (the `budget.threshold` wallet event, told once per period),
// from any process. An app's token hears only its own grant's budget, never another app's on the same
// account (as webhooks do, src/webhooks/services/deliveries.ts); the holder's own credentials (API key,
// session) hear every app's. BudgetThreshold is read-guarded (src/api/graphql/read-guard.ts), as myUpdates' data.
import type { AccountId } from '../../../shared/brand.ts';
import type { WalletEventNotice } from '../../subscriptions/wallet-event-hub.ts';
import { eventClientId } from '../../../wallet/wallet-service.ts';
import { caller, type ApiContext } from '../context.ts';
import { stream, type SubscriptionMap } from './support.ts';

export const sdl = /* GraphQL */ `
extend type Subscription {
  """Lightgate: the caller's spending budgets crossing 80 % and 100 % (an app: its own grant's only)."""
  budgetThresholds: BudgetThresholdPayload!
}

"""Lightgate: one budget crossing, or the errors."""
type BudgetThresholdPayload { errors: [Error!]! threshold: BudgetThreshold }
"""Lightgate: a budget reached a share of its limit: the spend at that payment, in the budget's currency."""
type BudgetThreshold {
  """The app (OAuth client id) whose budget it is."""
  clientId: String!
  """80 or 100."""
  percent: Int!
  spent: SafeInt!
  limit: SafeInt!
  currency: WalletCurrency!
  """P1D, P1W or P1M; null: a lifetime budget."""
  period: String
  """The start of the period the spend belongs to; null for a lifetime budget."""
  periodStart: Timestamp
}
`;

interface ThresholdData {
  clientId: string;
  percent: number;
  spent: number;
  limit: number;
  currency: string;
  period: string | null;
  periodStart: string | null;
}

/** The event's budget, if it is one the caller may hear (`app`: the caller's client, null for the holder). */
async function threshold(ctx: ApiContext, accountId: AccountId, app: string | null, notice: WalletEventNotice) {
  if (notice.type !== 'budget.threshold') return undefined;
  const event = await ctx.services.wallet.walletEvent(accountId, notice.id);
  if (!event) return undefined;
  const clientId = eventClientId(event);
  if (clientId === null || (app !== null && clientId !== app)) return undefined;
  const b = event.data.budget as ThresholdData;
  return {
    errors: [],
    threshold: { clientId, percent: b.percent, spent: b.spent, limit: b.limit, currency: b.currency, period: b.period, periodStart: b.periodStart && new Date(b.periodStart) },
  };
}

export const subscriptions: SubscriptionMap = {
  budgetThresholds: {
    subscribe: async (_s, _a, ctx) => {
      const { principal, account } = await caller(ctx, 'read');
      const app = principal.kind === 'oauth2' ? (principal.clientId ?? '') : null;
      const { events, logger } = ctx.services;
      return stream<unknown>(async (queue) => {
        let previous = Promise.resolve();
        const onEvent = (notice: WalletEventNotice) => {
          if (notice.type !== 'budget.threshold') return;
          previous = previous
            .then(async () => {
              if (queue.closed) return;
              const payload = await threshold(ctx, account.id, app, notice);
              if (payload) queue.push(payload);
            })
            .catch((error: unknown) => logger?.error({ err: error, event: notice.id }, 'budgetThresholds: an event could not be read'));
        };
        return [await events.onAccount(account.id, onEvent)];
      });
    },
  },
};
