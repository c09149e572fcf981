// Spending budgets (Lightgate, issue 15): an app that asks for `write` may ask for a budget with OAuth 2.0 Rich
// Authorization Requests (RFC 9396), a `wallet_spend` authorization detail. The person sees it on the consent
// page and may lower it; the ledger enforces what was granted. Pass it as `authorizationDetails`.

/** BTC: amounts in sats. USD: amounts in cents. */
export type SpendCurrency = 'BTC' | 'USD';
/** Budget periods on UTC calendar boundaries (day from 00:00 UTC, week from Monday, month from the 1st); null: in total. */
export type SpendPeriod = 'P1D' | 'P1W' | 'P1M' | null;

/** The `wallet_spend` authorization detail as it goes on the wire and comes back in the token response. */
export type WalletSpendDetail = {
  type: 'wallet_spend';
  limit: { amount: number; currency: SpendCurrency };
  period: SpendPeriod;
  per_payment_max: number | null;
};

/** Any RFC 9396 authorization detail (the server answers only the types it supports). */
export interface AuthorizationDetail {
  type: string;
  [field: string]: unknown;
}

export interface WalletSpendOptions {
  /** Whole sats (BTC) or cents (USD), 0 or more; 0 asks for no sending at all. */
  amount: number;
  /** Default BTC (sats). */
  currency?: SpendCurrency;
  /** 'day' | 'week' | 'month' (or the ISO 8601 forms); 'total' or null for a lifetime budget. Default 'day'. */
  period?: 'day' | 'week' | 'month' | 'total' | SpendPeriod;
  /** At most this much per payment, in the same unit, 1 or more; omit for none. */
  perPaymentMax?: number;
}

const PERIODS = { day: 'P1D', week: 'P1W', month: 'P1M', total: null, P1D: 'P1D', P1W: 'P1W', P1M: 'P1M' } as const;

const whole = (value: number, min: number, what: string): number => {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be a whole number of sats or cents, ${min} or more`);
  return value;
};

/**
 * Builds a `wallet_spend` detail, e.g. `walletSpend({ amount: 5000, period: 'day', perPaymentMax: 1000 })`:
 * "up to 5,000 sats per day, at most 1,000 sats per payment". Throws a RangeError for an amount that is not a
 * whole number (a programming error, as `new URL('nonsense')` is); the server refuses what it cannot accept
 * with `invalid_authorization_details`.
 */
export function walletSpend(options: WalletSpendOptions): WalletSpendDetail {
  const period = options.period === undefined ? 'P1D' : options.period === null ? null : PERIODS[options.period];
  if (period === undefined) throw new RangeError(`period must be day, week, month or total, got ${JSON.stringify(options.period)}`);
  return {
    type: 'wallet_spend',
    limit: { amount: whole(options.amount, 0, 'amount'), currency: options.currency ?? 'BTC' },
    period,
    per_payment_max: options.perPaymentMax === undefined ? null : whole(options.perPaymentMax, 1, 'perPaymentMax'),
  };
}

/** The granted budget in a token response's `authorization_details` (RFC 9396 section 7), if any. */
export function grantedBudget(details: readonly AuthorizationDetail[] | undefined): WalletSpendDetail | undefined {
  return details?.find((d): d is AuthorizationDetail & WalletSpendDetail => d.type === 'wallet_spend');
}
