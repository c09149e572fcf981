// Watches an invoice until it is paid or expires, over the wallet API's WebSocket (GraphQL subscriptions,
// the graphql-transport-ws protocol that Blink's own apps speak). The status of an invoice is public: the
// browser subscribes without any credential, so no token ever reaches it.
import { createClient } from "graphql-ws";

export type InvoiceStatus = "PENDING" | "PAID" | "EXPIRED";

const STATUS = `subscription InvoiceStatus($input: LnInvoicePaymentStatusByPaymentRequestInput!) {
  lnInvoicePaymentStatusByPaymentRequest(input: $input) { errors { message } status }
}`;

interface Payload {
  lnInvoicePaymentStatusByPaymentRequest?: { errors: { message: string }[]; status: InvoiceStatus | null };
}

/** Calls onStatus with each status (the current one first); returns a function that stops watching. */
export function watchInvoiceStatus(url: string, paymentRequest: string, onStatus: (status: InvoiceStatus) => void, onError: (message: string) => void): () => void {
  const client = createClient({ url, lazy: true, retryAttempts: 5 });
  const stop = client.subscribe<Payload>(
    { query: STATUS, variables: { input: { paymentRequest } } },
    {
      next: ({ data, errors }) => {
        const payload = data?.lnInvoicePaymentStatusByPaymentRequest;
        if (payload?.status) onStatus(payload.status);
        else onError(payload?.errors[0]?.message ?? errors?.[0]?.message ?? "The payment status could not be read");
      },
      error: () => onError("The payment status could not be read"),
      complete: () => {},
    },
  );
  return () => {
    stop();
    void client.dispose();
  };
}
