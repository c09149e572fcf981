// Grant budgets (issue 15), pure: the UTC periods a budget's spend counts in, a payment's amount in the
// budget's currency, and the threshold events. Periods roll on UTC calendar boundaries (a day from 00:00
// UTC, an ISO week from Monday, a month from the 1st), not on a sliding window: the user can predict when
// a budget resets, and the ledger checks a payment with one conditional UPDATE of a counter, never a scan.
import type { SpendCurrency, SpendPeriod } from '../../shared/wallet-spend/spend-detail.ts';
import type { AccountId, WalletId } from '../../shared/brand.ts';
import { centsForSats, satsForCents, type WalletCurrency } from './money.ts';
import type { NewWalletEvent } from './wallet-event.ts';

const DAY_MS = 86_400_000;

/** The start of the period `at` falls in; null for a lifetime budget. */
export function periodStart(period: SpendPeriod, at: Date): Date | null {
  if (period === null) return null;
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (period === 'P1D') return new Date(day);
  if (period === 'P1W') return new Date(day - ((at.getUTCDay() + 6) % 7) * DAY_MS);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** When the period that starts at `start` ends (the next reset); null for a lifetime budget. */
export function periodEnd(period: SpendPeriod, start: Date | null): Date | null {
  if (period === null || start === null) return null;
  if (period === 'P1D') return new Date(start.getTime() + DAY_MS);
  if (period === 'P1W') return new Date(start.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** The three period starts at `at` (the charge's SQL picks the one of the row's period). */
export function periodStarts(at: Date): { day: Date; week: Date; month: Date } {
  return { day: periodStart('P1D', at)!, week: periodStart('P1W', at)!, month: periodStart('P1M', at)! };
}

/** A payment's amount in each budget currency: the other currency at the payment's price, rounded UP. */
export function chargeAmounts(amount: number, currency: WalletCurrency, priceCents: number): Record<SpendCurrency, number> {
  return currency === 'BTC' ? { BTC: amount, USD: centsForSats(amount, priceCents) } : { BTC: satsForCents(amount, priceCents), USD: amount };
}

/** The threshold event of a charge that crossed 80% or 100% (once per period, `crossed` from the charge). */
export interface BudgetCrossing {
  clientId: string;
  percent: 80 | 100;
  spent: number;
  limit: number;
  currency: SpendCurrency;
  period: SpendPeriod;
  periodStart: Date | null;
}

export const BUDGET_THRESHOLD_EVENT = 'budget.threshold';

/** `budget.threshold` for the sending wallet's account: the grant's data, as the owner (`read`) sees it. */
export function budgetThresholdEvent(crossing: BudgetCrossing, accountId: AccountId, walletId: WalletId): NewWalletEvent {
  return {
    type: BUDGET_THRESHOLD_EVENT,
    accountId,
    walletId,
    transactionId: null,
    paymentHash: null,
    data: {
      budget: {
        clientId: crossing.clientId,
        percent: crossing.percent,
        spent: crossing.spent,
        limit: crossing.limit,
        currency: crossing.currency,
        period: crossing.period,
        periodStart: crossing.periodStart?.toISOString() ?? null,
      },
    },
  };
}
