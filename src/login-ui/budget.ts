// The spending budget on the consent screen (issue 15, RFC 9396 `wallet_spend`): the words for what the app
// asks, and what the person typed read back into a budget that is never above the asked one.
import type { ConsentRequest } from '../hydra-port/types.ts';
import { err, ok, type Result } from '../shared/result.ts';
import { lowered, parseSpendDetail, type SpendCurrency, type WalletSpendDetail } from '../shared/wallet-spend/spend-detail.ts';
import { formatAmount } from '../web/format.ts';
import { tb } from './budget-messages.ts';

/** US cents per bitcoin (the display currency's price); the login app has no wallet access, so it is injected. */
export type BtcPrice = () => Promise<number>;

const SATS_PER_BTC = 100_000_000;

/**
 * The budget the app asks for: only with `write` (the only scope that moves money out). Parsed again, strictly:
 * the page words only a well-formed detail, whatever the admin API sent.
 */
export function askedBudget(request: ConsentRequest): WalletSpendDetail | undefined {
  if (!(request.requested_scope ?? []).includes('write')) return undefined;
  for (const detail of request.requested_authorization_details ?? []) {
    const parsed = parseSpendDetail(detail);
    if (parsed.ok) return parsed.value;
  }
  return undefined;
}

/** The price, or undefined when it cannot be had: the page then shows sats alone. */
export async function priceOrNone(price: BtcPrice | undefined): Promise<number | undefined> {
  try {
    const cents = await price?.();
    return cents !== undefined && Number.isFinite(cents) && cents > 0 ? cents : undefined;
  } catch {
    return undefined;
  }
}

export const periodKey = (detail: WalletSpendDetail) => detail.period ?? 'total';

/** "up to 5,000 sats (≈ $5.00) per day, at most 1,000 sats per payment", "up to $50.00 per week", "no sending". */
export function describeBudget(detail: WalletSpendDetail, centsPerBtc: number | undefined): string {
  const { amount, currency } = detail.limit;
  if (amount === 0) return tb('budget.none');
  let words = formatAmount(amount, currency);
  if (currency === 'BTC' && centsPerBtc) words = tb('budget.about', { amount: words, display: formatAmount(Math.round((amount * centsPerBtc) / SATS_PER_BTC), 'USD') });
  const budget = tb('budget.upTo', { amount: words, period: tb(`budget.period.${periodKey(detail)}`) });
  return detail.per_payment_max === null ? budget : tb('budget.perPayment', { budget, amount: formatAmount(detail.per_payment_max, currency) });
}

/** An amount as the form shows it: sats as they are, cents as dollars ("19.99"). */
export const inputValue = (amount: number, currency: SpendCurrency): string => (currency === 'BTC' ? String(amount) : (amount / 100).toFixed(2));

/** Whole sats, or dollars with at most two decimals read as cents; undefined for anything else. */
function parseAmount(text: string, currency: SpendCurrency): number | undefined {
  const s = text.trim();
  if (currency === 'BTC') return /^\d{1,16}$/.test(s) ? Number(s) : undefined;
  const m = /^(\d{1,14})(?:\.(\d{1,2}))?$/.exec(s);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : undefined;
}

export type BudgetField = 'amount' | 'perPayment';
export interface BudgetProblem {
  field: BudgetField;
  message: string;
}
/** What the person typed; undefined: the field was not sent. */
export interface BudgetInput {
  amount: string | undefined;
  perPayment: string | undefined;
}

/**
 * The budget to grant from the form: each number whole, 0 or more and at most what was asked (the person may
 * lower, never raise). A field not sent keeps the asked value; an empty budget is 0 (no sending), and so is a
 * per-payment maximum of 0 (the detail's per_payment_max is 1 or more, so 0 there becomes a budget of 0).
 */
export function readBudgetForm(asked: WalletSpendDetail, input: BudgetInput): Result<WalletSpendDetail, BudgetProblem[]> {
  const currency = asked.limit.currency;
  const problems: BudgetProblem[] = [];
  const read = (field: BudgetField, text: string | undefined, max: number, empty: number): number => {
    if (text === undefined) return max;
    if (text.trim() === '') return empty;
    const value = parseAmount(text, currency);
    if (value === undefined) problems.push({ field, message: tb(`budget.notWhole.${currency}`) });
    else if (value > max) problems.push({ field, message: tb('budget.above', { max: formatAmount(max, currency) }) });
    return value ?? max;
  };
  const amount = read('amount', input.amount, asked.limit.amount, 0);
  const cap = asked.per_payment_max;
  const perPayment = cap === null ? null : read('perPayment', input.perPayment, cap, cap);
  if (problems.length > 0) return err(problems);
  return ok(lowered(asked, perPayment === 0 ? 0 : amount, perPayment === 0 ? cap : perPayment));
}
