// Money is integers: BTC wallets hold sats, USD wallets hold cents. Conversions use BigInt so that
// products of large amounts and prices never lose precision.
export type WalletCurrency = 'BTC' | 'USD';
export const WALLET_CURRENCIES: readonly WalletCurrency[] = ['BTC', 'USD'];

/** 21 million BTC in sats: no amount can be larger. */
export const MAX_SATS = 2_100_000_000_000_000;
/** A generous bound for cents (10^13 cents = 100 billion dollars), far below 2^53. */
export const MAX_CENTS = 10_000_000_000_000;
const SATS_PER_BTC = 100_000_000n;

export function isValidAmount(currency: WalletCurrency, amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0 && amount <= (currency === 'BTC' ? MAX_SATS : MAX_CENTS);
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

/** Sats a payer must give for `cents` at `priceCents` per BTC: rounded up, in the platform's favour. */
export function satsForCents(cents: number, priceCents: number): number {
  return Number(ceilDiv(BigInt(cents) * SATS_PER_BTC, BigInt(priceCents)));
}

/** Cents a payer must give for `sats` at `priceCents` per BTC: rounded up, in the platform's favour. */
export function centsForSats(sats: number, priceCents: number): number {
  return Number(ceilDiv(BigInt(sats) * BigInt(priceCents), SATS_PER_BTC));
}

/** Cents credited for receiving `sats`: rounded down, in the platform's favour. */
export function centsCreditedForSats(sats: number, priceCents: number): number {
  return Number((BigInt(sats) * BigInt(priceCents)) / SATS_PER_BTC);
}

/** Sats credited for receiving `cents`: rounded down, in the platform's favour. */
export function satsCreditedForCents(cents: number, priceCents: number): number {
  return Number((BigInt(cents) * SATS_PER_BTC) / BigInt(priceCents));
}

/** What the recipient's wallet is credited for `debit` sent from the other currency: rounded down. */
export function creditFor(debit: number, from: WalletCurrency, to: WalletCurrency, priceCents: number): number {
  if (from === to) return debit;
  return from === 'BTC' ? centsCreditedForSats(debit, priceCents) : satsCreditedForCents(debit, priceCents);
}

/** An amount in one currency expressed in the other (what a payer in `from` gives for `amount` in `to`). */
export function convertForPayer(amount: number, to: WalletCurrency, from: WalletCurrency, priceCents: number): number {
  if (to === from) return amount;
  return to === 'USD' ? satsForCents(amount, priceCents) : centsForSats(amount, priceCents);
}
