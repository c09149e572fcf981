// intraLedgerPaymentSend / intraLedgerUsdPaymentSend: a payment between two wallets of this ledger.
import type { AccountId, WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { isValidAmount, type WalletCurrency } from '../domain/money.ts';
import { findUserWallets } from '../services/accounts.ts';
import { inTransaction } from '../services/in-transaction.ts';
import type { WalletDeps } from './deps.ts';
import { recordPayment } from '../../observability/metrics.ts';
import { findIdempotent, fingerprint, IDEMPOTENCY_RACE, postTransfer, recordIdempotent } from './transfer.ts';

export interface IntraLedgerSend {
  accountId: AccountId;
  walletId: string;
  recipientWalletId: string;
  /** In the sender wallet's currency (sats for BTC, cents for USD). */
  amount: number;
  currency: WalletCurrency;
  memo?: string | undefined;
  idempotencyKey?: string | undefined;
}

export interface PaymentOutcome {
  status: 'SUCCESS' | 'ALREADY_PAID';
  journalId: string;
  walletId: WalletId;
}

/** Converts an amount received in another currency: rounded down, in the platform's favour. */
export function creditFor(debit: number, from: WalletCurrency, to: WalletCurrency, priceCents: number): number {
  if (from === to) return debit;
  return from === 'BTC' ? Number((BigInt(debit) * BigInt(priceCents)) / 100_000_000n) : Number((BigInt(debit) * 100_000_000n) / BigInt(priceCents));
}

export async function sendIntraLedger(deps: WalletDeps, input: IntraLedgerSend): Promise<Result<PaymentOutcome, WalletError>> {
  const result = await send(deps, input);
  recordPayment('intraledger', result.ok ? 'success' : result.error.code);
  return result;
}

async function send(deps: WalletDeps, input: IntraLedgerSend): Promise<Result<PaymentOutcome, WalletError>> {
  if (!isValidAmount(input.currency, input.amount)) return err(walletError('INVALID_AMOUNT', 'The amount must be a positive whole number within limits'));
  if (!isUuid(input.walletId) || !isUuid(input.recipientWalletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  // Both wallets in one round trip; the checks keep their order.
  const wallets = await findUserWallets(deps.db, [input.walletId, input.recipientWalletId]);
  const sender = wallets.get(input.walletId);
  if (!sender || sender.accountId !== input.accountId) return err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
  if (sender.currency !== input.currency) return err(walletError('WRONG_WALLET_CURRENCY', `This operation needs a ${input.currency} wallet`));
  const recipient = wallets.get(input.recipientWalletId);
  if (!recipient) return err(walletError('RECIPIENT_NOT_FOUND', 'The recipient wallet does not exist'));
  if (recipient.id === sender.id) return err(walletError('SELF_PAYMENT', 'A wallet cannot pay itself'));
  const price = await deps.price.btcUsdCents();
  const credit = creditFor(input.amount, sender.currency, recipient.currency, price);
  if (credit <= 0) return err(walletError('AMOUNT_TOO_SMALL', 'The amount is too small to convert'));
  const idem = input.idempotencyKey
    ? { accountId: input.accountId, key: input.idempotencyKey, fingerprint: fingerprint(['intraledger', sender.id, recipient.id, input.amount, input.currency, input.memo ?? null]) }
    : undefined;
  for (let attempt = 0; ; attempt++) {
    const result = await inTransaction<PaymentOutcome, WalletError>(deps.db, async (tx) => {
      if (idem) {
        const earlier = await findIdempotent(tx, idem);
        if (!earlier.ok) return earlier;
        if (earlier.value) return ok({ status: 'SUCCESS', journalId: earlier.value, walletId: sender.id });
      }
      const posted = await postTransfer(tx, {
        kind: 'intraledger',
        senderWalletId: sender.id,
        senderCurrency: sender.currency,
        recipientWalletId: recipient.id,
        recipientCurrency: recipient.currency,
        debit: input.amount,
        credit,
        memo: input.memo,
      });
      if (!posted.ok) return posted;
      if (idem && !(await recordIdempotent(tx, idem, posted.value))) return err(IDEMPOTENCY_RACE);
      return ok({ status: 'SUCCESS', journalId: posted.value, walletId: sender.id });
    });
    if (!result.ok && result.error === IDEMPOTENCY_RACE && attempt < 3) continue;
    return result;
  }
}
