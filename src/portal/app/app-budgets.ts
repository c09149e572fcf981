// The spending budgets of the person's connected apps (issue 15), the user's side: read them, lower one at once,
// raise one up to its ceiling (the route asks a fresh one-time code first), pause or resume sending. Every call
// is scoped to the signed-in person: GrantBudgets is asked for (userId, clientId), so another person's client id
// finds nothing. Changes are counted per person (a stolen session cannot flip a budget thousands of times).
import type { BudgetChange, BudgetView, GrantBudgets } from '../../shared/wallet-spend/grant-budgets.ts';
import type { SpendCurrency, WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';
import { createLimit } from '../../shared/limits/limit.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { PortalContext } from './context.ts';

/** What the portal needs of the wallet for budgets: the grants' budgets and the price for "≈ $" words. */
export interface PortalBudgets {
  grants: GrantBudgets;
  /** US cents per bitcoin. */
  priceCents(): Promise<number>;
}

export type BudgetProblem =
  | { is: 'amount' }
  | { is: 'input' }
  | { is: 'above'; ceiling: number; currency: SpendCurrency }
  | { is: 'notFound' }
  | { is: 'noBudget' }
  | { is: 'tooMany'; minutes: number }
  | { is: 'unavailable' };

export const CHANGE_LIMIT = 20;
const CHANGE_WINDOW_SECONDS = 10 * 60;
const MAX_SATS = 2_100_000_000_000_000;

/** A budget amount as typed: whole sats, or dollars with at most two decimals (→ cents). */
export function parseAmount(raw: unknown, currency: SpendCurrency): Result<number, BudgetProblem> {
  const typed = typeof raw === 'string' ? raw.trim().replace(/[\s_]/g, '') : '';
  const match = currency === 'BTC' ? /^(\d{1,16})$/.exec(typed) : /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(typed);
  if (!match) return err({ is: 'amount' });
  const value = currency === 'BTC' ? Number(match[1]) : Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(value) && value <= MAX_SATS ? ok(value) : err({ is: 'amount' });
}

/** An amount in the form's unit: sats as they are, cents as dollars ("12.5" → "12.50"). */
export const amountInput = (amount: number, currency: SpendCurrency): string => (currency === 'BTC' ? String(amount) : (amount / 100).toFixed(2));

/** What the ceiling allows: the ceiling's amount, or the budget itself when there is none. */
export function ceilingOf(view: BudgetView): number | null {
  if (!view.budget) return null;
  const c = view.ceiling;
  return c && c.limit.currency === view.budget.limit.currency ? Math.max(c.limit.amount, view.budget.limit.amount) : view.budget.limit.amount;
}

export type Plan = { kind: 'lower' | 'same' | 'raise'; amount: number };

/** Lower and same go through at once; a raise only up to the ceiling, after a fresh code. */
export function planChange(view: BudgetView, raw: unknown): Result<Plan, BudgetProblem> {
  if (!view.budget) return err({ is: 'noBudget' });
  const amount = parseAmount(raw, view.budget.limit.currency);
  if (!amount.ok) return amount;
  const current = view.budget.limit.amount;
  if (amount.value < current) return ok({ kind: 'lower', amount: amount.value });
  if (amount.value === current) return ok({ kind: 'same', amount: amount.value });
  const ceiling = ceilingOf(view)!;
  if (amount.value > ceiling) return err({ is: 'above', ceiling, currency: view.budget.limit.currency });
  return ok({ kind: 'raise', amount: amount.value });
}

/**
 * A `write` grant made before budgets has no row until its first send, when the ledger gives it the operator's
 * default (WRITE_BUDGET_DEFAULT); the page shows it so, and a change first creates that same row (`adopt`).
 */
export function legacyView(clientId: string, writeDefault: WalletSpendDetail | null): BudgetView {
  const remaining = writeDefault ? writeDefault.limit.amount : null;
  return { clientId, budget: writeDefault, ceiling: writeDefault, paused: false, spent: 0, remaining, currency: writeDefault?.limit.currency ?? null, periodStart: null, resetsAt: null, daily: [] };
}

const validId = (clientId: string) => clientId.length > 0 && clientId.length <= 255;

export function createAppBudgets(ctx: PortalContext, budgets: PortalBudgets) {
  const changes = createLimit(ctx.db, { prefix: 'portal-budget', limit: CHANGE_LIMIT, windowSeconds: CHANGE_WINDOW_SECONDS });

  async function counted(userId: string): Promise<Result<void, BudgetProblem>> {
    const hit = await changes.hit(userId);
    return hit.allowed ? ok(undefined) : err({ is: 'tooMany', minutes: Math.max(1, Math.ceil(hit.retryAfter / 60)) });
  }

  async function change(userId: string, clientId: string, c: BudgetChange): Promise<Result<BudgetView, BudgetProblem>> {
    const done = await budgets.grants.changeBudget(userId, clientId, c);
    if (done.ok) return done;
    if (done.error === 'NOT_FOUND') return err({ is: 'notFound' });
    if (done.error === 'ABOVE_CEILING') {
      const view = await budgets.grants.budgetOf(userId, clientId);
      return err(view?.budget ? { is: 'above', ceiling: ceilingOf(view)!, currency: view.budget.limit.currency } : { is: 'notFound' });
    }
    return err({ is: 'amount' });
  }

  return {
    priceCents: () => budgets.priceCents(),

    /** The person's budgets by client id (only their own grants). */
    async byClient(userId: string): Promise<Map<string, BudgetView>> {
      return new Map((await budgets.grants.budgetsOf(userId)).map((v) => [v.clientId, v]));
    },

    /** One of the person's budgets; NOT_FOUND for an unknown id or another person's app. */
    async find(userId: string, clientId: string): Promise<Result<BudgetView, BudgetProblem>> {
      if (!validId(clientId)) return err({ is: 'notFound' });
      const view = await budgets.grants.budgetOf(userId, clientId);
      return view ? ok(view) : err({ is: 'notFound' });
    },

    /** A lower (or the same) amount: at once. A raise is refused here; the route asks a code, then `raise`. */
    async lower(userId: string, clientId: string, amount: number): Promise<Result<BudgetView, BudgetProblem>> {
      const allowed = await counted(userId);
      if (!allowed.ok) return allowed;
      return change(userId, clientId, { amount });
    },

    /** Counts a raise's start (its code is sent after this). */
    startRaise: (userId: string) => counted(userId),

    /** After the fresh code: the ledger side checks the ceiling again (it may have changed meanwhile). */
    raise: (userId: string, clientId: string, amount: number) => change(userId, clientId, { amount }),

    async pause(userId: string, clientId: string, paused: boolean): Promise<Result<BudgetView, BudgetProblem>> {
      if (!validId(clientId)) return err({ is: 'notFound' });
      const allowed = await counted(userId);
      if (!allowed.ok) return allowed;
      return change(userId, clientId, { paused });
    },

    /** A legacy `write` grant (the caller checked it is the person's): its row with the operator's default. */
    async adopt(userId: string, clientId: string): Promise<void> {
      const d = ctx.config.writeBudgetDefault ?? null;
      await budgets.grants.recordGranted({ userId, clientId, budget: d, ceiling: d, remembered: true });
    },

    /** The grant was revoked: its budget ends too. */
    end: (userId: string, clientId: string) => budgets.grants.endBudget(userId, clientId),
  };
}

export type AppBudgets = ReturnType<typeof createAppBudgets>;
