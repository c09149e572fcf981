// myUpdates (needs `read`): the caller's account as it changes. First the price in the display currency,
// then one update per wallet event of the account, from any process: a payment sent or received
// (IntraLedgerUpdate) and an invoice paid (LnUpdate), each with its transaction read through the wallet
// face, and the price again when it changes. `me` and `transaction` are read-guarded on every event, as
// under a query (src/api/graphql/read-guard.ts).
import type { WalletId } from '../../../shared/brand.ts';
import type { WalletEventNotice } from '../../subscriptions/wallet-event-hub.ts';
import { caller, type ApiContext } from '../context.ts';
import { valueOrThrow } from '../error-map.ts';
import { realtimePriceNode, transactionNode, type UserSource } from '../mappers.ts';
import { stream, type SubscriptionMap } from './support.ts';

export const sdl = /* GraphQL */ `
extend type Subscription {
  myUpdates: MyUpdatesPayload!
}

type MyUpdatesPayload { errors: [Error!]! me: User update: UserUpdate }
union UserUpdate = IntraLedgerUpdate | LnUpdate | RealtimePrice
enum TxNotificationType { IntraLedgerPayment IntraLedgerReceipt }
type IntraLedgerUpdate {
  amount: SatAmount! @deprecated(reason: "Deprecated in favor of transaction")
  displayCurrencyPerSat: Float! @deprecated(reason: "Deprecated in favor of transaction")
  transaction: Transaction!
  txNotificationType: TxNotificationType!
  usdPerSat: Float! @deprecated(reason: "updated over displayCurrencyPerSat")
  walletId: WalletId! @deprecated(reason: "Deprecated in favor of transaction")
}
type LnUpdate {
  paymentHash: PaymentHash! @deprecated(reason: "Deprecated in favor of transaction")
  status: InvoicePaymentStatus!
  transaction: Transaction!
  walletId: WalletId! @deprecated(reason: "Deprecated in favor of transaction")
}
`;

async function update(ctx: ApiContext, me: UserSource, walletIds: readonly WalletId[], notice: WalletEventNotice) {
  // An invoice's payment is told once, as LnUpdate (invoice.paid); its payment.received says the same.
  if (notice.type === 'payment.received' && notice.paymentHash) return undefined;
  if (!notice.transactionId) return undefined;
  const { wallet } = ctx.services;
  const tx = await wallet.transactionById(walletIds, notice.transactionId);
  if (!tx) return undefined;
  const price = await wallet.priceCents();
  const transaction = transactionNode(tx, price);
  const account = valueOrThrow(await wallet.accountOfUser(me.id));
  const fresh: UserSource = { id: me.id, account };
  if (notice.type === 'invoice.paid') {
    return { errors: [], me: fresh, update: { __typename: 'LnUpdate', paymentHash: notice.paymentHash, status: 'PAID', transaction, walletId: tx.walletId } };
  }
  const centsPerSat = price / 100_000_000;
  return {
    errors: [],
    me: fresh,
    update: {
      __typename: 'IntraLedgerUpdate',
      amount: Math.abs(tx.amount),
      displayCurrencyPerSat: centsPerSat,
      usdPerSat: centsPerSat,
      transaction,
      txNotificationType: notice.type === 'payment.sent' ? 'IntraLedgerPayment' : 'IntraLedgerReceipt',
      walletId: tx.walletId,
    },
  };
}

export const subscriptions: SubscriptionMap = {
  myUpdates: {
    subscribe: async (_s, _a, ctx) => {
      const { principal, account } = await caller(ctx, 'read');
      const me: UserSource = { id: principal.userId, account };
      const { wallet, events, logger } = ctx.services;
      const walletIds = (await wallet.walletsOf(account.id)).map((w) => w.id);
      return stream<unknown>(async (queue) => {
        // Events are told in the order they came, each after the one before it was read.
        let previous = Promise.resolve();
        const onEvent = (notice: WalletEventNotice) => {
          previous = previous
            .then(async () => {
              if (queue.closed) return;
              const payload = await update(ctx, me, walletIds, notice);
              if (payload) queue.push(payload);
            })
            .catch((error: unknown) => logger?.error({ err: error, event: notice.id }, 'myUpdates: an event could not be read'));
        };
        const price = (cents: number) => queue.push({ errors: [], me, update: { __typename: 'RealtimePrice', ...realtimePriceNode(cents) } });
        const removers = [await events.onAccount(account.id, onEvent), events.onPrice(price)];
        price(await wallet.priceCents());
        return removers;
      });
    },
  },
};
