// A send without a budget whose posting locks nothing before its wallets (intraledger without a daily limit)
// as one statement in autocommit (issue 18): the Idempotency-Key's gate, the wallets' locks, the journal, its
// entries and balances, the outbox rows and the key's record (send-outcome.ts) — no BEGIN, no COMMIT, one
// round trip instead of four. All of it commits at the statement's end, balance trigger included, or nothing.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { LedgerTransaction } from '../domain/transaction.ts';
import { findIdempotent, keyGate } from '../services/idempotency.ts';
import { isKeyRace, noticeOutcome, outcomeTail, type OutcomeTail } from '../services/send-outcome.ts';
import type { PaymentOutcome, Posting, SendFrame } from './execute-send.ts';

const MAX_RETRIES = 3;
const IDEMPOTENCY_RACE = walletError('INVALID_INPUT', 'idempotency race');

type Outcome = (status: PaymentOutcome['status'], journalId: string, transaction?: LedgerTransaction) => PaymentOutcome;

export async function sendInOneStatement(db: Database, send: SendFrame, outcome: Outcome): Promise<Result<PaymentOutcome, WalletError>> {
  const idem = send.idempotency;
  for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
    const journal = { journalId: randomUUID(), grantSpend: undefined };
    const gate = idem && keyGate(idem);
    let tail: OutcomeTail | undefined;
    let posting: Result<Posting, WalletError>;
    try {
      posting = await send.post(db, journal, gate, (events, counterparty) => (tail = outcomeTail(events, events.map(() => randomUUID()), idem, journal.journalId, counterparty)));
    } catch (error) {
      // A concurrent send with the same key committed first: this statement wrote nothing; again, its gate finds the key.
      if (isKeyRace(error)) continue;
      throw error;
    }
    if (gate) {
      if (gate.row === undefined && posting.ok) throw new Error('a gated posting did not run its gate');
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
    noticeOutcome(db, p.events, tail.ids);
    return ok(outcome('SUCCESS', p.journalId, p.transaction));
  }
  return err(IDEMPOTENCY_RACE);
}
