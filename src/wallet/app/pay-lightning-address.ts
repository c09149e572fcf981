// lnAddressPaymentSend and lnurlPaymentSend: pay a Lightning address (username@domain) or an LNURL-pay. A user
// of this instance is paid as a wallet paying their LNURL would: an invoice on their default wallet (the one
// /.well-known/lnurlp/<username> issues), settled in the ledger through the one send path (payInvoice →
// executeSend). A foreign address would need the Lightning backend to reach it: none is configured, so it
// is refused with a clear error and nothing is fetched from the other domain.
import type { AccountId } from '../../shared/brand.ts';
import { err, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { readLightningAddress, readLnurl } from '../domain/lnurl.ts';
import { isValidAmount } from '../domain/money.ts';
import { findAccountByUsername, findUserWallet } from '../services/accounts.ts';
import type { WalletDeps } from './deps.ts';
import type { PaymentOutcome } from './execute-send.ts';
import { lnurlInvoice } from './lnurl-pay.ts';
import { payInvoice } from './pay-invoice.ts';
import type { SendGrant } from './charge-budget.ts';

export interface LightningAddressSend {
  accountId: AccountId;
  walletId: string;
  /** Sats, whatever the sending wallet's currency (as in Blink). */
  amount: number;
  to: { lnAddress: string } | { lnurl: string };
  idempotencyKey?: string | undefined;
  /** The OAuth grant the send is made under (issue 15): its budget is charged; absent for API keys and sessions. */
  grant?: SendGrant | undefined;
}

export async function payLightningAddress(deps: WalletDeps, input: LightningAddressSend): Promise<Result<PaymentOutcome, WalletError>> {
  if (!isValidAmount('BTC', input.amount)) return err(walletError('INVALID_AMOUNT', 'The amount must be a positive whole number of sats within limits'));
  // The sender first: no invoice is issued for a wallet the caller does not own.
  const sender = isUuid(input.walletId) ? await findUserWallet(deps.db, input.walletId) : undefined;
  if (!sender || sender.accountId !== input.accountId) return err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
  const target = 'lnAddress' in input.to ? readLightningAddress(input.to.lnAddress, deps.lnurl.domain) : readLnurl(input.to.lnurl, deps.lnurl.apiUrl);
  if (target.kind === 'invalid') return err(walletError('INVALID_INPUT', target.reason));
  if (target.kind === 'foreign') {
    return err(walletError('LIGHTNING_BACKEND_UNAVAILABLE', `${target.host} is another domain: paying it needs a Lightning backend, and none is configured`));
  }
  const recipient = await findAccountByUsername(deps.db, target.username);
  if (!recipient) return err(walletError('RECIPIENT_NOT_FOUND', 'No user with this name here'));
  // Refused before an invoice is issued for it (paying one's own default wallet; another own wallet converts).
  if (recipient.defaultWalletId === sender.id) return err(walletError('SELF_PAYMENT', 'A wallet cannot pay its own Lightning address'));
  const invoice = await lnurlInvoice(deps, { username: target.username, amountMsats: String(input.amount * 1000) });
  if (!invoice.ok) return invoice;
  return payInvoice(deps, {
    accountId: input.accountId,
    walletId: input.walletId,
    paymentRequest: invoice.value.paymentRequest,
    idempotencyKey: input.idempotencyKey,
    grant: input.grant,
    // A retried request issues a new invoice: the attempt is named by whom and how much, not by that invoice.
    fingerprint: ['lnaddress', sender.id, target.username.toLowerCase(), input.amount],
  });
}
