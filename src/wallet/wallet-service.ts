// The wallet module's face: the only wallet import of api/, portal/ and cli/ (the composition root also
// registers the operators' HTTP routes, wallet/http/admin-routes.ts, as it does identity's /auth/* routes).
// createWalletService binds the use cases to their ports (built from Config by buildWalletDeps: the node
// key derived from SECRETS_SYSTEM, so every process signs invoices with the same key; the fixed
// development price; no Lightning backend). Operators' functions take just the database.
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { AccountId, UserId, WalletId } from '../shared/brand.ts';
import type { Result } from '../shared/result.ts';
import { findWalletEvent } from './services/wallet-events.ts';
import type { WalletEvent } from './domain/wallet-event.ts';
import { accountIdCache, accountOfUser, defaultWalletOf, walletsOfAccount } from './app/accounts.ts';
import { cancelInvoice } from './app/cancel-invoice.ts';
import { createInvoice, type CreateInvoiceInput } from './app/create-invoice.ts';
import { limitsOfAccount, type AccountLimit } from './app/account-limits.ts';
import { csvTransactions } from './app/csv-transactions.ts';
import { feeProbe } from './app/fee-probe.ts';
import type { WalletDeps } from './app/deps.ts';
import { invoiceStatus, walletInvoice } from './app/invoice-status.ts';
import { listInvoices, type InvoicePage } from './app/list-invoices.ts';
import { lnurlInvoice, lnurlPayRequest, type PayRequest } from './app/lnurl-pay.ts';
import { listTransactions, transactionOfEntry, transactionOfPayment, transactionsByPaymentHash, type TransactionPage } from './app/list-transactions.ts';
import { onChainAddress } from './app/onchain-address.ts';
import type { PayableInput } from './app/payable-invoice.ts';
import { payInvoice, type PayInvoiceInput } from './app/pay-invoice.ts';
import { payLightningAddress, type LightningAddressSend } from './app/pay-lightning-address.ts';
import { sendIntraLedger, type IntraLedgerSend, type PaymentOutcome } from './app/send-intraledger.ts';
import { updateDefaultWallet, updateDisplayCurrency } from './app/update-account-settings.ts';
import { updateUsername, usernameAvailable } from './app/update-username.ts';
import type { WalletError } from './domain/errors.ts';
import type { Invoice, InvoiceStatus } from './domain/invoice.ts';
import type { WalletCurrency } from './domain/money.ts';
import type { LedgerTransaction } from './domain/transaction.ts';
import type { Account, Wallet } from './services/accounts.ts';
import { deriveNodeKey, type LightningNetwork } from './services/bolt11.ts';
import { noLightningBackend } from './services/lightning.ts';
import { fixedPriceProvider } from './services/price.ts';
import type { WalletSpendDetail } from '../shared/wallet-spend/spend-detail.ts';

export { createAccountForUser } from './app/create-account.ts';
// Grant budgets (issue 15): the face the auth server, API and portal share; the charge is inside every send.
export { createAppBudgets, createGrantBudgets, type AppBudgets, type BudgetView, type GrantBudgets } from './app/grant-budgets.ts';
export type { SendGrant } from './app/charge-budget.ts';
export { fundTarget, fundWallet, type Funded } from './app/fund-wallet.ts';
export type { WalletTarget } from './app/find-wallet.ts';
export { seedDemoUser } from './app/seed-demo-user.ts';
export { DISPLAY_CURRENCIES, type DisplayCurrency } from './domain/currencies.ts';
export { walletError } from './domain/errors.ts';
export { MAX_CENTS, MAX_SATS } from './domain/money.ts';
// The wallet events outbox (issue 14): the webhook dispatcher's claim step, and one event by id.
export { dispatchWalletEvents, findWalletEvent, pruneWalletEvents } from './services/wallet-events.ts';
export { eventClientId } from './domain/wallet-event.ts';
export type { Account, AccountLimit, CreateInvoiceInput, Invoice, InvoicePage, LightningAddressSend, PayableInput, PayRequest, InvoiceStatus, LedgerTransaction, PaymentOutcome, TransactionPage, Wallet, WalletCurrency, WalletDeps, WalletError };

/** WRITE_BUDGET_DEFAULT (issue 15), when the configuration has it: the budget of a legacy `write` grant. */
type BudgetConfig = { writeBudgetDefault?: WalletSpendDetail | null | undefined };

export function buildWalletDeps(config: Pick<Config, 'secrets' | 'priceBtcUsdCents'> & Partial<Pick<Config, 'accountLimits' | 'urls'>> & BudgetConfig, db: Database, network: LightningNetwork = 'regtest'): WalletDeps {
  const limits = config.accountLimits;
  const apiUrl = config.urls?.api ?? 'http://localhost:4002';
  const key = deriveNodeKey(config.secrets.system[0]!);
  return {
    db,
    price: fixedPriceProvider(config.priceBtcUsdCents),
    lightning: noLightningBackend,
    // A getter: the node's public key is derived on first use (issue 18).
    node: {
      secretKey: key.secretKey,
      get publicKeyHex() {
        return key.publicKeyHex;
      },
      network,
    },
    limits: { internalSend: limits?.internalSendCents ?? 0, convert: limits?.convertCents ?? 0, withdrawal: limits?.withdrawalCents ?? 0 },
    lnurl: { apiUrl, domain: new URL(apiUrl).hostname },
    budgets: { writeDefault: config.writeBudgetDefault ?? null },
  };
}

export interface WalletService {
  readonly node: { readonly network: LightningNetwork; readonly publicKeyHex: string };
  /** US cents per bitcoin. */
  priceCents(): Promise<number>;
  /** The user's account, opened on first use. */
  accountOfUser(userId: UserId): Promise<Result<Account, WalletError>>;
  /** Only its id (what a send needs): it never changes, so each process reads it once (issue 18). */
  accountIdOfUser(userId: UserId): Promise<Result<AccountId, WalletError>>;
  walletsOf(accountId: AccountId): Promise<Wallet[]>;
  defaultWalletOf(username: string, currency: WalletCurrency | undefined): Promise<Result<Wallet, WalletError>>;
  usernameAvailable(username: string): Promise<boolean>;
  updateUsername(accountId: AccountId, username: string): Promise<Result<string, WalletError>>;
  updateDefaultWallet(accountId: AccountId, walletId: string): Promise<Result<true, WalletError>>;
  updateDisplayCurrency(accountId: AccountId, currency: string): Promise<Result<true, WalletError>>;
  transactions(walletIds: readonly WalletId[], page: { first?: number | undefined; after?: string | undefined }): Promise<Result<TransactionPage, WalletError>>;
  transactionsByPaymentHash(walletIds: readonly WalletId[], paymentHash: string): Promise<LedgerTransaction[]>;
  /** One transaction by id, only if it belongs to one of these wallets. */
  transactionById(walletIds: readonly WalletId[], id: string): Promise<LedgerTransaction | undefined>;
  /** One wallet event of the account by id (a subscription's notice names it); undefined for another account's. */
  walletEvent(accountId: AccountId, id: string): Promise<WalletEvent | undefined>;
  walletInvoice(walletId: WalletId, paymentHash: string): Promise<Result<Invoice, WalletError>>;
  invoiceStatus(by: { paymentHash: string } | { paymentRequest: string }): Promise<Result<InvoiceStatus, WalletError>>;
  createInvoice(input: CreateInvoiceInput): Promise<Result<Invoice, WalletError>>;
  cancelInvoice(input: { accountId: AccountId; walletId: string; paymentHash: string }): Promise<Result<true, WalletError>>;
  onChainAddress(input: { accountId: AccountId; walletId: string; fresh: boolean }): Promise<Result<string, WalletError>>;
  sendIntraLedger(input: IntraLedgerSend): Promise<Result<PaymentOutcome, WalletError>>;
  payInvoice(input: PayInvoiceInput): Promise<Result<PaymentOutcome, WalletError>>;
  /** The sender's transaction of a payment: the one posted, or read from the ledger for a repeat. */
  paymentTransaction(outcome: PaymentOutcome): Promise<LedgerTransaction | undefined>;
  /** Invoices of some wallets (the caller's, checked by the caller), newest first. */
  invoices(walletIds: readonly WalletId[], page: { first?: number | undefined; after?: string | undefined }): Promise<Result<InvoicePage, WalletError>>;
  /** Every transaction of some wallets (the caller's) as base64 CSV. */
  csvTransactions(walletIds: readonly WalletId[]): Promise<Result<string, WalletError>>;
  /** The fee of paying an invoice from one of the account's wallets, in that wallet's unit. */
  feeProbe(input: PayableInput): Promise<Result<number, WalletError>>;
  /** The operator's daily limits that apply to the account, with what is left of each. */
  limits(accountId: AccountId): Promise<AccountLimit[]>;
  /** Pays a Lightning address or LNURL-pay: a user here in the ledger, elsewhere through the Lightning backend. */
  payLightningAddress(input: LightningAddressSend): Promise<Result<PaymentOutcome, WalletError>>;
  /** LNURL-pay (GET /.well-known/lnurlp/<username>): the user's pay request, then an invoice for an amount. */
  lnurlPayRequest(username: string): Promise<Result<PayRequest, WalletError>>;
  lnurlInvoice(input: { username: string; amountMsats: string; admit?: CreateInvoiceInput['admit'] }): Promise<Result<Invoice, WalletError>>;
}

export interface WalletServicePorts {
  /** Whether the identity module knows the user (an account is opened only for a real user). */
  userExists(userId: UserId): Promise<boolean>;
}

export function createWalletService(deps: WalletDeps, ports: WalletServicePorts): WalletService {
  const { db } = deps;
  const accountIdOf = accountIdCache((userId) => accountOfUser(db, userId, ports.userExists));
  return {
    node: {
      network: deps.node.network,
      get publicKeyHex() {
        return deps.node.publicKeyHex;
      },
    },
    priceCents: () => deps.price.btcUsdCents(),
    accountOfUser: (userId) => accountOfUser(db, userId, ports.userExists),
    accountIdOfUser: accountIdOf,
    walletsOf: (accountId) => walletsOfAccount(db, accountId),
    defaultWalletOf: (username, currency) => defaultWalletOf(db, username, currency),
    usernameAvailable: (username) => usernameAvailable(db, username),
    updateUsername: (accountId, username) => updateUsername(db, accountId, username),
    updateDefaultWallet: (accountId, walletId) => updateDefaultWallet(db, accountId, walletId),
    updateDisplayCurrency: (accountId, currency) => updateDisplayCurrency(db, accountId, currency),
    transactions: (walletIds, page) => listTransactions(db, walletIds, page),
    transactionsByPaymentHash: (walletIds, paymentHash) => transactionsByPaymentHash(db, walletIds, paymentHash),
    transactionById: (walletIds, id) => transactionOfEntry(db, walletIds, id),
    walletEvent: (accountId, id) => findWalletEvent(db, accountId, id),
    walletInvoice: (walletId, paymentHash) => walletInvoice(db, walletId, paymentHash),
    invoiceStatus: (by) => invoiceStatus(db, by),
    createInvoice: (input) => createInvoice(deps, input),
    cancelInvoice: (input) => cancelInvoice(deps, input),
    onChainAddress: (input) => onChainAddress(deps, input),
    sendIntraLedger: (input) => sendIntraLedger(deps, input),
    payInvoice: (input) => payInvoice(deps, input),
    paymentTransaction: (outcome) => transactionOfPayment(db, outcome),
    invoices: (walletIds, page) => listInvoices(db, walletIds, page),
    csvTransactions: (walletIds) => csvTransactions(db, walletIds),
    feeProbe: (input) => feeProbe(deps, input),
    limits: (accountId) => limitsOfAccount(deps, accountId),
    payLightningAddress: (input) => payLightningAddress(deps, input),
    lnurlPayRequest: (username) => lnurlPayRequest(deps, username),
    lnurlInvoice: (input) => lnurlInvoice(deps, input),
  };
}
