// The payment_idempotency table: an Idempotency-Key names one payment of one account.
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { LockGate } from './ledger.ts';

export interface Idempotency {
  accountId: AccountId;
  key: string;
  /** What the key was used for: a repeat with other parameters is refused. */
  fingerprint: string;
}

export const fingerprint = (parts: unknown): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/** The journal of an earlier send with this key, or an error when the key was used for a different request. */
export async function findIdempotent(tx: Queryable, idem: Idempotency): Promise<Result<string | undefined, WalletError>> {
  const [row] = await tx.query<{ journal_id: string; fingerprint: string }>(
    'SELECT journal_id, fingerprint FROM payment_idempotency WHERE account_id = $1 AND key = $2',
    [idem.accountId, idem.key],
  );
  return earlierPayment(row, idem);
}

/** The earlier send's journal from its payment_idempotency row (also read by the budget charge's statement). */
export function earlierPayment(row: { journal_id: string; fingerprint: string } | undefined, idem: Idempotency): Result<string | undefined, WalletError> {
  if (!row) return ok(undefined);
  if (row.fingerprint !== idem.fingerprint) return err(walletError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different payment'));
  return ok(row.journal_id);
}

/**
 * The key's lookup as the first step of the posting's lock statement (issue 18, postTransfer's LockGate): the
 * wallets are locked and the journal written only when the key is unknown; a known key refuses (gate.row null,
 * nothing locked or written) and the caller reads the earlier payment with findIdempotent. It locks nothing,
 * so a concurrent first use of the key is caught, as without the gate, by the key's record (recordIdempotent).
 */
export function keyGate(idem: Idempotency): LockGate {
  return {
    ctes: (first) =>
      `gate AS (SELECT true AS fresh WHERE NOT EXISTS (SELECT 1 FROM payment_idempotency WHERE account_id = $${first}::uuid AND key = $${first + 1}::text))`,
    params: [idem.accountId, idem.key],
    name: 'idempotency_key',
  };
}

/** Records the key; false when a concurrent send with the same key committed first (the caller retries). */
export async function recordIdempotent(tx: Queryable, idem: Idempotency, journalId: string): Promise<boolean> {
  const rows = await tx.query(
    'INSERT INTO payment_idempotency (account_id, key, fingerprint, journal_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING key',
    [idem.accountId, idem.key, idem.fingerprint, journalId],
  );
  return rows.length === 1;
}
