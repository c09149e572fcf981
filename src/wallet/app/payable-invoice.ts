// The checks every payment or fee probe of a BOLT 11 invoice starts with: the sending wallet is the caller's
// (and of the currency the operation requires), the invoice decodes, is for this network, and its amount
// agrees with the operation (an amount for no-amount invoices only). Then: is it one issued here?
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { isValidAmount, type WalletCurrency } from '../domain/money.ts';
import { findUserWallet } from '../services/accounts.ts';
import { decodeInvoice, type DecodedInvoice } from '../services/bolt11.ts';
import { findIssuedInvoice, type StoredInvoice } from '../services/invoices.ts';
import type { WalletDeps } from './deps.ts';

export interface PayableInput {
  accountId: AccountId;
  walletId: string;
  paymentRequest: string;
  /** For no-amount invoices only, in the sending wallet's currency. */
  amount?: number | undefined;
  requiredCurrency?: WalletCurrency | undefined;
}

export interface Payable {
  sender: NonNullable<Awaited<ReturnType<typeof findUserWallet>>>;
  /** The payment request, trimmed and lower-cased. */
  request: string;
  decoded: DecodedInvoice;
  /** The invoice when it was issued here (settled in the ledger), else undefined (a foreign invoice). */
  known: StoredInvoice | undefined;
}

const NETWORK_PREFIX: Record<string, string> = { mainnet: 'bc', testnet: 'tb', signet: 'tbs', regtest: 'bcrt' };

export async function payableInvoice(deps: WalletDeps, input: PayableInput): Promise<Result<Payable, WalletError>> {
  if (!isUuid(input.walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  const sender = await findUserWallet(deps.db, input.walletId);
  if (!sender || sender.accountId !== input.accountId) return err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
  if (input.requiredCurrency && sender.currency !== input.requiredCurrency) {
    return err(walletError('WRONG_WALLET_CURRENCY', `This operation needs a ${input.requiredCurrency} wallet`));
  }
  const request = input.paymentRequest.trim().toLowerCase();
  const decoded = decodeInvoice(request);
  if (!decoded) return err(walletError('INVALID_PAYMENT_REQUEST', 'The payment request is not a valid BOLT 11 invoice'));
  if (decoded.network !== NETWORK_PREFIX[deps.node.network]) {
    return err(walletError('INVALID_PAYMENT_REQUEST', `The invoice is for another network (this server uses ${deps.node.network})`));
  }
  const noAmount = decoded.msats === undefined;
  if (noAmount && input.amount === undefined) return err(walletError('INVALID_PAYMENT_REQUEST', 'The invoice has no amount: use lnNoAmountInvoicePaymentSend'));
  if (!noAmount && input.amount !== undefined) return err(walletError('INVOICE_AMOUNT_MISMATCH', 'The invoice has an amount: use lnInvoicePaymentSend'));
  if (input.amount !== undefined && !isValidAmount(sender.currency, input.amount)) {
    return err(walletError('INVALID_AMOUNT', 'The amount must be a positive whole number within limits'));
  }
  if (decoded.msats !== undefined && (decoded.msats % 1000n !== 0n || decoded.msats <= 0n)) {
    return err(walletError('INVALID_PAYMENT_REQUEST', 'Invoices for fractions of a satoshi are not supported'));
  }
  return ok({ sender, request, decoded, known: await findIssuedInvoice(deps.db, decoded.paymentHash, request) });
}
