// The budget charge of a send made with an OAuth token (issue 15), run by executeSend inside the payment's
// transaction before its posting (with the journal id the posting will use): a refused charge ends the
// payment before any wallet is locked, a failed posting rolls the charge back, and a posting that moved
// nothing (an invoice another payment paid) rolls it back too.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { AccountId, WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { SpendCurrency, WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';
import { budgetThresholdEvent, chargeAmounts, periodStarts } from '../domain/budget.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { WalletCurrency } from '../domain/money.ts';
import type { NewWalletEvent } from '../domain/wallet-event.ts';
import { chargeBudget, chargedOf, chargeGate, insertBudgetIfMissing, readBudget, type BudgetRow, type Charged, type ChargeInput } from '../services/grant-budgets.ts';
import { withBudgetThreshold } from '../services/budget-threshold-tail.ts';
import type { GrantSpend, LockGate, LockTail } from '../services/ledger.ts';
import { earlierPayment, type Idempotency } from '../services/idempotency.ts';

/** The grant an OAuth send is made under (API keys and sessions have none). */
export interface SendGrant {
  userId: string;
  clientId: string;
}

export interface BudgetCharge extends SendGrant {
  /** The debit, in the sending wallet's currency. */
  amount: number;
  currency: WalletCurrency;
}

export interface BudgetSettings {
  /** WRITE_BUDGET_DEFAULT: the budget of a `write` grant made without one (null: unlimited). */
  writeDefault: WalletSpendDetail | null;
  /** The clock of the periods (tests move it). */
  now?: () => Date;
}

export const NO_BUDGET_DEFAULT: BudgetSettings = { writeDefault: null };

/** What the charge found: the journal of an earlier send with the same Idempotency-Key, or the events it crossed. */
export type GrantCharge = { earlier: string; events?: undefined } | { earlier?: undefined; events: NewWalletEvent[] };

/**
 * Charges the grant for the payment about to be posted, looking its Idempotency-Key up in the same statement
 * (a repeat answers the earlier journal and is not charged); the events it crossed (80%, 100%) for the sender.
 */
export type ChargeOf = BudgetCharge & { priceCents: number; journalId: string; accountId: AccountId; walletId: WalletId; idempotency: Idempotency | undefined };

const inputOf = (settings: BudgetSettings, c: ChargeOf): ChargeInput => ({
  userId: c.userId,
  clientId: c.clientId,
  amounts: chargeAmounts(c.amount, c.currency, c.priceCents),
  starts: periodStarts(settings.now?.() ?? new Date()),
  idempotency: c.idempotency,
});

/** What the send charges its grant, recorded on its journal (the portal's chart reads the ledger). */
export function grantSpendOf(c: BudgetCharge, priceCents: number): GrantSpend {
  const amounts = chargeAmounts(c.amount, c.currency, priceCents);
  return { clientId: c.clientId, sats: amounts.BTC, cents: amounts.USD };
}

export async function chargeGrant(tx: Queryable, settings: BudgetSettings, c: ChargeOf): Promise<Result<GrantCharge, WalletError>> {
  const input = inputOf(settings, c);
  const first = await chargeBudget(tx, input);
  if (c.idempotency && first.earlier) {
    const earlier = earlierPayment(first.earlier, c.idempotency);
    if (!earlier.ok) return earlier;
    return ok({ earlier: earlier.value! });
  }
  return settle(tx, settings, c, input, first.charged);
}

/** The charge of a send without an Idempotency-Key, folded into its posting's lock statement (issue 15). */
export interface FoldedCharge {
  /** For postTransfer: charges the grant before the wallets are locked, in the same statement. */
  gate: LockGate;
  /**
   * Once the posting ran the gate: the events it crossed; when it refused (nothing locked or written), the
   * operator's default for a grant without a row, charged here (the caller posts again, without the gate),
   * or the refusal.
   */
  settle(tx: Queryable): Promise<Result<GrantCharge, WalletError>>;
}

export function foldCharge(settings: BudgetSettings, c: ChargeOf): FoldedCharge {
  const input = inputOf(settings, { ...c, idempotency: undefined });
  const gate = chargeGate(input);
  return { gate, settle: (tx) => settle(tx, settings, c, input, chargedOf(gate.row)) };
}

/** A budgeted send run as one statement (issues 15 and 18, send-in-one-statement.ts). */
export interface StatementCharge {
  /** The charge with the key's lookup, first in the posting's statement; its row is null when either refused. */
  gate: LockGate;
  /** The outbox's tail followed by the threshold event's row and the guard that undoes a charge without payment. */
  tail(outbox: LockTail): LockTail;
  /** Once the statement committed: the threshold event it stored, with its id, if the charge crossed one. */
  crossed(): { id: string; event: NewWalletEvent } | undefined;
}

export function statementCharge(settings: BudgetSettings, c: ChargeOf): StatementCharge {
  const gate = chargeGate(inputOf(settings, c));
  const id = randomUUID();
  return {
    gate,
    tail: (outbox) => withBudgetThreshold(outbox, { id, accountId: c.accountId, walletId: c.walletId, clientId: c.clientId }),
    crossed() {
      const event = thresholdEvent(c, chargedOf(gate.row));
      return event && { id, event };
    },
  };
}

/** The `budget.threshold` event of a charge that crossed 80 % or 100 % of a limited budget. */
function thresholdEvent(c: ChargeOf, charged: Charged | undefined): NewWalletEvent | undefined {
  if (!charged || charged.crossed === 0 || charged.amount === null) return undefined;
  const crossing = { clientId: c.clientId, percent: charged.crossed, spent: charged.spent, limit: charged.amount, currency: charged.currency, period: charged.period, periodStart: charged.periodStart };
  return budgetThresholdEvent(crossing, c.accountId, c.walletId);
}

async function settle(tx: Queryable, settings: BudgetSettings, c: ChargeOf, input: ChargeInput, charged: Charged | undefined): Promise<Result<GrantCharge, WalletError>> {
  if (!charged) {
    let row = await readBudget(tx, c.userId, c.clientId);
    if (row === undefined) {
      // A grant made before budgets (or without one): the operator's default, created on its first send.
      await insertBudgetIfMissing(tx, c.userId, c.clientId, settings.writeDefault);
      charged = (await chargeBudget(tx, input)).charged;
      if (!charged) row = await readBudget(tx, c.userId, c.clientId);
    }
    if (!charged) return err(refusal(row, input.amounts));
  }
  const event = thresholdEvent(c, charged);
  return ok({ events: event ? [event] : [] });
}

const periodWord = (p: string): string => (p === 'P1D' ? 'day' : p === 'P1W' ? 'week' : 'month');

/** Why the grant's row refused the payment. An ended budget (the app was disconnected) is BUDGET_EXCEEDED. */
function refusal(row: BudgetRow | undefined, amounts: Record<SpendCurrency, number>): WalletError {
  if (!row || row.ended) return walletError('BUDGET_EXCEEDED', "This app's spending budget has ended (the app was disconnected); the user must authorize it again");
  if (row.paused) return walletError('SENDING_PAUSED', 'The user has paused sending for this app');
  const unit = row.currency === 'USD' ? 'US cents' : 'sats';
  const max = row.per_payment_max === null ? null : Number(row.per_payment_max);
  if (max !== null && amounts[row.currency] > max) return walletError('BUDGET_EXCEEDED', `This payment passes the app's per-payment maximum of ${max} ${unit}`);
  return walletError('BUDGET_EXCEEDED', `This payment passes the app's spending budget (${Number(row.amount ?? 0)} ${unit}${row.period ? ` per ${periodWord(row.period)}` : ''})`);
}
