// Lightgate's Rich Authorization Requests type (RFC 9396, issue 15): `wallet_spend`, a spending budget an
// app asks for with `write`. Pure: the auth server validates requests with it, the consent app words it, the
// ledger enforces it and the portal edits it. One canonical shape, so every side compares the same values.
import { err, ok, type Result } from '../result.ts';

export const WALLET_SPEND_TYPE = 'wallet_spend';
export type SpendCurrency = 'BTC' | 'USD';
/** ISO 8601 durations we accept; null is a lifetime budget. `P7D` is read as `P1W`. */
export type SpendPeriod = 'P1D' | 'P1W' | 'P1M' | null;
export const SPEND_PERIODS: readonly Exclude<SpendPeriod, null>[] = ['P1D', 'P1W', 'P1M'];

/** Amounts are whole sats (BTC) or cents (USD). */
export interface WalletSpendDetail {
  type: typeof WALLET_SPEND_TYPE;
  limit: { amount: number; currency: SpendCurrency };
  period: SpendPeriod;
  /** At most this much per payment, in the limit's currency; null: only the budget bounds a payment. */
  per_payment_max: number | null;
}

/** 21 million BTC in sats bounds every amount (cents stay far below it too). */
const MAX_AMOUNT = 2_100_000_000_000_000;
const MAX_DETAILS_JSON = 4096;
const FIELDS = new Set(['type', 'limit', 'period', 'per_payment_max']);

const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_AMOUNT;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One detail object, strictly (RFC 9396 section 5: details that do not conform to their type are refused).
 * The error is a sentence for `error_description`.
 */
export function parseSpendDetail(value: unknown): Result<WalletSpendDetail, string> {
  if (!isObject(value)) return err('each authorization detail must be an object');
  if (value.type !== WALLET_SPEND_TYPE) return err(`unsupported authorization details type; supported: ${WALLET_SPEND_TYPE}`);
  for (const key of Object.keys(value)) if (!FIELDS.has(key)) return err(`unknown field ${JSON.stringify(key).slice(0, 40)} in a ${WALLET_SPEND_TYPE} detail`);
  const limit = value.limit;
  if (!isObject(limit) || Object.keys(limit).some((k) => k !== 'amount' && k !== 'currency')) return err('limit must be {"amount": <integer>, "currency": "BTC" | "USD"}');
  if (limit.currency !== 'BTC' && limit.currency !== 'USD') return err('limit.currency must be BTC (sats) or USD (cents)');
  if (!isAmount(limit.amount)) return err('limit.amount must be a whole number of sats or cents, 0 or more');
  let period: SpendPeriod;
  if (value.period === undefined || value.period === null) period = null;
  else if (value.period === 'P7D') period = 'P1W';
  else if (typeof value.period === 'string' && (SPEND_PERIODS as readonly string[]).includes(value.period)) period = value.period as SpendPeriod;
  else return err('period must be P1D, P1W (or P7D), P1M, or absent for a lifetime budget');
  let perPayment: number | null = null;
  if (value.per_payment_max !== undefined && value.per_payment_max !== null) {
    if (!isAmount(value.per_payment_max) || value.per_payment_max < 1) return err('per_payment_max must be a whole number of sats or cents, 1 or more');
    perPayment = value.per_payment_max;
  }
  return ok({ type: WALLET_SPEND_TYPE, limit: { amount: limit.amount, currency: limit.currency }, period, per_payment_max: perPayment });
}

/**
 * The `authorization_details` parameter: a JSON array (or its string form, as on the wire), holding at most
 * one `wallet_spend` detail. An empty array is no budget asked.
 */
export function parseAuthorizationDetails(value: unknown): Result<WalletSpendDetail[], string> {
  let parsed = value;
  if (typeof value === 'string') {
    if (value.length > MAX_DETAILS_JSON) return err('authorization_details is too long');
    try {
      parsed = JSON.parse(value);
    } catch {
      return err('authorization_details must be a JSON array');
    }
  }
  if (!Array.isArray(parsed)) return err('authorization_details must be a JSON array');
  if (parsed.length > 1) return err(`at most one ${WALLET_SPEND_TYPE} detail may be asked for`);
  const out: WalletSpendDetail[] = [];
  for (const item of parsed) {
    const detail = parseSpendDetail(item);
    if (!detail.ok) return detail;
    out.push(detail.value);
  }
  return ok(out);
}

/**
 * Whether `granted` stays within `ceiling`: same currency and period, no larger budget and no larger
 * per-payment maximum (a ceiling without a per-payment maximum allows any up to the budget).
 * The consent accept, the portal's raise and a client's maximum budget all use this one rule.
 */
export function isWithin(granted: WalletSpendDetail, ceiling: WalletSpendDetail): boolean {
  if (granted.limit.currency !== ceiling.limit.currency || granted.period !== ceiling.period) return false;
  if (granted.limit.amount > ceiling.limit.amount) return false;
  if (ceiling.per_payment_max !== null && (granted.per_payment_max === null || granted.per_payment_max > ceiling.per_payment_max)) return false;
  return true;
}

/** The budget with its amounts lowered (never raised) to `amount` and `perPaymentMax`. */
export function lowered(detail: WalletSpendDetail, amount: number, perPaymentMax: number | null): WalletSpendDetail {
  const limit = Math.min(detail.limit.amount, amount);
  const cap = detail.per_payment_max === null ? perPaymentMax : perPaymentMax === null ? detail.per_payment_max : Math.min(detail.per_payment_max, perPaymentMax);
  return { ...detail, limit: { ...detail.limit, amount: limit }, per_payment_max: cap };
}
