import type { AccountId, WalletId } from '../../shared/brand.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/** The platform's own account and wallets (fixed ids, created by migration 0200). */
export const PLATFORM_ACCOUNT_ID = '00000000-0000-4000-8000-000000000000' as AccountId;
export const FUNDING_WALLETS = {
  BTC: '00000000-0000-4000-8000-00000000f0b1' as WalletId,
  USD: '00000000-0000-4000-8000-00000000f0d1' as WalletId,
} as const;
export const DEALER_WALLETS = {
  BTC: '00000000-0000-4000-8000-00000000d0b1' as WalletId,
  USD: '00000000-0000-4000-8000-00000000d0d1' as WalletId,
} as const;

/** Blink's username rule: 3-50 letters, digits or underscores, not shaped like a Bitcoin address. */
export function isValidUsername(s: string): boolean {
  return /^[a-zA-Z0-9_]{3,50}$/.test(s) && !/^(1|3|bc1|lnbc)/i.test(s);
}
