// Admin funding: credits a user wallet from the platform's funding wallet of the same currency,
// posted as a journal like any payment. Exposed on the admin port and as `lightgate wallet fund`.
import type { Database } from '../../db/database.ts';
import type { WalletId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { FUNDING_WALLETS, isUuid } from '../domain/ids.ts';
import { isValidAmount, type WalletCurrency } from '../domain/money.ts';
import { findUserWallet } from '../services/accounts.ts';
import { inTransaction } from '../services/in-transaction.ts';
import { recordFunding, type FundingActor } from '../services/funding-audit.ts';
import { postTransfer } from '../services/ledger.ts';
import { recordWalletEvents } from '../services/wallet-events.ts';
import { transferEvents } from '../domain/wallet-event.ts';
import type { TransferInput } from '../domain/transfer.ts';
import { findWallet, type WalletTarget } from './find-wallet.ts';

export interface FundWalletInput {
  walletId: string;
  /** In the wallet's own unit: sats for BTC wallets, cents for USD wallets. */
  amount: number;
  memo?: string | undefined;
  /** Who funds, for the audit log (default "internal"). */
  by?: FundingActor | undefined;
}

export interface Funded {
  walletId: WalletId;
  currency: WalletCurrency;
  amount: number;
  balance: number;
  journalId: string;
}

export async function fundWallet(db: Database, input: FundWalletInput): Promise<Result<Funded, WalletError>> {
  if (!isUuid(input.walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  const wallet = await findUserWallet(db, input.walletId);
  if (!wallet) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  if (!isValidAmount(wallet.currency, input.amount)) return err(walletError('INVALID_AMOUNT', 'The amount must be a positive whole number within limits'));
  return inTransaction(db, async (tx) => {
    // Audited in the same transaction: no funding without its audit row, no row for a rolled-back one.
    await recordFunding(tx, input.by ?? { actor: 'internal' }, { walletId: wallet.id, currency: wallet.currency, amount: input.amount, memo: input.memo ?? 'Funding' });
    const transfer: TransferInput = {
      kind: 'funding',
      senderWalletId: FUNDING_WALLETS[wallet.currency],
      senderCurrency: wallet.currency,
      recipientWalletId: wallet.id,
      recipientCurrency: wallet.currency,
      debit: input.amount,
      credit: input.amount,
      memo: input.memo ?? 'Funding',
    };
    const posted = await postTransfer(tx, transfer);
    if (!posted.ok) return posted;
    // A funding is a payment received (no payment.sent: the sender is the platform's funding wallet).
    await recordWalletEvents(tx, transferEvents(transfer, posted.value, undefined, wallet));
    const entry = posted.value.entries.find((e) => e.walletId === wallet.id);
    if (!entry) throw new Error('a funding journal credits its wallet');
    return ok({ walletId: wallet.id, currency: wallet.currency, amount: input.amount, balance: entry.balanceAfter, journalId: posted.value.journalId });
  });
}

/** Funds the wallet an operator names by id, or by its owner's e-mail and currency (`lightgate wallet fund`). */
export async function fundTarget(db: Database, target: WalletTarget, input: Omit<FundWalletInput, 'walletId'>): Promise<Result<Funded, WalletError>> {
  const wallet = await findWallet(db, target);
  return wallet.ok ? fundWallet(db, { ...input, walletId: wallet.value }) : wallet;
}
