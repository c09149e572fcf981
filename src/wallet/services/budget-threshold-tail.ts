// A budgeted send run as one statement (issues 15 and 18): after the outbox's rows (send-outcome.ts), the
// budget's threshold event when the charge crossed 80 % or 100 % — the `budget.threshold` payload that
// budgetThresholdEvent (domain/budget.ts) builds, here from the gate's row — and the guard that the charge
// never commits without its payment: when the posting was refused (a wallet unknown, the balance too low)
// wallet_abort_charge (migration 0422) raises and the whole statement is undone (isChargeAbort).
import type { LockTail } from './ledger.ts';

export interface ThresholdEvent {
  /** The event's id, chosen before the statement (its notice names it). */
  id: string;
  accountId: string;
  walletId: string;
  clientId: string;
}

const ABORT_CODE = 'LGB01';

export function withBudgetThreshold(tail: LockTail, event: ThresholdEvent): LockTail {
  return {
    ctes(first) {
      const n = first + tail.params.length;
      return `${tail.ctes(first)}, budget_threshold AS (
       INSERT INTO wallet_events (id, account_id, wallet_id, type, payload)
       SELECT $${n}::uuid, $${n + 1}::uuid, $${n + 2}::uuid, 'budget.threshold', jsonb_build_object('budget', jsonb_build_object(
                'clientId', $${n + 3}::text, 'percent', g.crossed, 'spent', g.spent, 'limit', g.amount, 'currency', g.currency, 'period', g.period,
                'periodStart', to_char(g.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
       FROM gate g, verdict v
       WHERE CASE WHEN v.known AND v.funded THEN g.crossed > 0 AND g.amount IS NOT NULL ELSE wallet_abort_charge('the posting was refused after its budget charge') END
     )`;
    },
    params: [...tail.params, event.id, event.accountId, event.walletId, event.clientId],
    name: `${tail.name}_thr`,
    // The outbox's answer (its parameters come first, so its numbering holds); the statement sets `row` here.
    ...(tail.select ? { select: tail.select } : {}),
  };
}

/** The statement was undone because its posting was refused after the charge: nothing was written. */
export function isChargeAbort(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === ABORT_CODE;
}
