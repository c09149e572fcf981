// A transfer between two wallets as ledger legs: same currency is two legs; across currencies the
// dealer wallets take the sender's currency and give the recipient's (four legs, each currency sums to zero).
import type { WalletId } from '../../shared/brand.ts';
import { DEALER_WALLETS } from './ids.ts';
import type { WalletCurrency } from './money.ts';

export type JournalKind = 'intraledger' | 'ln_internal' | 'funding';

export interface Leg {
  walletId: WalletId;
  currency: WalletCurrency;
  /** Signed: negative debits, positive credits. */
  amount: number;
}

export interface TransferInput {
  kind: JournalKind;
  senderWalletId: WalletId;
  senderCurrency: WalletCurrency;
  recipientWalletId: WalletId;
  recipientCurrency: WalletCurrency;
  debit: number;
  credit: number;
  memo?: string | undefined;
  paymentHash?: string | undefined;
  paymentRequest?: string | undefined;
  /** Chosen before the posting by executeSend (so the budget charge can run before the posting). */
  journalId?: string | undefined;
  /** A send made under an OAuth grant: its client and what it charged the budget (the portal's chart reads it). */
  grantSpend?: GrantSpend | undefined;
}

/** What a budgeted send charged its grant, in both budget currencies (issue 15, migration 0421). */
export interface GrantSpend {
  clientId: string;
  sats: number;
  cents: number;
}

export function transferLegs(t: TransferInput): Leg[] {
  if (t.senderCurrency === t.recipientCurrency) {
    if (t.debit !== t.credit) throw new Error('same-currency transfer must debit what it credits');
    return [
      { walletId: t.senderWalletId, currency: t.senderCurrency, amount: -t.debit },
      { walletId: t.recipientWalletId, currency: t.recipientCurrency, amount: t.credit },
    ];
  }
  return [
    { walletId: t.senderWalletId, currency: t.senderCurrency, amount: -t.debit },
    { walletId: DEALER_WALLETS[t.senderCurrency], currency: t.senderCurrency, amount: t.debit },
    { walletId: DEALER_WALLETS[t.recipientCurrency], currency: t.recipientCurrency, amount: -t.credit },
    { walletId: t.recipientWalletId, currency: t.recipientCurrency, amount: t.credit },
  ];
}
