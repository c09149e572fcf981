// The budgets of grants (issue 15), as the other modules see them. The wallet module implements it (its ledger
// enforces the budget inside each payment's transaction); the auth server records what the user granted at
// consent through `GrantBudgetRecorder`, the portal shows and edits budgets through `GrantBudgets`, and the
// GraphQL API reads one for `Account.limits` and `authorization`. A grant is a user × client pair: tokens,
// refreshes and repeated consents of the pair share one budget and one spend.
import type { Result } from '../result.ts';
import type { SpendCurrency, WalletSpendDetail } from './spend-detail.ts';

export interface GrantedBudget {
  userId: string;
  clientId: string;
  /** What the user granted; null: `write` without a budget (WRITE_BUDGET_DEFAULT=none and nothing asked). */
  budget: WalletSpendDetail | null;
  /** The most the user may raise it to later (what the app asked, or its registered maximum). */
  ceiling: WalletSpendDetail | null;
  /**
   * True when the consent was skipped (remembered): an existing budget is kept as it is (the user may have
   * lowered or paused it since), and only a missing one is created.
   */
  remembered: boolean;
}

export interface GrantBudgetRecorder {
  recordGranted(granted: GrantedBudget): Promise<void>;
}

export interface BudgetView {
  clientId: string;
  budget: WalletSpendDetail | null;
  ceiling: WalletSpendDetail | null;
  paused: boolean;
  /** Spent in the current period, in the budget's currency. */
  spent: number;
  /** What is left in the current period; null when the budget is unlimited. */
  remaining: number | null;
  currency: SpendCurrency | null;
  /** Start of the current period (UTC boundary) and when it resets; null for a lifetime budget. */
  periodStart: Date | null;
  resetsAt: Date | null;
  /** Spend per UTC day over the last 30 days, oldest first (the portal's chart). */
  daily: readonly { day: string; amount: number }[];
}

export type BudgetChangeError = 'NOT_FOUND' | 'ABOVE_CEILING' | 'INVALID';

export interface BudgetChange {
  /** New budget amount (same currency and period). */
  amount?: number;
  perPaymentMax?: number | null;
  paused?: boolean;
}

export interface GrantBudgets extends GrantBudgetRecorder {
  budgetOf(userId: string, clientId: string): Promise<BudgetView | undefined>;
  budgetsOf(userId: string): Promise<BudgetView[]>;
  /** Lowering, raising (up to the ceiling) or pausing; the portal asks a fresh one-time code before a raise. */
  changeBudget(userId: string, clientId: string, change: BudgetChange): Promise<Result<BudgetView, BudgetChangeError>>;
  /** The grant was revoked: its budget ends (a later consent starts a new one; the period's spend is kept). */
  endBudget(userId: string, clientId: string): Promise<void>;
}
