// The shared core of every send: lock, check, post the journal (with conversion through the dealer
// wallets when currencies differ) and record the idempotency key, all in the caller's transaction.
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { AccountId, WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { DEALER_WALLETS } from '../domain/ids.ts';
import type { WalletCurrency } from '../domain/money.ts';
import { lockWallets, postJournal, type JournalKind, type Leg, type LockedWallet } from '../services/ledger.ts';

export interface TransferInput {
  kind: JournalKind;
  senderWalletId: WalletId;
  senderCurrency: WalletCurrency;
  recipientWalletId: WalletId;
  recipientCurrency: WalletCurrency;
  debit: number;
  credit: number;
  memo?: string | undefined;
  paymentHash?: string | undefined;
  paymentRequest?: string | undefined;
}

export function transferLegs(t: TransferInput): Leg[] {
  if (t.senderCurrency === t.recipientCurrency) {
    if (t.debit !== t.credit) throw new Error('same-currency transfer must debit what it credits');
    return [
      { walletId: t.senderWalletId, currency: t.senderCurrency, amount: -t.debit },
      { walletId: t.recipientWalletId, currency: t.recipientCurrency, amount: t.credit },
    ];
  }
  return [
    { walletId: t.senderWalletId, currency: t.senderCurrency, amount: -t.debit },
    { walletId: DEALER_WALLETS[t.senderCurrency], currency: t.senderCurrency, amount: t.debit },
    { walletId: DEALER_WALLETS[t.recipientCurrency], currency: t.recipientCurrency, amount: -t.credit },
    { walletId: t.recipientWalletId, currency: t.recipientCurrency, amount: t.credit },
  ];
}

export async function postTransfer(tx: Queryable, t: TransferInput, extraLocks: Map<WalletId, LockedWallet> | undefined = undefined): Promise<Result<string, WalletError>> {
  const legs = transferLegs(t);
  const locked = extraLocks ?? (await lockWallets(tx, legs.map((l) => l.walletId)));
  const posted = await postJournal(tx, locked, t, legs);
  if (!posted.ok) return err(walletError('INSUFFICIENT_BALANCE', 'The wallet balance is too low for this payment'));
  return ok(posted.value.journalId);
}

export interface Idempotency {
  accountId: AccountId;
  key: string;
  fingerprint: string;
}

export const fingerprint = (parts: unknown): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** The journal of an earlier send with this key, or an error when the key was used for a different request. */
export async function findIdempotent(tx: Queryable, idem: Idempotency): Promise<Result<string | undefined, WalletError>> {
  const [row] = await tx.query<{ journal_id: string; fingerprint: string }>(
    'SELECT journal_id, fingerprint FROM payment_idempotency WHERE account_id = $1 AND key = $2',
    [idem.accountId, idem.key],
  );
  if (!row) return ok(undefined);
  if (row.fingerprint !== idem.fingerprint) return err(walletError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different payment'));
  return ok(row.journal_id);
}

/** Records the key; false when a concurrent send with the same key committed first (the caller retries). */
export async function recordIdempotent(tx: Queryable, idem: Idempotency, journalId: string): Promise<boolean> {
  const rows = await tx.query(
    'INSERT INTO payment_idempotency (account_id, key, fingerprint, journal_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key',
    [idem.accountId, idem.key, idem.fingerprint, journalId],
  );
  return rows.length === 1;
}

export const IDEMPOTENCY_RACE = walletError('INVALID_INPUT', 'idempotency race');
