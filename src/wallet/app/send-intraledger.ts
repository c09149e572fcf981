// intraLedgerPaymentSend / intraLedgerUsdPaymentSend: a payment between two wallets of this ledger.
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { creditFor, isValidAmount, type WalletCurrency } from '../domain/money.ts';
import { sentTransaction } from '../domain/transaction.ts';
import { transferEvents } from '../domain/wallet-event.ts';
import type { TransferInput } from '../domain/transfer.ts';
import { forgetWallets, knownUserWallets } from '../services/known-wallets.ts';
import { fingerprint } from '../services/idempotency.ts';
import { postTransfer, UNKNOWN_WALLET } from '../services/ledger.ts';
import { placeholderEntries } from '../services/send-outcome.ts';
import type { WalletDeps } from './deps.ts';
import { recordPayment } from '../../observability/metrics.ts';
import { executeSend, type PaymentOutcome } from './execute-send.ts';
import { checkSendLimit } from './account-limits.ts';
import { sendKind } from '../domain/limits.ts';
import type { SendGrant } from './charge-budget.ts';

export type { PaymentOutcome };

export interface IntraLedgerSend {
  accountId: AccountId;
  walletId: string;
  recipientWalletId: string;
  /** In the sender wallet's currency (sats for BTC, cents for USD). */
  amount: number;
  currency: WalletCurrency;
  memo?: string | undefined;
  idempotencyKey?: string | undefined;
  /** The OAuth grant the send is made under (issue 15): its budget is charged; absent for API keys and sessions. */
  grant?: SendGrant | undefined;
}

export { creditFor };

export async function sendIntraLedger(deps: WalletDeps, input: IntraLedgerSend): Promise<Result<PaymentOutcome, WalletError>> {
  let result = await send(deps, input);
  if (!result.ok && result.error === UNKNOWN_WALLET) {
    // A remembered wallet the posting's lock did not find (deleted since; nothing was written): read again.
    forgetWallets(deps.db, [input.walletId, input.recipientWalletId]);
    result = await send(deps, input);
  }
  recordPayment('intraledger', result.ok ? 'success' : result.error.code);
  return result;
}

async function send(deps: WalletDeps, input: IntraLedgerSend): Promise<Result<PaymentOutcome, WalletError>> {
  if (!isValidAmount(input.currency, input.amount)) return err(walletError('INVALID_AMOUNT', 'The amount must be a positive whole number within limits'));
  if (!isUuid(input.walletId) || !isUuid(input.recipientWalletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  // Both wallets in one round trip, none for wallets this process remembers (issue 18); the checks keep their order.
  const { wallets } = await knownUserWallets(deps.db, [input.walletId, input.recipientWalletId]);
  const sender = wallets.get(input.walletId);
  if (!sender || sender.accountId !== input.accountId) return err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
  if (sender.currency !== input.currency) return err(walletError('WRONG_WALLET_CURRENCY', `This operation needs a ${input.currency} wallet`));
  const recipient = wallets.get(input.recipientWalletId);
  if (!recipient) return err(walletError('RECIPIENT_NOT_FOUND', 'The recipient wallet does not exist'));
  if (recipient.id === sender.id) return err(walletError('SELF_PAYMENT', 'A wallet cannot pay itself'));
  const price = await deps.price.btcUsdCents();
  const credit = creditFor(input.amount, sender.currency, recipient.currency, price);
  if (credit <= 0) return err(walletError('AMOUNT_TOO_SMALL', 'The amount is too small to convert'));
  const transfer: TransferInput = {
    kind: 'intraledger',
    senderWalletId: sender.id,
    senderCurrency: sender.currency,
    recipientWalletId: recipient.id,
    recipientCurrency: recipient.currency,
    debit: input.amount,
    credit,
    memo: input.memo,
  };
  const kind = sendKind(sender.accountId, recipient.accountId);
  return executeSend(deps, {
    walletId: sender.id,
    priceCents: price,
    idempotency: input.idempotencyKey
      ? { accountId: input.accountId, key: input.idempotencyKey, fingerprint: fingerprint(['intraledger', sender.id, recipient.id, input.amount, input.currency, input.memo ?? null]) }
      : undefined,
    budget: input.grant && { ...input.grant, accountId: input.accountId, amount: input.amount, currency: sender.currency },
    // Without a daily limit nothing is locked before the posting: a budget charge can run in its statement.
    gates: deps.limits[kind] <= 0,
    stores: true,
    async post(tx, journal, gate, store) {
      const limited = await checkSendLimit(tx, deps, { accountId: input.accountId, kind, amount: input.amount, currency: sender.currency, priceCents: price });
      if (limited) return err(limited);
      // As one statement (issue 18): the events, built from stand-ins for the entries, stored by the posting's statement.
      const tail = store?.(transferEvents(transfer, { journalId: journal.journalId, entries: placeholderEntries([sender.id, recipient.id]) }, sender, recipient), recipient.accountId);
      const posted = await postTransfer(tx, { ...transfer, ...journal }, undefined, gate, tail);
      if (!posted.ok) return posted;
      // A recipient remembered without a username may have one now: as the one statement read it, or else the
      // payload reads the transaction if asked.
      const username = recipient.username !== undefined ? recipient.username : (tail?.row as string | null | undefined);
      return ok({
        posted: true,
        journalId: posted.value.journalId,
        transaction: username === undefined ? undefined : sentTransaction(transfer, posted.value, { username }, null),
        events: transferEvents(transfer, posted.value, sender, recipient),
      });
    },
  });
}
