// The client side of bench/subscriptions.ts, in a worker thread (its own V8 heap): one graphql-ws client
// (one socket) per invoice, each with one lnInvoicePaymentStatusByHash subscription; reports PAID arrivals.
import { parentPort, workerData } from 'node:worker_threads';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const port = parentPort!;
const now = () => performance.timeOrigin + performance.now();
const { url, hashes } = workerData as { url: string; hashes: string[] };
const describe = (e: unknown) => String((e as { code?: unknown } | undefined)?.code ?? e);
const clients: Client[] = [];
let ready = 0;
hashes.forEach((hash, i) => {
  const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, onNonLazyError: (e) => port.postMessage({ error: describe(e) }) });
  clients.push(client);
  client.subscribe<{ lnInvoicePaymentStatusByHash: { status: string } }>(
    { query: 'subscription($h: PaymentHash!) { lnInvoicePaymentStatusByHash(input: { paymentHash: $h }) { status } }', variables: { h: hash } },
    {
      next: ({ data }) => {
        const status = data?.lnInvoicePaymentStatusByHash.status;
        if (status === 'PENDING') {
          ready += 1;
          if (ready === hashes.length) port.postMessage({ ready: true });
          else if (ready % 100 === 0) port.postMessage({ progress: ready });
        }
        if (status === 'PAID') port.postMessage({ paid: i, at: now() });
      },
      error: (e) => port.postMessage({ error: describe(e) }),
      complete: () => {},
    },
  );
});
port.on('message', async (m) => {
  if (m !== 'close') return;
  await Promise.all(clients.map((c) => c.dispose()));
  port.postMessage({ closed: true });
});
