// Price subscriptions (public, as in Blink): `realtimePrice` (the price of one sat and one cent in the
// display currency) and `price` (an amount of sats in cents). Each sends the price now, then again
// whenever the price provider's answer changes (polled once per process, WS_PRICE_INTERVAL).
import type { ApiContext, InputArgs } from '../context.ts';
import { failed } from '../error-map.ts';
import { realtimePriceNode } from '../mappers.ts';
import { stream, type SubscriptionMap } from './support.ts';

export const sdl = /* GraphQL */ `
extend type Subscription {
  price(input: PriceInput!): PricePayload!
  """Returns the price of 1 satoshi"""
  realtimePrice(input: RealtimePriceInput!): RealtimePricePayload!
}

enum ExchangeCurrencyUnit { BTCSAT USDCENT }
input PriceInput { amount: SatAmount! amountCurrencyUnit: ExchangeCurrencyUnit! priceCurrencyUnit: ExchangeCurrencyUnit! }
type Price { base: SafeInt! currencyUnit: String! formattedAmount: String! offset: Int! }
type PricePayload { errors: [Error!]! price: Price }
input RealtimePriceInput { currency: DisplayCurrency = "USD" }
type RealtimePricePayload { errors: [Error!]! realtimePrice: RealtimePrice }
`;

/** `sats` in US cents at `centsPerBtc`, as base / 10^offset with the most decimals that fit a SafeInt. */
export function priceOfSats(sats: number, centsPerBtc: number) {
  let base = BigInt(sats) * BigInt(centsPerBtc);
  let offset = 8;
  while (offset > 0 && base > BigInt(Number.MAX_SAFE_INTEGER)) {
    base /= 10n;
    offset -= 1;
  }
  const digits = base.toString().padStart(offset + 1, '0');
  const formattedAmount = offset ? `${digits.slice(0, -offset)}.${digits.slice(-offset)}`.replace(/\.?0+$/, '') : digits;
  return { base: Number(base), offset, currencyUnit: 'USDCENT', formattedAmount };
}

/** The price now and at every change; `build` makes the payload, or undefined to end with an error sent. */
function priceStream(ctx: ApiContext, build: (centsPerBtc: number) => unknown) {
  const { wallet, events } = ctx.services;
  return stream<unknown>(async (queue) => {
    const remove = events.onPrice((cents) => queue.push(build(cents)));
    queue.push(build(await wallet.priceCents()));
    return [remove];
  });
}

function refused(message: string) {
  return stream<unknown>(async (queue) => {
    queue.push(failed({ code: 'INVALID_INPUT', message }));
    queue.end();
    return [];
  });
}

type PriceArgs = InputArgs<{ amount: number; amountCurrencyUnit: 'BTCSAT' | 'USDCENT'; priceCurrencyUnit: 'BTCSAT' | 'USDCENT' }>;

export const subscriptions: SubscriptionMap = {
  price: {
    subscribe: (_s, args: PriceArgs, ctx) => {
      const { amount, amountCurrencyUnit, priceCurrencyUnit } = args.input;
      if (amountCurrencyUnit !== 'BTCSAT' || priceCurrencyUnit !== 'USDCENT') return refused('Only BTCSAT amounts priced in USDCENT are supported');
      return priceStream(ctx, (cents) => ({ errors: [], price: priceOfSats(amount, cents) }));
    },
  },
  realtimePrice: {
    subscribe: (_s, args: InputArgs<{ currency?: string | null }>, ctx) => {
      const currency = args.input.currency ?? 'USD';
      if (currency !== 'USD') return refused('Prices are available in USD only');
      return priceStream(ctx, (cents) => ({ errors: [], realtimePrice: realtimePriceNode(cents) }));
    },
  },
};
