// lnInvoicePaymentStatus (public): the status of an invoice issued here, by hash or payment request.
import type { Queryable } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { visibleStatus, type Invoice, type InvoiceStatus } from '../domain/invoice.ts';
import { findInvoiceByHash, findInvoiceByRequest, findWalletInvoice, toInvoice } from '../services/invoices.ts';

export type { InvoiceStatus };

export async function invoiceStatus(db: Queryable, by: { paymentHash?: string; paymentRequest?: string }): Promise<Result<InvoiceStatus, WalletError>> {
  const found = by.paymentHash ? await findInvoiceByHash(db, by.paymentHash) : await findInvoiceByRequest(db, by.paymentRequest ?? '');
  if (!found) return err(walletError('INVOICE_NOT_FOUND', 'No invoice with this payment hash or request was issued here'));
  const status = visibleStatus(found.status, found.expiresAt);
  return ok({ paymentHash: found.paymentHash, paymentRequest: found.paymentRequest, status, paymentPreimage: status === 'PAID' ? found.preimage : null });
}

/** invoiceByPaymentHash: an invoice of a wallet the caller already owns. */
export async function walletInvoice(db: Queryable, walletId: WalletId, paymentHash: string): Promise<Result<Invoice, WalletError>> {
  const found = await findWalletInvoice(db, walletId, paymentHash);
  return found ? ok(toInvoice(found)) : err(walletError('INVOICE_NOT_FOUND', 'No such invoice in this wallet'));
}
