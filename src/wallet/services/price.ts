// The price provider port. Development and tests use a fixed, configured price.
export interface PriceProvider {
  /** US cents per bitcoin. */
  btcUsdCents(): Promise<number>;
}

export function fixedPriceProvider(centsPerBtc: number): PriceProvider {
  if (!Number.isSafeInteger(centsPerBtc) || centsPerBtc <= 0) throw new Error('price must be a positive integer of cents');
  return { btcUsdCents: async () => centsPerBtc };
}
