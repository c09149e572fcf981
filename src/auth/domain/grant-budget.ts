// Issue 15 (RFC 9396): which spending budget an authorization asks for, and which one a consent grants. Pure:
// the authorization endpoint, the consent flow and remembered consents decide with these rules alone.
import { err, ok, type Result } from '../../shared/result.ts';
import { isWithin, lowered, parseAuthorizationDetails, parseSpendDetail, type WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';

/** A client's registered budgets (Lightgate extension of Hydra's client JSON); null or absent: none. */
export interface ClientBudgetFields {
  spend_budget_default?: WalletSpendDetail | null;
  spend_budget_max?: WalletSpendDetail | null;
}

export const holdsWrite = (scopes: readonly string[]): boolean => scopes.includes('write');

/**
 * The requested budget: the app's authorization_details, else the client's spend_budget_default, else the
 * operator's WRITE_BUDGET_DEFAULT; only when `write` is asked ([] otherwise, and when none applies).
 * `authorizationDetails` was validated by the authorization endpoint already; anything unreadable counts as none.
 */
export function requestedBudget(scopes: readonly string[], authorizationDetails: unknown, client: ClientBudgetFields, operatorDefault: WalletSpendDetail | null): WalletSpendDetail[] {
  if (!holdsWrite(scopes)) return [];
  if (authorizationDetails !== undefined && authorizationDetails !== null && authorizationDetails !== '') {
    const asked = parseAuthorizationDetails(authorizationDetails);
    if (asked.ok && asked.value.length) return asked.value;
  }
  const fallback = client.spend_budget_default ?? operatorDefault;
  return fallback ? [fallback] : [];
}

/**
 * Whether a remembered consent's granted budget covers a new request: nothing asked, a remembered `write` without a
 * budget (unlimited), or the asked budget within the granted one.
 */
export function budgetCovers(granted: readonly WalletSpendDetail[] | null, requested: readonly WalletSpendDetail[]): boolean {
  if (requested.length === 0 || !granted || granted.length === 0) return true;
  return isWithin(requested[0]!, granted[0]!);
}

/**
 * The budget a consent grants from the accept body's `grant_authorization_details`:
 * - absent: the requested budget as is;
 * - `[]`: no sending (the requested budget lowered to 0); when nothing was requested, `[]` is "as is" (no budget);
 * - one detail: strictly parsed and within the requested budget (never raised). With nothing requested (`write`
 *   without a budget), any budget is a restriction and is taken.
 * The error is a sentence for the admin API's error_description.
 */
export function grantedBudget(input: unknown, requested: readonly WalletSpendDetail[]): Result<WalletSpendDetail | null, string> {
  const asked = requested[0] ?? null;
  if (input === undefined) return ok(asked);
  if (!Array.isArray(input)) return err('Field grant_authorization_details must be an array of wallet_spend details');
  const parsed = parseAuthorizationDetails(input);
  if (!parsed.ok) return err(`Field grant_authorization_details: ${parsed.error}`);
  const granted = parsed.value[0];
  if (!granted) return ok(asked && lowered(asked, 0, null));
  if (asked && !isWithin(granted, asked)) {
    return err('Field grant_authorization_details must stay within the requested budget: the same currency and period, an amount and a per-payment maximum no larger than requested');
  }
  return ok(granted);
}

/**
 * A client's budget fields from the admin API (a wallet_spend detail object or null each), the default within the
 * maximum. The error names the field.
 */
export function parseClientBudgets(raw: { spend_budget_default?: unknown; spend_budget_max?: unknown }): Result<Required<ClientBudgetFields>, string> {
  const out: Required<ClientBudgetFields> = { spend_budget_default: null, spend_budget_max: null };
  for (const field of ['spend_budget_default', 'spend_budget_max'] as const) {
    const value = raw[field];
    if (value === undefined || value === null) continue;
    const parsed = parseSpendDetail(value);
    if (!parsed.ok) return err(`Field ${field}: ${parsed.error}`);
    out[field] = parsed.value;
  }
  if (out.spend_budget_default && out.spend_budget_max && !isWithin(out.spend_budget_default, out.spend_budget_max)) {
    return err('Field spend_budget_default must stay within spend_budget_max (the same currency and period, no larger amounts)');
  }
  return ok(out);
}
