// The webhooks settings the composition root takes from Config (WEBHOOK_* variables).
import type { RetryPolicy } from './retry.ts';

export interface WebhookSettings extends RetryPolicy {
  /** Development: http://127.0.0.1 and other loopback targets are allowed (never in production). */
  allowLoopback: boolean;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxResponseBytes: number;
  maxEndpointsPerAccount: number;
  /** Deliveries attempted at once by one process's worker (0: this process runs no worker). */
  concurrency: number;
  /** How often an idle worker looks for due work without a NOTIFY (CockroachDB has none). */
  pollIntervalMs: number;
  /** Test events and replays per account per minute. */
  manualPerMinute: number;
}

/** How long a claimed delivery stays leased: longer than any attempt can take, so never two at once. */
export const leaseMs = (s: Pick<WebhookSettings, 'totalTimeoutMs'>) => 2 * s.totalTimeoutMs + 1000;

/** Finished deliveries are kept this long (portal history and replays), then pruned by the workers. */
export const DELIVERY_RETENTION_DAYS = 30;
