// The ln_invoices table: invoices issued here, their preimages (to settle them inside the ledger) and status.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { visibleStatus, type Invoice, type StoredInvoiceStatus } from '../domain/invoice.ts';

export interface StoredInvoice {
  paymentHash: string;
  paymentRequest: string;
  walletId: WalletId;
  sats: number | null;
  cents: number | null;
  preimage: string;
  paymentSecret: string;
  memo: string | null;
  externalId: string;
  status: StoredInvoiceStatus;
  expiresAt: Date;
  createdAt: Date;
  journalId: string | null;
}

interface Row {
  payment_hash: string;
  payment_request: string;
  wallet_id: WalletId;
  sats: number | null;
  cents: number | null;
  preimage: string;
  payment_secret: string;
  memo: string | null;
  external_id: string;
  status: StoredInvoiceStatus;
  expires_at: Date;
  created_at: Date;
  journal_id: string | null;
}

const COLUMNS = 'payment_hash, payment_request, wallet_id, sats, cents, preimage, payment_secret, memo, external_id, status, expires_at, created_at, journal_id';

const toStored = (r: Row): StoredInvoice => ({
  paymentHash: r.payment_hash,
  paymentRequest: r.payment_request,
  walletId: r.wallet_id,
  sats: r.sats,
  cents: r.cents,
  preimage: r.preimage,
  paymentSecret: r.payment_secret,
  memo: r.memo,
  externalId: r.external_id,
  status: r.status,
  expiresAt: new Date(r.expires_at),
  createdAt: new Date(r.created_at),
  journalId: r.journal_id,
});

export const toInvoice = (s: StoredInvoice): Invoice => ({
  paymentHash: s.paymentHash,
  paymentRequest: s.paymentRequest,
  paymentSecret: s.paymentSecret,
  sats: s.sats,
  walletId: s.walletId,
  externalId: s.externalId,
  createdAt: s.createdAt,
  expiresAt: s.expiresAt,
  status: visibleStatus(s.status, s.expiresAt),
});

async function one(db: Queryable, where: string, params: unknown[]): Promise<StoredInvoice | undefined> {
  const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM ln_invoices WHERE ${where}`, params);
  return row && toStored(row);
}

export const findInvoiceByHash = (db: Queryable, paymentHash: string) => one(db, 'payment_hash = $1', [paymentHash.toLowerCase()]);
export const findInvoiceByRequest = (db: Queryable, paymentRequest: string) => one(db, 'payment_request = $1', [paymentRequest.toLowerCase()]);
export const findWalletInvoice = (db: Queryable, walletId: WalletId, paymentHash: string) =>
  one(db, 'payment_hash = $1 AND wallet_id = $2', [paymentHash.toLowerCase(), walletId]);
/** An invoice issued here, matched on both hash and request (a foreign invoice reusing a hash is not ours). */
export const findIssuedInvoice = (db: Queryable, paymentHash: string, paymentRequest: string) =>
  one(db, 'payment_hash = $1 AND payment_request = $2', [paymentHash, paymentRequest]);
/** The invoice row locked for settling (always before the wallets, in that order). */
export const lockInvoice = (tx: Queryable, paymentHash: string) => one(tx, 'payment_hash = $1 FOR UPDATE', [paymentHash]);

export async function insertInvoice(db: Queryable, i: Omit<StoredInvoice, 'status' | 'journalId'>): Promise<void> {
  await db.query(
    `INSERT INTO ln_invoices (payment_hash, payment_request, wallet_id, sats, cents, preimage, payment_secret, memo, external_id, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [i.paymentHash, i.paymentRequest, i.walletId, i.sats, i.cents, i.preimage, i.paymentSecret, i.memo, i.externalId, i.expiresAt, i.createdAt],
  );
}

export async function markInvoicePaid(tx: Queryable, paymentHash: string, journalId: string): Promise<void> {
  await tx.query("UPDATE ln_invoices SET status = 'PAID', paid_at = now(), journal_id = $2 WHERE payment_hash = $1", [paymentHash, journalId]);
}

/** Cancels a pending invoice of the wallet; false when there is none pending. */
export async function cancelPendingInvoice(db: Queryable, walletId: WalletId, paymentHash: string): Promise<boolean> {
  const rows = await db.query(
    "UPDATE ln_invoices SET status = 'CANCELLED' WHERE payment_hash = $1 AND wallet_id = $2 AND status = 'PENDING' RETURNING status",
    [paymentHash.toLowerCase(), walletId],
  );
  return rows.length === 1;
}

/** Invoices of some wallets, newest first, after the invoice `afterHash` when given; `limit` rows at most. */
export async function invoicesOfWallets(db: Queryable, walletIds: readonly WalletId[], afterHash: string | null, limit: number): Promise<StoredInvoice[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM ln_invoices
     WHERE wallet_id = ANY($1::uuid[])
       AND ($2::text IS NULL OR (created_at, payment_hash) < (SELECT created_at, payment_hash FROM ln_invoices WHERE payment_hash = $2 AND wallet_id = ANY($1::uuid[])))
     ORDER BY created_at DESC, payment_hash DESC LIMIT $3`,
    [walletIds, afterHash, limit],
  );
  return rows.map(toStored);
}
