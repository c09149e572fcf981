// A webhook receiver as an integrator would write it: a real HTTP server on 127.0.0.1 that verifies
// every request with the `standardwebhooks` library (the secret of the path's endpoint) and records
// what it got. `respond` decides each answer (a failing then recovering receiver, slow ones...).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { WebhookSettings } from '../../src/webhooks/webhooks-service.ts';

/** Quick retries and small limits for the delivery tests; each test says how often its worker polls. */
export const TEST_WEBHOOK_SETTINGS: Omit<WebhookSettings, 'pollIntervalMs'> = {
  allowLoopback: true,
  baseMs: 40,
  windowMs: 60_000,
  connectTimeoutMs: 1_000,
  totalTimeoutMs: 600,
  maxResponseBytes: 1024,
  maxEndpointsPerAccount: 10,
  concurrency: 4,
  manualPerMinute: 3,
};

export interface Received {
  path: string;
  id: string;
  timestamp: number;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  verified: boolean;
  at: number;
}

export interface Receiver {
  url(path: string): string;
  /** Sets the secret the path's requests are verified with. */
  secret(path: string, secret: string): void;
  received: Received[];
  /** Verified requests to the path, one per webhook-id (a receiver dedupes by it). */
  unique(path: string): Map<string, Received>;
  respond: (req: IncomingMessage, res: ServerResponse, r: Received) => void;
  waitFor(check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const secrets = new Map<string, string>();
  const received: Received[] = [];
  const receiver: Receiver = {
    url: (path) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    secret: (path, secret) => void secrets.set(path, secret),
    received,
    unique(path) {
      const map = new Map<string, Received>();
      for (const r of received) if (r.path === path && r.verified) map.set(r.id, r);
      return map;
    },
    respond: (_req, res) => res.writeHead(204).end(),
    async waitFor(check, timeoutMs = 10_000) {
      const start = Date.now();
      while (!check()) {
        if (Date.now() - start > timeoutMs) throw new Error(`receiver: condition not met within ${timeoutMs} ms (${received.length} requests)`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const headers = { 'webhook-id': String(req.headers['webhook-id']), 'webhook-timestamp': String(req.headers['webhook-timestamp']), 'webhook-signature': String(req.headers['webhook-signature']) };
      let verified = false;
      const secret = secrets.get(path);
      try {
        if (secret) {
          new Webhook(secret).verify(raw, headers);
          verified = true;
        }
      } catch {
        verified = false;
      }
      let body: Received['body'];
      try {
        body = JSON.parse(raw) as Received['body'];
      } catch {
        body = { type: 'unparsable', timestamp: '', data: {} };
      }
      const r: Received = { path, id: headers['webhook-id'], timestamp: Number(headers['webhook-timestamp']), body, verified, at: Date.now() };
      received.push(r);
      if (!verified) return void res.writeHead(401).end();
      receiver.respond(req, res, r);
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return receiver;
}
