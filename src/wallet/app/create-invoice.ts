// lnInvoiceCreate, lnUsdInvoiceCreate, lnNoAmountInvoiceCreate and their OnBehalfOfRecipient forms:
// a real BOLT 11 invoice signed with the node key, its preimage kept to settle it internally.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AccountId, WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { centsCreditedForSats, isValidAmount, satsForCents, type WalletCurrency } from '../domain/money.ts';
import type { Invoice } from '../domain/invoice.ts';
import { findUserWallet } from '../services/accounts.ts';
import { encodeInvoice } from '../services/bolt11.ts';
import { insertInvoice } from '../services/invoices.ts';
import type { WalletDeps } from './deps.ts';

export type InvoiceAmount = { kind: 'sats'; sats: number } | { kind: 'cents'; cents: number } | { kind: 'none' };

export interface CreateInvoiceInput {
  walletId: string;
  /** When set, the wallet must belong to this account; unset for the public OnBehalfOfRecipient mutations. */
  ownerAccountId?: AccountId | undefined;
  /** The wallet currency the mutation requires, if any. */
  requiredCurrency?: WalletCurrency | undefined;
  amount: InvoiceAmount;
  memo?: string | undefined;
  expiresInMinutes?: number | undefined;
  externalId?: string | undefined;
  /** 64 hex characters: the invoice commits to this description hash instead of the memo. */
  descriptionHash?: string | undefined;
  /** Asked once the request is valid and before anything is signed or stored (a per-recipient limit); an error refuses. */
  admit?: ((wallet: { id: WalletId; currency: WalletCurrency }) => Promise<WalletError | undefined>) | undefined;
}

export type { Invoice };

/** Blink's defaults: 24 hours for BTC invoices, 5 minutes for USD ones (their sats follow the price). */
const DEFAULT_EXPIRY_MINUTES: Record<WalletCurrency, number> = { BTC: 24 * 60, USD: 5 };
export const MAX_EXPIRY_MINUTES = 7 * 24 * 60;
/**
 * A USD invoice fixes the exchange rate until it expires: a longer life would be a free option against the
 * dealer (issue 19 #12). Blink caps a longer expiresIn at 5 minutes rather than refusing it; so do we.
 */
export const MAX_USD_EXPIRY_MINUTES = 5;
export const MAX_MEMO_BYTES = 639;

export async function createInvoice(deps: WalletDeps, input: CreateInvoiceInput): Promise<Result<Invoice, WalletError>> {
  if (!isUuid(input.walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  const wallet = await findUserWallet(deps.db, input.walletId);
  if (!wallet || (input.ownerAccountId !== undefined && wallet.accountId !== input.ownerAccountId)) {
    return err(walletError('INVALID_WALLET_ID', input.ownerAccountId ? 'The wallet does not belong to this account' : 'Unknown wallet id'));
  }
  if (input.requiredCurrency && wallet.currency !== input.requiredCurrency) {
    return err(walletError('WRONG_WALLET_CURRENCY', `This operation needs a ${input.requiredCurrency} wallet`));
  }
  const requested = input.expiresInMinutes ?? DEFAULT_EXPIRY_MINUTES[wallet.currency];
  if (!Number.isSafeInteger(requested) || requested < 1 || requested > MAX_EXPIRY_MINUTES) {
    return err(walletError('INVALID_INPUT', `expiresIn must be between 1 and ${MAX_EXPIRY_MINUTES} minutes`));
  }
  const expiresIn = wallet.currency === 'USD' ? Math.min(requested, MAX_USD_EXPIRY_MINUTES) : requested;
  let sats: number | undefined;
  let cents: number | undefined;
  if (input.amount.kind === 'sats') {
    if (!isValidAmount('BTC', input.amount.sats)) return err(walletError('INVALID_AMOUNT', 'The amount must be a positive whole number within limits'));
    sats = input.amount.sats;
    // A USD wallet's invoice denominated in sats (lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient):
    // the cents it credits are fixed now, at the price, rounded down, as for any USD invoice.
    if (wallet.currency === 'USD') {
      cents = centsCreditedForSats(sats, await deps.price.btcUsdCents());
      if (cents <= 0) return err(walletError('AMOUNT_TOO_SMALL', 'The amount is too small to credit a cent'));
    }
  } else if (input.amount.kind === 'cents') {
    if (!isValidAmount('USD', input.amount.cents)) return err(walletError('INVALID_AMOUNT', 'The amount must be a positive whole number within limits'));
    cents = input.amount.cents;
    sats = satsForCents(cents, await deps.price.btcUsdCents());
  }
  const preimage = randomBytes(32);
  const paymentHash = createHash('sha256').update(preimage).digest();
  const paymentSecret = randomBytes(32);
  const now = new Date();
  const timestamp = Math.floor(now.getTime() / 1000);
  const memo = input.memo ?? '';
  // A BOLT 11 field holds at most 1023 five-bit words: 639 bytes of description.
  if (Buffer.byteLength(memo) > MAX_MEMO_BYTES) return err(walletError('INVALID_INPUT', `An invoice memo is at most ${MAX_MEMO_BYTES} bytes`));
  if (input.descriptionHash !== undefined && !/^[0-9a-f]{64}$/i.test(input.descriptionHash)) return err(walletError('INVALID_INPUT', 'descriptionHash must be 64 hex characters'));
  const descriptionHash = input.descriptionHash ? Buffer.from(input.descriptionHash, 'hex') : undefined;
  const refused = input.admit ? await input.admit({ id: wallet.id, currency: wallet.currency }) : undefined;
  if (refused) return err(refused);
  const paymentRequest = encodeInvoice(
    { network: deps.node.network, sats, timestamp, paymentHash, paymentSecret, description: memo, descriptionHash, expirySeconds: expiresIn * 60 },
    deps.node.secretKey,
  );
  const externalId = input.externalId ?? randomUUID();
  const expiresAt = new Date((timestamp + expiresIn * 60) * 1000);
  const createdAt = new Date(timestamp * 1000);
  await insertInvoice(deps.db, {
    paymentHash: paymentHash.toString('hex'),
    paymentRequest,
    walletId: wallet.id,
    sats: sats ?? null,
    cents: cents ?? null,
    preimage: preimage.toString('hex'),
    paymentSecret: paymentSecret.toString('hex'),
    memo: input.memo ?? null,
    externalId,
    expiresAt,
    createdAt,
  });
  return ok({
    paymentHash: paymentHash.toString('hex'),
    paymentRequest,
    paymentSecret: paymentSecret.toString('hex'),
    sats: sats ?? null,
    walletId: wallet.id,
    externalId,
    createdAt,
    expiresAt,
    status: 'PENDING',
  });
}
