// Account limits (Blink's AccountLimits): what an account may move per rolling 24 hours, in US cents, per kind
// of movement. An operator sets them (LIMIT_*_DAILY_CENTS); a limit of 0 is none and is not shown.
export type LimitKind = 'internalSend' | 'convert' | 'withdrawal';
export const LIMIT_KINDS: readonly LimitKind[] = ['internalSend', 'convert', 'withdrawal'];
export const LIMIT_INTERVAL_SECONDS = 24 * 3600;

export type LimitTotals = Readonly<Record<LimitKind, number>>;

export interface AccountLimit {
  kind: LimitKind;
  intervalSeconds: number;
  totalCents: number;
  remainingCents: number;
}

/** The limits set (total > 0) with what is left of each after `spent`. */
export function accountLimits(totals: LimitTotals, spent: LimitTotals): AccountLimit[] {
  return LIMIT_KINDS.filter((k) => totals[k] > 0).map((kind) => ({
    kind,
    intervalSeconds: LIMIT_INTERVAL_SECONDS,
    totalCents: totals[kind],
    remainingCents: Math.max(0, totals[kind] - spent[kind]),
  }));
}

/** The kind of a send between two wallets: to one's own other wallet is a conversion. */
export const sendKind = (senderAccountId: string, recipientAccountId: string): LimitKind => (senderAccountId === recipientAccountId ? 'convert' : 'internalSend');
