// An invoice as the wallet API shows it. Blink has no CANCELLED status: a cancelled or lapsed invoice is EXPIRED.
import type { WalletId } from '../../shared/brand.ts';

export type StoredInvoiceStatus = 'PENDING' | 'PAID' | 'CANCELLED';
export type InvoiceStatusValue = 'PENDING' | 'PAID' | 'EXPIRED';

export interface Invoice {
  paymentHash: string;
  paymentRequest: string;
  paymentSecret: string;
  sats: number | null;
  walletId: WalletId;
  externalId: string;
  createdAt: Date;
  expiresAt: Date;
  status: InvoiceStatusValue;
}

export interface InvoiceStatus {
  paymentHash: string;
  paymentRequest: string;
  status: InvoiceStatusValue;
  /** Revealed only once paid, as on Lightning. */
  paymentPreimage: string | null;
}

export function visibleStatus(stored: StoredInvoiceStatus, expiresAt: Date, now = new Date()): InvoiceStatusValue {
  if (stored === 'PAID') return 'PAID';
  if (stored === 'CANCELLED' || expiresAt <= now) return 'EXPIRED';
  return 'PENDING';
}
