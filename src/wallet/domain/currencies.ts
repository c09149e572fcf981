// The display currencies offered by currencyList. Prices are only known for USD in development;
// other display currencies are shown in USD terms until a price provider supplies them.
export interface DisplayCurrency {
  id: string;
  name: string;
  symbol: string;
  flag: string;
  fractionDigits: number;
}

export const DISPLAY_CURRENCIES: readonly DisplayCurrency[] = [
  { id: 'USD', name: 'US Dollar', symbol: '$', flag: '🇺🇸', fractionDigits: 2 },
  { id: 'EUR', name: 'Euro', symbol: '€', flag: '🇪🇺', fractionDigits: 2 },
  { id: 'GBP', name: 'Pound Sterling', symbol: '£', flag: '🇬🇧', fractionDigits: 2 },
  { id: 'BTC', name: 'Bitcoin', symbol: '₿', flag: '', fractionDigits: 8 },
];
