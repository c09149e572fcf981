// Wallet errors as values. The GraphQL layer maps each to Blink's payload error { code, message }.
export type WalletErrorCode =
  | 'INVALID_WALLET_ID'
  | 'WRONG_WALLET_CURRENCY'
  | 'INVALID_AMOUNT'
  | 'AMOUNT_TOO_SMALL'
  | 'INSUFFICIENT_BALANCE'
  | 'SELF_PAYMENT'
  | 'RECIPIENT_NOT_FOUND'
  | 'INVALID_PAYMENT_REQUEST'
  | 'INVOICE_NOT_FOUND'
  | 'INVOICE_EXPIRED'
  | 'INVOICE_CANCELLED'
  | 'INVOICE_ALREADY_PAID'
  | 'INVOICE_AMOUNT_MISMATCH'
  | 'LIGHTNING_BACKEND_UNAVAILABLE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'USERNAME_INVALID'
  | 'USERNAME_TAKEN'
  | 'USERNAME_ALREADY_SET'
  | 'INVALID_DISPLAY_CURRENCY'
  | 'ACCOUNT_NOT_FOUND'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'TOO_MANY_REQUESTS'
  | 'LIMIT_EXCEEDED'
  // Issue 15: an OAuth app's grant budget (spent, per-payment maximum, amount 0, or ended) / paused by the user.
  | 'BUDGET_EXCEEDED'
  | 'SENDING_PAUSED';

export interface WalletError {
  readonly code: WalletErrorCode;
  readonly message: string;
}

export const walletError = (code: WalletErrorCode, message: string): WalletError => ({ code, message });
