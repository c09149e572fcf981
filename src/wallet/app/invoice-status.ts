// lnInvoicePaymentStatus (public): the status of an invoice issued here, by hash or payment request.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import type { Invoice } from './create-invoice.ts';

export interface InvoiceRow {
  payment_hash: string;
  payment_request: string;
  wallet_id: WalletId;
  sats: number | null;
  cents: number | null;
  preimage: string;
  payment_secret: string;
  memo: string | null;
  external_id: string;
  status: 'PENDING' | 'PAID' | 'CANCELLED';
  expires_at: Date;
  created_at: Date;
}

export const INVOICE_COLUMNS = 'payment_hash, payment_request, wallet_id, sats, cents, preimage, payment_secret, memo, external_id, status, expires_at, created_at';

/** Blink has no CANCELLED status: a cancelled or lapsed invoice is EXPIRED. */
export function visibleStatus(row: Pick<InvoiceRow, 'status' | 'expires_at'>, now = new Date()): Invoice['status'] {
  if (row.status === 'PAID') return 'PAID';
  if (row.status === 'CANCELLED' || new Date(row.expires_at) <= now) return 'EXPIRED';
  return 'PENDING';
}

export function toInvoice(row: InvoiceRow): Invoice {
  return {
    paymentHash: row.payment_hash,
    paymentRequest: row.payment_request,
    paymentSecret: row.payment_secret,
    sats: row.sats,
    walletId: row.wallet_id,
    externalId: row.external_id,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    status: visibleStatus(row),
  };
}

export interface InvoiceStatus {
  paymentHash: string;
  paymentRequest: string;
  status: Invoice['status'];
  /** Revealed only once paid, as on Lightning. */
  paymentPreimage: string | null;
}

export async function invoiceStatus(db: Queryable, by: { paymentHash?: string; paymentRequest?: string }): Promise<Result<InvoiceStatus, WalletError>> {
  const [row] = by.paymentHash
    ? await db.query<InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM ln_invoices WHERE payment_hash = $1`, [by.paymentHash.toLowerCase()])
    : await db.query<InvoiceRow>(`SELECT ${INVOICE_COLUMNS} FROM ln_invoices WHERE payment_request = $1`, [(by.paymentRequest ?? '').toLowerCase()]);
  if (!row) return err(walletError('INVOICE_NOT_FOUND', 'No invoice with this payment hash or request was issued here'));
  const status = visibleStatus(row);
  return ok({ paymentHash: row.payment_hash, paymentRequest: row.payment_request, status, paymentPreimage: status === 'PAID' ? row.preimage : null });
}
