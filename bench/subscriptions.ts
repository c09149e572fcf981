// GraphQL subscriptions over WebSocket (issue 13): the API server's heap per idle open connection, and the
// payment-to-event latency with many subscriptions open, in one run on PostgreSQL.
//   node --expose-gc bench/subscriptions.ts [--connections 1000] [--payments 200] [--write]
// The API server runs in this thread; the graphql-ws clients run in a worker thread (its own V8 heap), each
// on its own connection with one lnInvoicePaymentStatusByHash subscription on its own invoice (the POS's
// pattern). Heap: the server thread's heap after GC with no sockets vs with every socket open and subscribed.
// Latency: invoices paid one by one over HTTP; for each, the time from the payment's answer (committed) to
// the PAID event at its subscriber, next to the baseline in the same loop: the payment's own round trip.
// --write replaces this bench's section of docs/benchmarks.md (between its markers).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { bearer, startHarness } from '../test/api/harness.ts';
import { graphql } from '../test/support/graphql.ts';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '1000' }, payments: { type: 'string', default: '200' }, write: { type: 'boolean', default: false } } });
const connections = Number(values.connections);
const payments = Math.min(Number(values.payments), connections);
const gc = (globalThis as { gc?: () => void }).gc;
assert.ok(gc, 'run with node --expose-gc');

const now = () => performance.timeOrigin + performance.now();
function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;


const h = await startHarness({
  kind: 'postgres',
  env: { WS_CONNECTIONS_PER_ADDRESS: String(connections + 10), WS_KEEPALIVE: '30', RATE_LIMIT_IP: '0', RATE_LIMIT_CLIENT: '0', RATE_LIMIT_RECIPIENT_INVOICES: '0' },
});
try {
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const api = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const payer = await h.signUp();
  const payee = await h.signUp();
  await h.fund(payer.btcWalletId, 10 * connections + 1000);
  const invoices: { paymentHash: string; paymentRequest: string }[] = [];
  for (let i = 0; i < connections; i++) {
    const r = await h.gql('mutation($w: WalletId!) { lnInvoiceCreate(input: { walletId: $w, amount: 10 }) { invoice { paymentHash paymentRequest } } }', { w: payee.btcWalletId }, bearer(payee.session));
    invoices.push(r.body.data.lnInvoiceCreate.invoice);
  }

  const heapBefore = heapAfterGc();
  const worker = new Worker(new URL('./subscriptions-clients.ts', import.meta.url), { workerData: { url: `${api.replace(/^http/, 'ws')}/graphql`, hashes: invoices.map((i) => i.paymentHash) } });
  const paidAt = new Map<number, (at: number) => void>();
  let readyResolve!: () => void;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  const errors: string[] = [];
  worker.on('error', (e) => console.error('client worker failed', e));
  worker.on('message', (m: { ready?: boolean; progress?: number; paid?: number; at?: number; error?: string }) => {
    if (m.ready) readyResolve();
    if (m.progress) console.log(`${m.progress} subscribed`);
    if (m.error) console.error('client error', m.error);
    if (m.paid !== undefined) paidAt.get(m.paid)?.(m.at!);
    if (m.error) errors.push(m.error);
  });
  const openedAt = Date.now();
  await ready;
  const openSeconds = (Date.now() - openedAt) / 1000;
  const heapOpen = heapAfterGc();
  const perConnection = (heapOpen - heapBefore) / connections;
  console.log(`${connections} sockets open and subscribed in ${openSeconds.toFixed(1)} s; server heap ${(heapBefore / 1e6).toFixed(1)} → ${(heapOpen / 1e6).toFixed(1)} MB: ${(perConnection / 1024).toFixed(1)} KiB per connection`);

  const eventMs: number[] = [];
  const paymentMs: number[] = [];
  for (let i = 0; i < payments; i++) {
    const event = new Promise<number>((resolve) => paidAt.set(i, resolve));
    const started = now();
    const paid = await graphql(api, bearer(payer.session), 'mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status } }', { w: payer.btcWalletId, r: invoices[i]!.paymentRequest });
    const answered = now();
    assert.equal(paid.body.data?.lnInvoicePaymentSend.status, 'SUCCESS', JSON.stringify(paid.body));
    const at = await event;
    paymentMs.push(answered - started);
    eventMs.push(at - answered);
  }
  worker.postMessage('close');
  await new Promise<void>((resolve) => worker.on('message', (m: { closed?: boolean }) => m.closed && resolve()));
  await worker.terminate();
  assert.deepEqual(errors, [], 'no client failed');

  eventMs.sort((a, b) => a - b);
  paymentMs.sort((a, b) => a - b);
  const load = loadavg().map((l) => l.toFixed(1)).join(' / ');
  const rows = [
    `| idle heap per open connection (1 subscription each, server thread, after GC) | ${(perConnection / 1024).toFixed(1)} KiB (${(heapBefore / 1e6).toFixed(1)} → ${(heapOpen / 1e6).toFixed(1)} MB for ${connections}) |`,
    `| payment → PAID event at its subscriber, p50 / p99 (${payments} payments, ${connections} subscriptions open) | ${quantile(eventMs, 0.5).toFixed(1)} / ${quantile(eventMs, 0.99).toFixed(1)} ms |`,
    `| baseline: the payment's own HTTP round trip, p50 / p99 (same loop) | ${quantile(paymentMs, 0.5).toFixed(1)} / ${quantile(paymentMs, 0.99).toFixed(1)} ms |`,
    `| ratio event / payment round trip, p50 | ${(quantile(eventMs, 0.5) / quantile(paymentMs, 0.5)).toFixed(2)} |`,
  ];
  const section = [
    '<!-- bench:subscriptions:start -->',
    `Run ${new Date().toISOString().slice(0, 16)} UTC, \`node --expose-gc bench/subscriptions.ts --connections ${connections} --payments ${payments}\`, PostgreSQL, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${load} (a shared, loaded machine: re-run idle before comparing).`,
    '',
    '| measure | result |',
    '| --- | --- |',
    ...rows,
    '<!-- bench:subscriptions:end -->',
  ].join('\n');
  console.log(section);
  if (values.write) {
    const file = new URL('../docs/benchmarks.md', import.meta.url);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const re = /<!-- bench:subscriptions:start -->[\s\S]*<!-- bench:subscriptions:end -->/;
    writeFileSync(file, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n## GraphQL subscriptions (issue 13)\n\n${section}\n`);
  }
} finally {
  await h.close();
}
