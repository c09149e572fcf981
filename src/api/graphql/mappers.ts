// Blink's object shapes, built from the app faces' records: users, accounts, wallets, prices,
// transactions, invoices, API keys. The resolvers of each type receive these as their source.
import { isExpired, type ApiKey } from '../../api-keys/api-keys-service.ts';
import type { UserId } from '../../shared/brand.ts';
import { DISPLAY_CURRENCIES, type Account, type Invoice, type LedgerTransaction, type PaymentOutcome, type Wallet } from '../../wallet/wallet-service.ts';
import type { Scope } from '../scopes.ts';

/** `me` and the payloads that return a user: the user id and the caller's account. */
export interface UserSource {
  id: UserId;
  account: Account;
}
export type AccountSource = Account & { __typename: 'ConsumerAccount' };
export type WalletSource = Wallet & { __typename: 'BTCWallet' | 'UsdWallet' };
/** PaymentSendPayload: the outcome stays for the transaction field (read only when selected). */
export interface PaymentPayloadSource {
  errors: unknown[];
  status: 'SUCCESS' | 'ALREADY_PAID' | 'FAILURE';
  outcome: PaymentOutcome | undefined;
}

export const accountNode = (account: Account): AccountSource => ({ __typename: 'ConsumerAccount', ...account });
export const walletNode = (w: Wallet): WalletSource => ({ ...w, __typename: w.currency === 'BTC' ? 'BTCWallet' : 'UsdWallet' });
export const publicWallet = (w: Pick<Wallet, 'id' | 'currency'>) => ({ id: w.id, currency: w.currency, walletCurrency: w.currency });

/** Blink's price objects: minor units with an offset of 12 decimal places. */
export const OFFSET = 12;
export function priceObjects(centsPerBtc: number) {
  return {
    satInCents: { base: centsPerBtc * 10_000, offset: OFFSET, currencyUnit: 'USDCENT' },
    centInCents: { base: 10 ** OFFSET, offset: OFFSET, currencyUnit: 'USDCENT' },
  };
}

export function realtimePriceNode(centsPerBtc: number) {
  const p = priceObjects(centsPerBtc);
  return {
    id: `USD-${centsPerBtc}`,
    timestamp: new Date(),
    denominatorCurrency: 'USD',
    denominatorCurrencyDetails: DISPLAY_CURRENCIES[0],
    btcSatPrice: p.satInCents,
    usdCentPrice: p.centInCents,
  };
}

function displayAmount(tx: LedgerTransaction, price: number): string {
  const cents = tx.currency === 'USD' ? BigInt(tx.amount) : (BigInt(tx.amount) * BigInt(price)) / 100_000_000n;
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

export function transactionNode(tx: LedgerTransaction, price: number) {
  const counterparty = { counterPartyWalletId: tx.counterpartyWalletId, counterPartyUsername: tx.counterpartyUsername };
  const perUnit = tx.currency === 'BTC' ? priceObjects(price).satInCents : priceObjects(price).centInCents;
  return {
    id: tx.id,
    createdAt: tx.createdAt,
    direction: tx.amount < 0 ? 'SEND' : 'RECEIVE',
    status: 'SUCCESS',
    memo: tx.memo,
    externalId: null,
    settlementAmount: tx.amount,
    settlementCurrency: tx.currency,
    settlementFee: 0,
    settlementDisplayAmount: displayAmount(tx, price),
    settlementDisplayCurrency: 'USD',
    settlementDisplayFee: '0.00',
    settlementPrice: { ...perUnit, formattedAmount: String(perUnit.base / 10 ** OFFSET) },
    initiationVia:
      tx.kind === 'ln_internal'
        ? { __typename: 'InitiationViaLn', paymentHash: tx.paymentHash, paymentRequest: tx.paymentRequest }
        : { __typename: 'InitiationViaIntraLedger', ...counterparty },
    settlementVia: { __typename: 'SettlementViaIntraLedger', ...counterparty, preImage: tx.kind === 'ln_internal' ? tx.preimage : null },
  };
}

export const invoiceNode = (inv: Invoice) => ({
  __typename: inv.sats === null ? 'LnNoAmountInvoice' : 'LnInvoice',
  createdAt: inv.createdAt,
  externalId: inv.externalId,
  paymentHash: inv.paymentHash,
  paymentRequest: inv.paymentRequest,
  paymentSecret: inv.paymentSecret,
  paymentStatus: inv.status,
  satoshis: inv.sats,
});

/** Blink's Scope enum values (upper case) and ours. */
export type ScopeEnum = 'READ' | 'RECEIVE' | 'WRITE';
export const SCOPE_OF_ENUM: Readonly<Record<ScopeEnum, Scope>> = { READ: 'read', RECEIVE: 'receive', WRITE: 'write' };
export const scopeEnum = (s: Scope): ScopeEnum => (s === 'read' ? 'READ' : s === 'receive' ? 'RECEIVE' : 'WRITE');

export const apiKeyNode = (k: ApiKey) => ({
  id: k.id,
  name: k.name,
  createdAt: k.createdAt,
  revoked: k.revokedAt !== null,
  expired: isExpired(k),
  lastUsedAt: k.lastUsedAt,
  expiresAt: k.expiresAt,
  readOnly: !k.scopes.includes('write') && !k.scopes.includes('receive'),
  scopes: k.scopes.map(scopeEnum),
  limits: { dailySpentSats: 0, weeklySpentSats: 0, monthlySpentSats: 0, annualSpentSats: 0 },
});
