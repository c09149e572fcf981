// The shared frame of every send (intraledger, invoice): one transaction that answers a repeated
// Idempotency-Key with the first result, runs the use case's posting, and records the key; when a
// concurrent send with the same key commits first, the whole transaction is retried and finds it.
// A send made with an OAuth token also charges its grant's budget there (issue 15, charge-budget.ts): in the
// Idempotency-Key's lookup statement (a repeat is found and not charged twice) and before the posting, so an
// over-budget send is refused without touching the wallets and a failed posting rolls the charge back. Without
// a key, a posting that locks nothing before its wallets (`gates`) runs the charge as the first step of its
// lock statement (one round trip fewer); every budgeted send locks the budget row before the wallets. Without a
// budget, such a posting looks the Idempotency-Key up there too (keyGate, issue 18): a repeat locks nothing.
// A posting that also stores its events (`stores`) is first tried as one statement (send-in-one-statement.ts).
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { AccountId, WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { LedgerTransaction } from '../domain/transaction.ts';
import { findIdempotent, keyGate, type Idempotency } from '../services/idempotency.ts';
import { inTransaction } from '../services/in-transaction.ts';
import { recordSendOutcome } from '../services/wallet-events.ts';
import type { NewWalletEvent } from '../domain/wallet-event.ts';
import type { WalletDeps } from './deps.ts';
import { chargeGrant, foldCharge, grantSpendOf, NO_BUDGET_DEFAULT, type BudgetCharge, type FoldedCharge } from './charge-budget.ts';
import type { GrantSpend, LockGate, LockTail } from '../services/ledger.ts';
import { IN_TRANSACTION, sendInOneStatement } from './send-in-one-statement.ts';

export interface PaymentOutcome {
  status: 'SUCCESS' | 'ALREADY_PAID';
  journalId: string;
  /** The sending wallet. */
  walletId: WalletId;
  /** The price the send used (cents per BTC): the payload shows the transaction at it, without asking again. */
  priceCents: number;
  /** The sender's transaction when this call posted it; undefined for a repeat (read on demand then). */
  transaction: LedgerTransaction | undefined;
}

/** What a send's posting step gives back: a new journal, or the one an earlier payment made. */
export type Posting =
  | { posted: true; journalId: string; transaction: LedgerTransaction | undefined; events: readonly NewWalletEvent[] }
  | { posted: false; status: PaymentOutcome['status']; journalId: string };

/** The journal a send's posting writes: its id, chosen first, and the grant's charge it records (issue 15). */
export interface JournalStamp {
  journalId: string;
  grantSpend: GrantSpend | undefined;
}

export interface SendFrame {
  walletId: WalletId;
  priceCents: number;
  idempotency: Idempotency | undefined;
  /**
   * Runs inside the transaction, after the idempotency check; `journal`: the id to post the journal with and
   * the grant's charge to record on it (spread into postTransfer's input); `gate` (only when `gates`): to pass
   * to postTransfer, which runs it first in its lock statement.
   */
  post(tx: Queryable, journal: JournalStamp, gate?: LockGate, store?: StoreOutcome): Promise<Result<Posting, WalletError>>;
  /** A send made with an OAuth token (issue 15): its grant's budget is charged right before the posting. */
  budget?: (BudgetCharge & { accountId: AccountId }) | undefined;
  /**
   * The posting locks nothing before postTransfer and passes it the gate: a budgeted send without a key then
   * charges inside the posting's lock statement (one round trip fewer), still before the wallets are locked.
   * A posting that locks other rows first (an invoice, the account's limits) must not: the charge would come
   * after them, against the budget-first order of the other sends (a deadlock).
   */
  gates?: boolean | undefined;
  /**
   * A gated posting that sends no statement before postTransfer's and calls `store` (post's fourth argument)
   * with its events: the send is then that one statement in autocommit (issue 18), its budget's charge
   * included (send-in-one-statement.ts); what that statement does not settle runs here, in a transaction.
   */
  stores?: boolean | undefined;
}

/**
 * For a posting run as one statement (SendFrame.stores): gives the tail of its lock statement that stores
 * these events (built before the posting, see send-outcome.ts) and the send's key; its `row` is then the
 * username of the `counterparty` account.
 */
export type StoreOutcome = (events: readonly NewWalletEvent[], counterparty?: AccountId) => LockTail;

const IDEMPOTENCY_RACE = walletError('INVALID_INPUT', 'idempotency race');

/** A charged send whose posting moved nothing (an invoice already paid): rolled back, answered as the posting said. */
class Unposted {
  readonly status: PaymentOutcome['status'];
  readonly journalId: string;
  constructor(status: PaymentOutcome['status'], journalId: string) {
    this.status = status;
    this.journalId = journalId;
  }
}
const MAX_RETRIES = 3;

export async function executeSend(deps: Pick<WalletDeps, 'db' | 'budgets'>, send: SendFrame): Promise<Result<PaymentOutcome, WalletError>> {
  const outcome = (status: PaymentOutcome['status'], journalId: string, transaction?: LedgerTransaction): PaymentOutcome => ({
    status,
    journalId,
    walletId: send.walletId,
    priceCents: send.priceCents,
    transaction,
  });
  if (send.stores && send.gates) {
    const sent = await sendInOneStatement(deps, send, outcome);
    if (sent !== IN_TRANSACTION) return sent;
  }
  for (let attempt = 0; ; attempt++) {
    const result = await inTransaction<PaymentOutcome, WalletError | Unposted>(deps.db, async (tx) => {
      const idem = send.idempotency;
      const journalId = randomUUID();
      const journal: JournalStamp = { journalId, grantSpend: send.budget && grantSpendOf(send.budget, send.priceCents) };
      let crossed: readonly NewWalletEvent[] = [];
      let folded: FoldedCharge | undefined;
      let keyed: LockGate | undefined;
      if (send.budget && !idem && send.gates) {
        folded = foldCharge(deps.budgets ?? NO_BUDGET_DEFAULT, { ...send.budget, priceCents: send.priceCents, journalId, walletId: send.walletId, idempotency: undefined });
      } else if (send.budget) {
        // The key's lookup and the charge in one statement: a repeat is found there and not charged twice.
        const charged = await chargeGrant(tx, deps.budgets ?? NO_BUDGET_DEFAULT, { ...send.budget, priceCents: send.priceCents, journalId, walletId: send.walletId, idempotency: idem });
        if (!charged.ok) return charged;
        if (charged.value.earlier !== undefined) return ok(outcome('SUCCESS', charged.value.earlier));
        crossed = charged.value.events;
      } else if (idem && send.gates) {
        // The key's lookup in the posting's lock statement (issue 18): one round trip fewer; a repeat is read below.
        keyed = keyGate(idem);
      } else if (idem) {
        const earlier = await findIdempotent(tx, idem);
        if (!earlier.ok) return earlier;
        if (earlier.value) return ok(outcome('SUCCESS', earlier.value));
      }
      let posting = await send.post(tx, journal, folded?.gate ?? keyed);
      if (keyed && idem) {
        if (keyed.row === undefined && posting.ok) throw new Error('a gated posting did not run its gate');
        if (keyed.row === null) {
          // The key is known (nothing was locked or written): the earlier payment, or a reused key's refusal.
          const earlier = await findIdempotent(tx, idem);
          if (!earlier.ok) return earlier;
          return earlier.value ? ok(outcome('SUCCESS', earlier.value)) : err(IDEMPOTENCY_RACE);
        }
      }
      if (folded) {
        if (folded.gate.row === undefined && posting.ok) throw new Error('a gated posting did not run its gate');
        if (folded.gate.row !== undefined) {
          const charged = await folded.settle(tx);
          if (!charged.ok) return charged;
          crossed = charged.value.events ?? [];
          // The gate refused and settle charged the operator's default (a grant without a row): post now.
          if (folded.gate.row === null) posting = await send.post(tx, journal);
        }
      }
      if (!posting.ok) return posting;
      const p = posting.value;
      if (!p.posted) return send.budget ? err(new Unposted(p.status, p.journalId)) : ok(outcome(p.status, p.journalId));
      const events = crossed.length > 0 ? [...p.events, ...crossed] : p.events;
      // The outbox (issue 14): the payment's events commit or roll back with it.
      // With the key's record, in one round trip (issue 18).
      if (!(await recordSendOutcome(tx, events, idem, p.journalId))) return err(IDEMPOTENCY_RACE);
      return ok(outcome('SUCCESS', p.journalId, p.transaction));
    });
    if (result.ok) return result;
    if (result.error instanceof Unposted) return ok(outcome(result.error.status, result.error.journalId));
    if (result.error === IDEMPOTENCY_RACE && attempt < MAX_RETRIES) continue;
    return err(result.error);
  }
}
