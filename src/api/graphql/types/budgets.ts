// Grant budgets area (issue 15, Lightgate extension fields): the spending budget of the OAuth grant (this
// app × this user) a request is made with, as `authorization { budget }` and `Account.limits { appBudget }`.
// Null for API keys, first-party sessions and unlimited grants. `read`, as the fields they hang from: it
// is the user's data about this very app, and an app sees only its own grant's budget.
import type { BudgetView } from '../../../wallet/wallet-service.ts';
import type { ApiContext, FieldMap, ResolverMap } from '../context.ts';

export const sdl = /* GraphQL */ `
"""Lightgate: the spending budget the user granted this app (RFC 9396 wallet_spend), and what is left of it."""
type AppBudget {
  """The app (OAuth client id)."""
  clientId: String!
  """BTC: amounts in sats; USD: in cents. Payments from the other currency count at their price, rounded up."""
  currency: WalletCurrency!
  """The budget per period."""
  limit: SafeInt!
  """Spent in the current period."""
  spent: SafeInt!
  remaining: SafeInt!
  """P1D, P1W or P1M (UTC calendar day, ISO week from Monday, month); null: a lifetime budget."""
  period: String
  perPaymentMax: SafeInt
  """The user paused sending for this app: sends fail with SENDING_PAUSED."""
  paused: Boolean!
  """When the current period ends (the spend starts again at 0); null for a lifetime budget."""
  resetsAt: Timestamp
}
extend type Authorization {
  """Lightgate: the budget of this token's grant; null for API keys, sessions and unlimited grants."""
  budget: AppBudget
}
extend type AccountLimits {
  """Lightgate: the budget of the calling app's grant; null for API keys, sessions and unlimited grants."""
  appBudget: AppBudget
}
`;

function node(v: BudgetView) {
  if (!v.budget) return null;
  return {
    clientId: v.clientId,
    currency: v.budget.limit.currency,
    limit: v.budget.limit.amount,
    spent: v.spent,
    remaining: v.remaining ?? 0,
    period: v.budget.period,
    perPaymentMax: v.budget.per_payment_max,
    paused: v.paused,
    resetsAt: v.resetsAt,
  };
}

/** The calling app's grant budget, read once per request. */
async function appBudget(ctx: ApiContext) {
  const p = ctx.principal;
  if (!p || p.kind !== 'oauth2' || !p.clientId || !p.scopes.has('read')) return null;
  ctx.memo.budget ??= ctx.services.budgets.budgetOf(p.userId, p.clientId, p.scopes.has('write'));
  const view = await ctx.memo.budget;
  return view ? node(view) : null;
}

const Authorization: FieldMap = { budget: (_s: unknown, _a, ctx) => appBudget(ctx) };
const AccountLimits: FieldMap = { appBudget: (_s: unknown, _a, ctx) => appBudget(ctx) };

export const resolvers: ResolverMap = { Authorization, AccountLimits };
