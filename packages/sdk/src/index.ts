// @lightgate/sdk: sign users in with Lightgate (OAuth 2.0 / OpenID Connect, on openid-client) and call the
// Blink-compatible wallet API with their access token. Every fallible call returns a Result.
export { discover, generateDPoPKeyPair } from './oauth.ts';
export type {
  AuthorizationRequest,
  AuthorizationUrlOptions,
  DeviceSignIn,
  LightgateClient,
  LightgateClientOptions,
  PendingAuthorization,
  ServerInfo,
  TokenEndpointAuthMethod,
  TokenSet,
  UserInfo,
} from './oauth.ts';
export { grantedBudget, walletSpend } from './budget.ts';
export type { AuthorizationDetail, SpendCurrency, SpendPeriod, WalletSpendDetail, WalletSpendOptions } from './budget.ts';
export { createWalletClient } from './wallet.ts';
export type { InvoicePaymentStatus, LnInvoice, Me, MyUpdate, PaymentSendResult, UpdateTransaction, Wallet, WalletClient, WalletClientOptions, WalletCurrency } from './wallet.ts';
export { isLightgateError, lightgateError } from './errors.ts';
export type { LightgateError, LightgateErrorCode } from './errors.ts';
export { err, ok } from './result.ts';
export type { Err, Ok, Result } from './result.ts';
