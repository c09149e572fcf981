// The LNURL-pay service of this instance's users (LUD-06, LUD-16: GET /.well-known/lnurlp/<username>): the pay
// request, then an invoice on the user's default wallet for the amount asked, committing to the metadata's
// SHA-256 (a USD default wallet gets a sats-denominated USD invoice, its cents fixed when issued).
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { LNURLP_PATH, MAX_SENDABLE_MSATS, metadataHash, MIN_SENDABLE_MSATS, payMetadata } from '../domain/lnurl.ts';
import type { Invoice } from '../domain/invoice.ts';
import { findAccountByUsername } from '../services/accounts.ts';
import { createInvoice, type CreateInvoiceInput } from './create-invoice.ts';
import type { WalletDeps } from './deps.ts';

export interface PayRequest {
  tag: 'payRequest';
  callback: string;
  minSendable: number;
  maxSendable: number;
  metadata: string;
}

const UNKNOWN = walletError('RECIPIENT_NOT_FOUND', 'No user with this name here');

export async function lnurlPayRequest(deps: Pick<WalletDeps, 'db' | 'lnurl'>, username: string): Promise<Result<PayRequest, WalletError>> {
  const account = await findAccountByUsername(deps.db, username);
  if (!account?.username) return err(UNKNOWN);
  return ok({
    tag: 'payRequest',
    callback: new URL(`${LNURLP_PATH}${encodeURIComponent(account.username)}`, deps.lnurl.apiUrl).href,
    minSendable: MIN_SENDABLE_MSATS,
    maxSendable: MAX_SENDABLE_MSATS,
    metadata: payMetadata(account.username, deps.lnurl.domain),
  });
}

/** The invoice for `amount` millisatoshis (a whole number of sats within the pay request's bounds). */
export async function lnurlInvoice(deps: WalletDeps, input: { username: string; amountMsats: string; admit?: CreateInvoiceInput['admit'] }): Promise<Result<Invoice, WalletError>> {
  if (!/^\d{1,18}$/.test(input.amountMsats)) return err(walletError('INVALID_AMOUNT', 'amount must be a whole number of millisatoshis'));
  const msats = Number(input.amountMsats);
  if (msats < MIN_SENDABLE_MSATS || msats > MAX_SENDABLE_MSATS) return err(walletError('INVALID_AMOUNT', `amount must be between ${MIN_SENDABLE_MSATS} and ${MAX_SENDABLE_MSATS} millisatoshis`));
  if (msats % 1000 !== 0) return err(walletError('INVALID_AMOUNT', 'amount must be a whole number of satoshis (a multiple of 1000 millisatoshis)'));
  const account = await findAccountByUsername(deps.db, input.username);
  if (!account?.username) return err(UNKNOWN);
  return createInvoice(deps, {
    walletId: account.defaultWalletId,
    amount: { kind: 'sats', sats: msats / 1000 },
    descriptionHash: metadataHash(payMetadata(account.username, deps.lnurl.domain)),
    admit: input.admit,
  });
}
