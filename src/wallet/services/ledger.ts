// The double-entry ledger. Every movement of money is one journal whose legs sum to zero per currency
// (checked again by the database for each statement that inserts entries, migration 0423). Wallet rows are
// locked FOR UPDATE in id order, so concurrent journals over the same wallets queue instead of deadlocking or
// overdrawing.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { WalletCurrency } from '../domain/money.ts';
import type { PostedEntry } from '../domain/transaction.ts';
import { transferLegs, type GrantSpend, type JournalKind, type Leg, type TransferInput } from '../domain/transfer.ts';

export type { GrantSpend, JournalKind, Leg, PostedEntry };

export interface JournalInput {
  kind: JournalKind;
  memo?: string | undefined;
  senderWalletId: WalletId;
  recipientWalletId: WalletId;
  paymentHash?: string | undefined;
  paymentRequest?: string | undefined;
  /** The journal's id when the caller chose it first (a budget charge names it before the posting, issue 15). */
  journalId?: string | undefined;
  /** A send made under an OAuth grant: its client and what it charged the budget (the portal's chart reads it). */
  grantSpend?: GrantSpend | undefined;
}


export interface PostedJournal {
  journalId: string;
  /** As inserted (RETURNING): the payload is built from these, the ledger is not read again. */
  entries: PostedEntry[];
}

export interface LockedWallet {
  id: WalletId;
  currency: WalletCurrency;
  kind: 'user' | 'funding' | 'dealer';
  balance: number;
}

/**
 * A step that must pass before the wallets are locked, run first in the same statement (issue 15: a budget
 * charge, chargeGate). `ctes(first)`: CTEs numbering their parameters from $first and ending in one named
 * `gate`; the wallets are locked (an InitPlan over `gate`, evaluated before the lock scan) and the journal
 * written only when `gate` has a row. lockAndPost stores that row in `row` (null: the gate refused).
 */
export interface LockGate {
  ctes(first: number): string;
  params: unknown[];
  /** Names the prepared statement. */
  name: string;
  row?: unknown;
}

/**
 * Writes that follow the posting in the same statement (issue 18: a send's outbox rows and key record):
 * CTEs numbering their parameters from $first, reading `entries` (the rows posted, none when refused).
 */
export interface LockTail {
  ctes(first: number): string;
  params: unknown[];
  /** Names the prepared statement. */
  name: string;
  /** An expression (parameters from $first, as `ctes`) the statement answers once, in `row`. */
  select?(first: number): string;
  row?: unknown;
}

/** Locks the wallets (sorted by id, one statement) and returns them by id. */
export async function lockWallets(tx: Queryable, ids: readonly WalletId[]): Promise<Map<WalletId, LockedWallet>> {
  const unique = [...new Set(ids)].sort();
  const rows = await tx.query<LockedWallet>('SELECT id, currency, kind, balance FROM wallets WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [unique]);
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * Posts a journal inside the caller's transaction. The caller has already locked the wallets with
 * lockWallets(); a user wallet that would go below zero gives INSUFFICIENT_BALANCE and nothing is written.
 */
export async function postJournal(
  tx: Queryable,
  locked: Map<WalletId, LockedWallet>,
  journal: JournalInput,
  legs: readonly Leg[],
): Promise<Result<PostedJournal, 'INSUFFICIENT_BALANCE'>> {
  const sums = new Map<string, number>();
  const deltas = new Map<WalletId, number>();
  for (const leg of legs) {
    const wallet = locked.get(leg.walletId);
    if (!wallet) throw new Error(`wallet ${leg.walletId} was not locked`);
    if (wallet.currency !== leg.currency) throw new Error('leg currency differs from its wallet');
    if (!Number.isSafeInteger(leg.amount) || leg.amount === 0) throw new Error('leg amounts are non-zero integers');
    sums.set(leg.currency, (sums.get(leg.currency) ?? 0) + leg.amount);
    deltas.set(leg.walletId, (deltas.get(leg.walletId) ?? 0) + leg.amount);
  }
  for (const sum of sums.values()) if (sum !== 0) throw new Error('journal legs do not balance');
  for (const [id, delta] of deltas) {
    const wallet = locked.get(id)!;
    if (wallet.kind === 'user' && wallet.balance + delta < 0) return err('INSUFFICIENT_BALANCE');
  }
  const journalId = journal.journalId ?? randomUUID();
  const running = new Map<WalletId, number>();
  const balances: number[] = [];
  for (const leg of legs) {
    const next = (running.get(leg.walletId) ?? locked.get(leg.walletId)!.balance) + leg.amount;
    running.set(leg.walletId, next);
    balances.push(next);
  }
  // One round trip for the journal, its entries and the new balances (data-modifying CTEs; foreign keys
  // are checked at the end of the statement, the balance trigger at the INSERT's end): 3 statements were 3 round trips.
  const rows = await tx.query<{ id: number; wallet_id: WalletId; amount: number; balance_after: number; created_at: Date }>(
    `WITH journal AS (
       INSERT INTO ledger_journals (${JOURNAL_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ), balances AS (
       UPDATE wallets w SET balance = v.b FROM unnest($15::uuid[], $16::bigint[]) AS v(id, b) WHERE w.id = v.id
     )
     INSERT INTO ledger_entries (journal_id, wallet_id, currency, amount, balance_after)
     SELECT $1, w, c, a, b FROM unnest($11::uuid[], $12::text[], $13::bigint[], $14::bigint[]) AS t(w, c, a, b)
     RETURNING id, wallet_id, amount, balance_after, created_at`,
    [
      ...journalParams(journalId, journal),
      legs.map((l) => l.walletId),
      legs.map((l) => l.currency),
      legs.map((l) => l.amount),
      balances,
      [...running.keys()],
      [...running.values()],
    ],
  );
  for (const [id, balance] of running) locked.get(id)!.balance = balance;
  return ok({
    journalId,
    entries: rows.map((r) => ({ id: r.id, walletId: r.wallet_id, amount: r.amount, balanceAfter: r.balance_after, createdAt: new Date(r.created_at) })),
  });
}

/** What postTransfer answers when its LockGate refused (nothing locked or written); the caller reads gate.row. */
export const GATE_REFUSED = walletError('INVALID_INPUT', 'the lock gate refused');

/** A leg names a wallet the lock did not find (deleted after the caller read it, issue 18): nothing written. */
export const UNKNOWN_WALLET = walletError('INVALID_WALLET_ID', 'Unknown wallet id');

/**
 * Locks the transfer's wallets (unless the caller already holds them) and posts its legs as one journal;
 * with a gate (never with `locked`: it must run before the wallets are locked), in the same statement.
 */
export async function postTransfer(tx: Queryable, t: TransferInput, locked?: Map<WalletId, LockedWallet>, gate?: LockGate, tail?: LockTail): Promise<Result<PostedJournal, WalletError>> {
  if (locked && gate) throw new Error('a lock gate runs before the wallets are locked');
  const legs = transferLegs(t);
  if (locked && tail) throw new Error('a lock tail runs in the lock statement');
  const posted = locked ? await postJournal(tx, locked, t, legs) : await lockAndPost(tx, t, legs, gate, tail);
  if (posted.ok) return posted;
  if (posted.error === 'UNKNOWN_WALLET') return err(UNKNOWN_WALLET);
  return err(posted.error === 'GATE_REFUSED' ? GATE_REFUSED : walletError('INSUFFICIENT_BALANCE', 'The wallet balance is too low for this payment'));
}

/** $1..$10 of both posting statements: the journal row. */
const JOURNAL_COLUMNS = 'id, kind, memo, sender_wallet_id, recipient_wallet_id, payment_hash, payment_request, grant_client_id, grant_sats, grant_cents';
const journalParams = (journalId: string, journal: JournalInput): unknown[] => [
  journalId,
  journal.kind,
  journal.memo ?? null,
  journal.senderWalletId,
  journal.recipientWalletId,
  journal.paymentHash ?? null,
  journal.paymentRequest ?? null,
  journal.grantSpend?.clientId ?? null,
  journal.grantSpend?.sats ?? null,
  journal.grantSpend?.cents ?? null,
];

/**
 * lockWallets and postJournal in one round trip (issue 18): the wallets are locked in id order (the lock is
 * taken above the sort), the balances and the overdraft check are computed from the locked rows, and the
 * journal, its entries and the new balances are written only when every user wallet stays at or above zero.
 */
async function lockAndPost(tx: Queryable, journal: JournalInput, legs: readonly Leg[], gate?: LockGate, tail?: LockTail): Promise<Result<PostedJournal, 'INSUFFICIENT_BALANCE' | 'GATE_REFUSED' | 'UNKNOWN_WALLET'>> {
  const sums = new Map<string, number>();
  for (const leg of legs) {
    if (!Number.isSafeInteger(leg.amount) || leg.amount === 0) throw new Error('leg amounts are non-zero integers');
    sums.set(leg.currency, (sums.get(leg.currency) ?? 0) + leg.amount);
  }
  for (const sum of sums.values()) if (sum !== 0) throw new Error('journal legs do not balance');
  const journalId = journal.journalId ?? randomUUID();
  const wallets = [...new Set(legs.map((l) => l.walletId))].sort();
  // The wallets and the legs are parameters of their own, read in IN and VALUES lists, not arrays read with = ANY /
  // unnest: the planner then knows how many rows there are in the generic plan too (issue 18). With arrays it
  // assumed 10, so the prepared statement either seq-scanned wallets (a small table) or was planned anew at every
  // execution (a larger one); and no array is parsed per execution. $1..$10 the journal, then the wallets (id
  // order), then each leg's wallet, currency and amount, then the gate's and the tail's parameters.
  const each = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(', ');
  const [walletsFirst, legsFirst] = [11, 11 + wallets.length];
  const gateFirst = legsFirst + 3 * legs.length;
  const tailFirst = gateFirst + (gate?.params.length ?? 0);
  // Every transfer names each wallet in one leg: its balance after that leg is its final balance, no running sum
  // (window functions, their sort, the DISTINCT before the update: plan nodes each execution sets up and runs).
  const once = wallets.length === legs.length;
  const rows = await tx.query<{ known: boolean; funded: boolean; gate?: unknown; tail?: unknown; id: number | null; wallet_id: WalletId; amount: number; balance_after: number; created_at: Date }>(
    `WITH ${gate ? `${gate.ctes(gateFirst)},` : ''} locked AS MATERIALIZED (
       SELECT id, currency, kind, balance FROM wallets WHERE id IN (${each(wallets.length, (i) => `$${walletsFirst + i}::uuid`)})${gate ? ' AND EXISTS (SELECT 1 FROM gate)' : ''} ORDER BY id FOR UPDATE
     ), legs AS MATERIALIZED (
       SELECT t.w, t.c, t.a, t.o, l.kind, l.currency AS wc, ${
         once ? 'l.balance + t.a AS b, l.balance + t.a AS final' : 'l.balance + sum(t.a) OVER (PARTITION BY t.w ORDER BY t.o) AS b, l.balance + sum(t.a) OVER (PARTITION BY t.w) AS final'
       }
       FROM (VALUES ${each(legs.length, (i) => `($${legsFirst + 3 * i}::uuid, $${legsFirst + 3 * i + 1}::text, $${legsFirst + 3 * i + 2}::bigint, ${i})`)}) AS t(w, c, a, o) JOIN locked l ON l.id = t.w
     ), verdict AS MATERIALIZED (
       SELECT (SELECT count(*) FROM legs WHERE c = wc) = ${legs.length} AS known,
              NOT EXISTS (SELECT 1 FROM legs WHERE kind = 'user' AND final < 0) AS funded
     ), journal AS (
       INSERT INTO ledger_journals (${JOURNAL_COLUMNS})
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM verdict WHERE known AND funded
     ), balances AS (
       UPDATE wallets w SET balance = f.final FROM ${once ? 'legs' : '(SELECT DISTINCT w, final FROM legs)'} f, verdict v WHERE w.id = f.w AND v.known AND v.funded
     ), entries AS (
       INSERT INTO ledger_entries (journal_id, wallet_id, currency, amount, balance_after)
       SELECT $1, l.w, l.c, l.a, l.b FROM legs l, verdict v WHERE v.known AND v.funded ORDER BY l.o
       RETURNING id, wallet_id, amount, balance_after, created_at
     )${tail ? `, ${tail.ctes(tailFirst)}` : ''}
     SELECT v.known, v.funded, ${gate ? '(SELECT row_to_json(g) FROM gate g) AS gate, ' : ''}${tail?.select ? `${tail.select(tailFirst)} AS tail, ` : ''}e.id, e.wallet_id, e.amount, e.balance_after, e.created_at FROM verdict v LEFT JOIN entries e ON true`,
    [
      ...journalParams(journalId, journal),
      ...wallets,
      ...legs.flatMap((l) => [l.walletId, l.currency, l.amount]),
      ...(gate?.params ?? []),
      ...(tail?.params ?? []),
    ],
    { name: `lightgate_wallet_lock_and_post_${legs.length}_${wallets.length}${gate ? `_${gate.name}` : ''}${tail ? `_${tail.name}` : ''}` },
  );
  const [first] = rows;
  if (tail?.select) tail.row = first?.tail ?? null;
  if (gate) {
    gate.row = first?.gate ?? null;
    if (gate.row === null) return err('GATE_REFUSED');
  }
  // A wallet missing from the lock (or of another currency than its leg): nothing was written.
  if (!first?.known) return err('UNKNOWN_WALLET');
  if (!first.funded) return err('INSUFFICIENT_BALANCE');
  // In the entries' order (the statement leaves the few rows unsorted: a sort is one more plan node).
  rows.sort((x, y) => Number(x.id) - Number(y.id));
  return ok({
    journalId,
    entries: rows.map((r) => ({ id: r.id!, walletId: r.wallet_id, amount: r.amount, balanceAfter: r.balance_after, createdAt: new Date(r.created_at) })),
  });
}

/** The user wallets among these that have no ledger entry yet (the development seed funds only those). */
export async function walletsWithoutEntries(db: Queryable, walletIds: readonly WalletId[]): Promise<Set<WalletId>> {
  const rows = await db.query<{ id: WalletId }>(
    'SELECT w.id FROM wallets w WHERE w.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.wallet_id = w.id)',
    [walletIds],
  );
  return new Set(rows.map((r) => r.id));
}
