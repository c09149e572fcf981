// lnInvoiceFeeProbe, lnNoAmountInvoiceFeeProbe, lnUsdInvoiceFeeProbe, lnNoAmountUsdInvoiceFeeProbe: what paying
// the invoice from this wallet would cost in fees. An invoice issued here settles in the ledger for nothing;
// a foreign one costs what the Lightning backend port answers (none is configured by default: a clear error).
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { centsForSats, satsForCents } from '../domain/money.ts';
import type { WalletDeps } from './deps.ts';
import { payableInvoice, type PayableInput } from './payable-invoice.ts';

/** The fee in the sending wallet's unit (sats for BTC, cents for USD, rounded up). */
export async function feeProbe(deps: WalletDeps, input: PayableInput): Promise<Result<number, WalletError>> {
  const payable = await payableInvoice(deps, input);
  if (!payable.ok) return payable;
  const { sender, request, decoded, known } = payable.value;
  if (known) {
    if (known.walletId === sender.id) return err(walletError('SELF_PAYMENT', 'A wallet cannot pay its own invoice'));
    return ok(0);
  }
  // A no-amount invoice is probed for the amount given in the sender's unit; the backend works in sats.
  const price = sender.currency === 'USD' ? await deps.price.btcUsdCents() : undefined;
  const sats = decoded.msats !== undefined ? decoded.msats / 1000n : BigInt(price === undefined ? input.amount! : satsForCents(input.amount!, price));
  const fee = await deps.lightning.probeFee(request, sats * 1000n);
  if (!fee.ok) return fee;
  return ok(price === undefined ? fee.value.feeSats : centsForSats(fee.value.feeSats, price));
}
