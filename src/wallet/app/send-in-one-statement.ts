// A send whose posting locks nothing before its wallets (intraledger without a daily limit) as one statement
// in autocommit (issue 18): the Idempotency-Key's gate, the wallets' locks, the journal, its entries and
// balances, the outbox rows and the key's record (send-outcome.ts) — no BEGIN, no COMMIT, one round trip
// instead of four. All of it commits at the statement's end, balance trigger included, or nothing.
// A send made with an OAuth token (issue 15) charges its grant's budget first in the same statement (with the
// key's lookup) and stores a threshold event it crossed; anything but a plain success — a refused or missing
// budget, a known key, a posting refused after the charge (the statement is then undone) — runs again in a
// transaction (IN_TRANSACTION), which answers it as before: a budget costs a payment no round trip.
import { randomUUID } from 'node:crypto';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { LedgerTransaction } from '../domain/transaction.ts';
import { isChargeAbort } from '../services/budget-threshold-tail.ts';
import { findIdempotent, keyGate } from '../services/idempotency.ts';
import { isKeyRace, noticeOutcome, outcomeTail, type OutcomeTail } from '../services/send-outcome.ts';
import { grantSpendOf, NO_BUDGET_DEFAULT, statementCharge } from './charge-budget.ts';
import type { WalletDeps } from './deps.ts';
import type { PaymentOutcome, Posting, SendFrame } from './execute-send.ts';

const MAX_RETRIES = 3;
const IDEMPOTENCY_RACE = walletError('INVALID_INPUT', 'idempotency race');

type Outcome = (status: PaymentOutcome['status'], journalId: string, transaction?: LedgerTransaction) => PaymentOutcome;

/** The send must run in a transaction instead (nothing was written). */
export const IN_TRANSACTION = Symbol('in transaction');

export async function sendInOneStatement(
  deps: Pick<WalletDeps, 'db' | 'budgets'>,
  send: SendFrame,
  outcome: Outcome,
): Promise<Result<PaymentOutcome, WalletError> | typeof IN_TRANSACTION> {
  const { db } = deps;
  const idem = send.idempotency;
  for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
    const journalId = randomUUID();
    const journal = { journalId, grantSpend: send.budget && grantSpendOf(send.budget, send.priceCents) };
    const charge = send.budget && statementCharge(deps.budgets ?? NO_BUDGET_DEFAULT, { ...send.budget, priceCents: send.priceCents, journalId, walletId: send.walletId, idempotency: idem });
    const gate = charge ? charge.gate : idem && keyGate(idem);
    let tail: OutcomeTail | undefined;
    let posting: Result<Posting, WalletError>;
    try {
      posting = await send.post(db, journal, gate, (events, counterparty) => {
        tail = outcomeTail(events, events.map(() => randomUUID()), idem, journalId, counterparty);
        return charge ? charge.tail(tail) : tail;
      });
    } catch (error) {
      // A concurrent send with the same key committed first: this statement wrote nothing; again, its gate finds the key.
      if (isKeyRace(error)) continue;
      // The posting was refused after the budget's charge: the statement was undone; the transaction answers why.
      if (isChargeAbort(error)) return IN_TRANSACTION;
      throw error;
    }
    if (gate) {
      if (gate.row === undefined && posting.ok) throw new Error('a gated posting did not run its gate');
      // With a budget: refused, paused or missing (a grant from before budgets), or a known key: nothing was written.
      if (gate.row === null && charge) return IN_TRANSACTION;
      if (gate.row === null) {
        // The key is known (nothing was locked or written): the earlier payment, or a reused key's refusal.
        const earlier = await findIdempotent(db, idem!);
        if (!earlier.ok) return earlier;
        if (earlier.value) return ok(outcome('SUCCESS', earlier.value));
        continue;
      }
    }
    if (!posting.ok) return posting;
    const p = posting.value;
    if (!p.posted) return ok(outcome(p.status, p.journalId));
    if (!tail) throw new Error('a one-statement posting did not store its events');
    const crossed = charge?.crossed();
    noticeOutcome(db, crossed ? [...p.events, crossed.event] : p.events, crossed ? [...tail.ids, crossed.id] : tail.ids);
    return ok(outcome('SUCCESS', p.journalId, p.transaction));
  }
  return err(IDEMPOTENCY_RACE);
}
