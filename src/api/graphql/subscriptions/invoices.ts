// Invoice status subscriptions (public, as in Blink): the invoice's status now, then PAID when a payment
// of it commits in any process (the `invoice.paid` wallet event), after which the subscription completes.
// A status that is already final (PAID, EXPIRED) is sent once and the subscription completes; a pending
// invoice that expires is told EXPIRED within a minute.
import type { InvoiceStatus } from '../../../wallet/wallet-service.ts';
import type { ApiContext, InputArgs } from '../context.ts';
import { failed } from '../error-map.ts';
import { stream, type SubscriptionField, type SubscriptionMap } from './support.ts';

export const sdl = /* GraphQL */ `
extend type Subscription {
  lnInvoicePaymentStatus(input: LnInvoicePaymentStatusInput!): LnInvoicePaymentStatusPayload! @deprecated(reason: "Deprecated in favor of lnInvoicePaymentStatusByPaymentRequest")
  lnInvoicePaymentStatusByHash(input: LnInvoicePaymentStatusByHashInput!): LnInvoicePaymentStatusPayload!
  lnInvoicePaymentStatusByPaymentRequest(input: LnInvoicePaymentStatusByPaymentRequestInput!): LnInvoicePaymentStatusPayload!
}
`;

type By = { paymentHash: string } | { paymentRequest: string };
const EXPIRY_CHECK_MS = 60_000;
const statusPayload = (s: InvoiceStatus) => ({ errors: [], ...s });

function watchInvoice(ctx: ApiContext, by: By) {
  const { wallet, events } = ctx.services;
  return stream<unknown>(async (queue) => {
    const first = await wallet.invoiceStatus(by);
    if (!first.ok) {
      queue.push(failed(first.error));
      queue.end();
      return [];
    }
    const send = (s: InvoiceStatus) => {
      queue.push(statusPayload(s));
      if (s.status !== 'PENDING') queue.end();
    };
    if (first.value.status !== 'PENDING') {
      send(first.value);
      return [];
    }
    // Listen first, then read again: a payment committed in between is seen by the read or the listener.
    let checking = Promise.resolve();
    const recheck = () => {
      checking = checking.then(async () => {
        if (queue.closed) return;
        const now = await wallet.invoiceStatus({ paymentHash: first.value.paymentHash });
        if (now.ok && now.value.status !== 'PENDING') send(now.value);
      }).catch((error: unknown) => queue.fail(error instanceof Error ? error : new Error(String(error))));
    };
    const remove = await events.onPaymentHash(first.value.paymentHash, (notice) => {
      if (notice.type === 'invoice.paid') recheck();
    });
    // Expiry is no event: a pending invoice is read again now and then, and EXPIRED ends the subscription.
    const timer = setInterval(recheck, EXPIRY_CHECK_MS);
    timer.unref();
    const now = await wallet.invoiceStatus({ paymentHash: first.value.paymentHash });
    send(now.ok ? now.value : first.value);
    return [remove, () => clearInterval(timer)];
  });
}

const field = <T,>(by: (input: T) => By): SubscriptionField<InputArgs<T>> => ({
  subscribe: (_s, args, ctx) => watchInvoice(ctx, by(args.input)),
});

export const subscriptions: SubscriptionMap = {
  lnInvoicePaymentStatus: field((input: { paymentRequest: string }) => ({ paymentRequest: input.paymentRequest })),
  lnInvoicePaymentStatusByHash: field((input: { paymentHash: string }) => ({ paymentHash: input.paymentHash })),
  lnInvoicePaymentStatusByPaymentRequest: field((input: { paymentRequest: string }) => ({ paymentRequest: input.paymentRequest })),
};
