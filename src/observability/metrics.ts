// The process's Prometheus metrics. One registry per process (every service in it reports here);
// modules record through the small functions below so none of them imports prom-client.
import client from 'prom-client';
import type { Database } from '../db/database.ts';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'lightgate_' });

const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new client.Counter<L>({ name, help, labelNames, registers: [registry] });

const httpRequests = counter('lightgate_http_requests_total', 'HTTP requests served, by service, method, route and status', ['service', 'method', 'route', 'status']);
const httpDuration = new client.Histogram({
  name: 'lightgate_http_request_duration_seconds',
  help: 'HTTP request latency, by service, method, route and status',
  labelNames: ['service', 'method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
const tokens = counter('lightgate_oauth2_token_requests_total', 'Token endpoint outcomes: tokens issued and requests refused, by grant type (and error when refused)', ['grant_type', 'outcome', 'error']);
const logins = counter('lightgate_logins_total', 'Sign-ins with a one-time code, by channel and outcome (success, code_invalid, code_expired, rate_limited, ...)', ['channel', 'outcome']);
const payments = counter('lightgate_payments_total', 'Payments attempted, by kind and outcome (success, or the error code)', ['kind', 'outcome']);
const rateLimited = counter('lightgate_rate_limited_total', 'Requests refused with 429 by the request-rate limits, by service and scope (ip, client)', ['service', 'scope']);

const pools = new Map<string, Database>();
const poolGauge = (name: string, help: string, pick: (s: ReturnType<Database['poolStats']>) => number) =>
  new client.Gauge({
    name,
    help,
    labelNames: ['database'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [label, db] of pools) this.set({ database: label }, pick(db.poolStats()));
    },
  });
poolGauge('lightgate_db_pool_connections', 'Database connections open in the pool', (s) => s.total);
poolGauge('lightgate_db_pool_idle_connections', 'Idle database connections in the pool', (s) => s.idle);
poolGauge('lightgate_db_pool_waiting_clients', 'Queries waiting for a database connection', (s) => s.waiting);

// Labels stay a small fixed set whatever clients send (a fuzzer must not grow the registry).
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);
const bounded = (value: string | undefined, known: ReadonlySet<string> | ((v: string) => boolean)): string => {
  if (!value) return 'none';
  return (typeof known === 'function' ? known(value) : known.has(value)) ? value : 'other';
};
const ERROR_CODE = (v: string) => /^[a-z_]{1,40}$/.test(v);
const UPPER_CODE = (v: string) => /^[A-Z_]{1,40}$/.test(v) || v === 'success';

export function recordHttpRequest(labels: { service: string; method: string; route: string; status: number }, seconds: number): void {
  const l = { service: labels.service, method: labels.method, route: labels.route, status: String(labels.status) };
  httpRequests.inc(l);
  httpDuration.observe(l, seconds);
}

export function recordTokenIssued(grantType: string | undefined): void {
  tokens.inc({ grant_type: bounded(grantType, GRANT_TYPES), outcome: 'issued', error: 'none' });
}

export function recordTokenRefused(grantType: string | undefined, error: string | undefined): void {
  tokens.inc({ grant_type: bounded(grantType, GRANT_TYPES), outcome: 'refused', error: bounded(error, ERROR_CODE) });
}

export function recordLogin(channel: string, outcome: string): void {
  logins.inc({ channel: bounded(channel, new Set(['email', 'phone'])), outcome: bounded(outcome, ERROR_CODE) });
}

export function recordPayment(kind: string, outcome: string): void {
  payments.inc({ kind: bounded(kind, ERROR_CODE), outcome: bounded(outcome, UPPER_CODE) });
}

export function recordRateLimited(service: string, scope: 'ip' | 'client'): void {
  rateLimited.inc({ service, scope });
}

/** Reports the pool of this database under `label` until the returned function is called. */
export function watchDatabasePool(db: Database, label = 'main'): () => void {
  pools.set(label, db);
  return () => {
    if (pools.get(label) === db) pools.delete(label);
  };
}

// Webhooks (issue 14): attempts by outcome, and the queue (pending deliveries + events not yet fanned out).
const WEBHOOK_OUTCOMES = new Set(['success', 'retry', 'failed', 'disabled', 'refused', 'lost_lease']);
const webhookDeliveries = counter('lightgate_webhook_deliveries_total', 'Webhook delivery attempts, by outcome (success, retry, failed, disabled, refused, lost_lease)', ['outcome']);

export function recordWebhookDelivery(outcome: string): void {
  webhookDeliveries.inc({ outcome: bounded(outcome, WEBHOOK_OUTCOMES) });
}

type QueueStats = { depth: number; oldestAgeSeconds: number };
let webhookQueue: (() => Promise<QueueStats>) | undefined;
let queueRead: { at: number; stats: Promise<QueueStats | undefined> } | undefined;
const readQueue = (): Promise<QueueStats | undefined> => {
  // Both gauges read one query per scrape.
  if (!queueRead || Date.now() - queueRead.at > 500) queueRead = { at: Date.now(), stats: webhookQueue ? webhookQueue().catch(() => undefined) : Promise.resolve(undefined) };
  return queueRead.stats;
};
const queueGauge = (name: string, help: string, pick: (s: QueueStats) => number) =>
  new client.Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      const stats = await readQueue();
      if (stats) this.set(pick(stats));
    },
  });
queueGauge('lightgate_webhook_queue_depth', 'Webhook deliveries pending plus wallet events not yet fanned out to endpoints', (s) => s.depth);
queueGauge('lightgate_webhook_oldest_pending_age_seconds', 'Age of the oldest pending webhook delivery or undispatched wallet event (0 when none)', (s) => s.oldestAgeSeconds);

/** Reports the webhook queue (read from the database at each scrape) until the returned function is called. */
export function watchWebhookQueue(read: () => Promise<QueueStats>): () => void {
  webhookQueue = read;
  queueRead = undefined;
  return () => {
    if (webhookQueue === read) webhookQueue = undefined;
  };
}

// Subscriptions (issue 13): open WebSockets and subscriptions of every API server in the process, and
// sockets closed (by either side), by close code (a fixed set: refusals, limits, protocol errors).
const subscriptionServers = new Set<() => { sockets: number; subscriptions: number }>();
const subscriptionGauge = (name: string, help: string, pick: (s: { sockets: number; subscriptions: number }) => number) =>
  new client.Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      let total = 0;
      for (const stats of subscriptionServers) total += pick(stats());
      this.set(total);
    },
  });
subscriptionGauge('lightgate_ws_connections', 'GraphQL subscription WebSockets open', (s) => s.sockets);
subscriptionGauge('lightgate_ws_subscriptions', 'GraphQL subscriptions running on the open WebSockets', (s) => s.subscriptions);
const WS_CLOSE_CODES = new Set(['1000', '1001', '1002', '1006', '1007', '1009', '1011', '1013', '4400', '4401', '4403', '4406', '4408', '4409', '4429', '4500']);
const wsClosed = counter('lightgate_ws_closed_total', 'GraphQL subscription WebSockets closed (by either side), by close code (4401 refused or revoked credential, 4403 limits, 4400/4409/4429 protocol errors, 1009 too large)', ['code']);

/** Reports one subscription server's open sockets and subscriptions until the returned function is called. */
export function watchSubscriptions(stats: () => { sockets: number; subscriptions: number }): () => void {
  subscriptionServers.add(stats);
  return () => void subscriptionServers.delete(stats);
}

export function recordWebSocketClosed(code: number): void {
  wsClosed.inc({ code: bounded(String(code), WS_CLOSE_CODES) });
}

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
