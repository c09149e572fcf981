// The GrantBudgets face (issue 15, src/shared/wallet-spend/grant-budgets.ts): what the auth server records at
// consent, what the portal shows and edits, what the API tells an app. The ledger's charge is in
// charge-budget.ts; both work on the grant_budgets row of the (user, client) pair.
import type { Database } from '../../db/database.ts';
import { err, ok } from '../../shared/result.ts';
import type { BudgetView, GrantBudgets } from '../../shared/wallet-spend/grant-budgets.ts';
import { isWithin, WALLET_SPEND_TYPE, type WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';
import { periodEnd, periodStart } from '../domain/budget.ts';
import { isUuid } from '../domain/ids.ts';
import { dailySpends, endBudgetRow, readBudget, readBudgets, updateBudget, upsertGranted, type BudgetRow } from '../services/grant-budgets.ts';

const CHART_DAYS = 30;
const DAY_MS = 86_400_000;

export type { BudgetView, GrantBudgets };

function detailOf(row: BudgetRow): WalletSpendDetail | null {
  if (row.amount === null) return null;
  return { type: WALLET_SPEND_TYPE, limit: { amount: Number(row.amount), currency: row.currency }, period: row.period, per_payment_max: row.per_payment_max === null ? null : Number(row.per_payment_max) };
}

function ceilingOf(row: BudgetRow): WalletSpendDetail | null {
  if (row.ceiling === null) return null;
  return typeof row.ceiling === 'string' ? (JSON.parse(row.ceiling) as WalletSpendDetail) : row.ceiling;
}

/** The row as the user and the app see it at `now`: a period that has rolled over shows nothing spent yet. */
export function viewOf(row: BudgetRow, daily: BudgetView['daily'], now: Date): BudgetView {
  const budget = detailOf(row);
  const current = periodStart(row.period, now);
  const stored = row.period_start === null ? null : new Date(row.period_start);
  const spent = row.period !== null && stored?.getTime() !== current?.getTime() ? 0 : Number(row.spent);
  return {
    clientId: row.client_id,
    budget,
    ceiling: ceilingOf(row),
    paused: row.paused,
    spent,
    remaining: budget === null ? null : Math.max(0, budget.limit.amount - spent),
    currency: budget?.limit.currency ?? null,
    periodStart: current,
    resetsAt: periodEnd(row.period, current),
    daily,
  };
}

/** The last 30 UTC days, oldest first, with 0 for days without spend. */
function chartDays(rows: readonly { day: string; amount: string }[], now: Date): BudgetView['daily'] {
  const byDay = new Map(rows.map((r) => [r.day, Number(r.amount)]));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: CHART_DAYS }, (_, i) => {
    const day = new Date(today - (CHART_DAYS - 1 - i) * DAY_MS).toISOString().slice(0, 10);
    return { day, amount: byDay.get(day) ?? 0 };
  });
}

const chartStart = (now: Date): Date => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (CHART_DAYS - 1) * DAY_MS);

/** What the API tells an app of its grant's budget (issue 15: `authorization { budget }`, `Account.limits`). */
export interface AppBudgets {
  /** `write`: the token may send, so a grant without a row shows WRITE_BUDGET_DEFAULT (its first send makes it). */
  budgetOf(userId: string, clientId: string, write: boolean): Promise<BudgetView | undefined>;
}

export function createAppBudgets(budgets: Pick<GrantBudgets, 'budgetOf'>, writeDefault: WalletSpendDetail | null, clock: () => Date = () => new Date()): AppBudgets {
  return {
    async budgetOf(userId, clientId, write) {
      const view = await budgets.budgetOf(userId, clientId);
      if (view || !write || !writeDefault) return view;
      const now = clock();
      const row: BudgetRow = { user_id: userId, client_id: clientId, currency: writeDefault.limit.currency, amount: writeDefault.limit.amount, period: writeDefault.period, per_payment_max: writeDefault.per_payment_max, ceiling: writeDefault, paused: false, ended: false, period_start: null, spent: 0 };
      return viewOf(row, chartDays([], now), now);
    },
  };
}

export function createGrantBudgets(db: Database, clock: () => Date = () => new Date()): GrantBudgets {
  async function budgetOf(userId: string, clientId: string): Promise<BudgetView | undefined> {
    const row = await readBudget(db, userId, clientId);
    if (!row || row.ended) return undefined;
    const now = clock();
    return viewOf(row, chartDays(await dailySpends(db, userId, chartStart(now), clientId), now), now);
  }
  return {
    async recordGranted(granted) {
      // Hydra's subjects are any string; only a user id can own a wallet (the API refuses other subjects'
      // tokens), so another subject's grant has nothing to budget.
      if (!isUuid(granted.userId)) return;
      await upsertGranted(db, granted);
    },
    budgetOf,
    async budgetsOf(userId) {
      const now = clock();
      const [rows, spends] = await Promise.all([readBudgets(db, userId), dailySpends(db, userId, chartStart(now))]);
      return rows.map((row) => viewOf(row, chartDays(spends.filter((s) => s.client_id === row.client_id), now), now));
    },
    async changeBudget(userId, clientId, change) {
      const row = await readBudget(db, userId, clientId);
      if (!row || row.ended) return err('NOT_FOUND');
      const current = detailOf(row);
      if (change.amount !== undefined && (!Number.isSafeInteger(change.amount) || change.amount < 0)) return err('INVALID');
      if (change.perPaymentMax !== undefined && change.perPaymentMax !== null && (!Number.isSafeInteger(change.perPaymentMax) || change.perPaymentMax < 1)) return err('INVALID');
      // An unlimited grant has no amount to change (only pausing); a new consent gives it one.
      if (current === null && (change.amount !== undefined || change.perPaymentMax !== undefined)) return err('INVALID');
      let next = current;
      if (current !== null) {
        next = { ...current, limit: { ...current.limit, amount: change.amount ?? current.limit.amount }, per_payment_max: change.perPaymentMax === undefined ? current.per_payment_max : change.perPaymentMax };
        // Lowering is always allowed; anything above what was granted must stay within the ceiling.
        const ceiling = ceilingOf(row) ?? current;
        if (!isWithin(next, current) && !isWithin(next, ceiling)) return err('ABOVE_CEILING');
      }
      const updated = await updateBudget(db, userId, clientId, { amount: next?.limit.amount ?? null, perPaymentMax: next?.per_payment_max ?? null, paused: change.paused ?? row.paused });
      if (!updated) return err('NOT_FOUND');
      const now = clock();
      return ok(viewOf(updated, chartDays(await dailySpends(db, userId, chartStart(now), clientId), now), now));
    },
    async endBudget(userId, clientId) {
      await endBudgetRow(db, userId, clientId);
    },
  };
}
