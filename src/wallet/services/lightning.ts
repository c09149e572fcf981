// The Lightning backend port: how a payment to a foreign invoice would leave the platform.
// No backend is configured by default, so such payments fail with a clear error and move no money.
import type { Result } from '../../shared/result.ts';
import { err } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';

export interface LightningBackend {
  /** Pays a foreign BOLT 11 invoice; the wallet debit is the caller's concern. */
  payInvoice(paymentRequest: string, amountMsats: bigint): Promise<Result<{ preimage: string }, WalletError>>;
  /** The routing fee, in sats, the backend expects to pay for a foreign invoice (the fee probes). */
  probeFee(paymentRequest: string, amountMsats: bigint): Promise<Result<{ feeSats: number }, WalletError>>;
}

const UNAVAILABLE = 'This invoice was not issued by this server and no Lightning backend is configured to pay it';

export const noLightningBackend: LightningBackend = {
  async payInvoice() {
    return err(walletError('LIGHTNING_BACKEND_UNAVAILABLE', UNAVAILABLE));
  },
  async probeFee() {
    return err(walletError('LIGHTNING_BACKEND_UNAVAILABLE', UNAVAILABLE));
  },
};
