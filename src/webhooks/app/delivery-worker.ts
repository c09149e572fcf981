// The delivery worker, one per process that runs it (any number of processes on one database):
// 1. fan-out: outbox events not yet dispatched become one delivery per enabled endpoint of their account;
// 2. delivery: due deliveries are leased (FOR UPDATE SKIP LOCKED, committed), signed and POSTed, and the
//    result recorded by the lease holder only. A NOTIFY on `wallet_events` starts a round 20 ms later (a local
//    wake at once); otherwise the worker polls, so missed notices (or CockroachDB, which has none) only
//    delay. A round that fails on the database (an outage) is retried at the next poll: nothing is lost,
//    the rows wait in the database.
import type { Database } from '../../db/database.ts';
import type { Logger } from '../../shared/logger.ts';
import type { SecretBox } from '../../shared/secret-box.ts';
import { recordWebhookDelivery } from '../../observability/metrics.ts';
import { dispatchWalletEvents, eventClientId, pruneWalletEvents } from '../../wallet/wallet-service.ts';
import { retryDelayMs } from '../domain/retry.ts';
import { DELIVERY_RETENTION_DAYS, leaseMs, type WebhookSettings } from '../domain/settings.ts';
import { claimDue, fanOut, pruneDeliveries, recordFailure, recordSuccess, type ClaimedDelivery } from '../services/deliveries.ts';
import { anyEnabledEndpoint } from '../services/endpoints.ts';
import { postJson } from '../services/safe-http.ts';
import { signedHeaders } from '../services/signing.ts';

export interface WorkerDeps {
  db: Database;
  box: SecretBox;
  settings: WebhookSettings;
  /** Does this app still hold `read` on this user's account (its consent not revoked)? */
  appAuthorized(userId: string, clientId: string): Promise<boolean>;
  logger?: Logger | undefined;
}

export interface DeliveryWorker {
  /** Starts a round now (after a new delivery, or on NOTIFY). */
  wake(): void;
  /** One fan-out and claim round (the claimed attempts run on); resolves to the number of rows it took. */
  runOnce(): Promise<number>;
  /** Deletes finished deliveries and fanned-out events older than the retention (every 10 minutes); resolves to the deliveries deleted. */
  prune(): Promise<number>;
  stop(): Promise<void>;
}

const FAN_OUT_BATCH = 200;
/**
 * A NOTIFY starts a round this much later, so that a burst of payments is fanned out in one round: without
 * it every payment cost the process a round of its own (five statements), a third of a payment's work.
 */
const NOTICE_BATCH_MS = 20;
const PRUNE_EVERY_MS = 10 * 60_000;
const PRUNE_BATCH = 1000;

export function startDeliveryWorker(deps: WorkerDeps, { autoStart = true } = {}): DeliveryWorker {
  const { db, settings } = deps;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeUp: (() => void) | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  const authCache = new Map<string, { allowed: boolean; until: number }>();

  async function authorized(d: ClaimedDelivery): Promise<boolean> {
    if (d.clientId === null) return true;
    if (d.userId === null) return false;
    const key = `${d.userId}\n${d.clientId}`;
    const cached = authCache.get(key);
    if (cached && cached.until > Date.now()) return cached.allowed;
    // Bounded, like the request itself: the whole attempt must end well within the lease.
    let timer: NodeJS.Timeout | undefined;
    const allowed = await Promise.race([
      deps.appAuthorized(d.userId, d.clientId),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the consent check timed out')), settings.totalTimeoutMs / 2))),
    ]).finally(() => clearTimeout(timer));
    if (authCache.size > 10_000) authCache.clear();
    authCache.set(key, { allowed, until: Date.now() + 2000 });
    return allowed;
  }

  async function attempt(d: ClaimedDelivery): Promise<void> {
    const outcome = async (status: number | null, error: string, final = false) => {
      const result = await recordFailure(db, d, { status, error, delayMs: retryDelayMs(settings, d.attempts), windowMs: settings.windowMs, final });
      recordWebhookDelivery(result === 'retry' ? 'retry' : result === 'lost-lease' ? 'lost_lease' : final ? 'refused' : result);
    };
    if (!(await authorized(d))) return outcome(null, 'the app that registered this endpoint no longer holds read access to the account', true);
    const secret = deps.box.open(d.sealedSecret);
    if (!secret) return outcome(null, 'the signing secret cannot be opened (SECRETS_SYSTEM changed?)');
    const body = JSON.stringify(d.payload);
    const sent = await postJson(new URL(d.url), signedHeaders(secret, d.messageId, new Date(), body), body, settings);
    if (sent.kind === 'response' && sent.status >= 200 && sent.status < 300) {
      await recordSuccess(db, d, sent.status);
      recordWebhookDelivery('success');
    } else if (sent.kind === 'response') {
      await outcome(sent.status, sent.status >= 300 && sent.status < 400 ? 'redirects are not followed' : `HTTP ${sent.status}`);
    } else {
      await outcome(null, sent.kind === 'refused' ? `refused: ${sent.reason}` : sent.reason);
    }
  }

  // Up to `concurrency` attempts in flight; free slots are filled as attempts end (half the pool at a time,
  // so a busy worker claims in batches rather than once per completed attempt).
  let inFlight = 0;
  const attempts = new Set<Promise<void>>();
  let woken = false;

  async function runOnce(): Promise<number> {
    const dispatched = await dispatchWalletEvents(db, FAN_OUT_BATCH, async (tx, events) => {
      await fanOut(
        tx,
        events.map((e) => ({ id: e.id, accountId: e.accountId, type: e.type, clientId: eventClientId(e), body: JSON.stringify({ type: e.type, timestamp: e.createdAt.toISOString(), data: e.data }) })),
      );
    });
    const free = settings.concurrency - inFlight;
    if (free <= 0) return dispatched;
    const claimed = await claimDue(db, free, leaseMs(settings));
    for (const d of claimed) {
      inFlight++;
      const task: Promise<void> = attempt(d)
        .catch((error: unknown) => deps.logger?.warn({ err: error, delivery: d.id }, 'webhook delivery failed to complete; its lease expires and it is tried again'))
        .finally(() => {
          inFlight--;
          attempts.delete(task);
          if (inFlight <= settings.concurrency / 2) wake();
        });
      attempts.add(task);
    }
    return dispatched + claimed.length;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      woken = false;
      let handled = 0;
      try {
        handled = await runOnce();
      } catch (error) {
        deps.logger?.warn({ err: error }, 'webhook worker round failed; retrying at the next poll');
      }
      if (stopped) break;
      if ((handled > 0 && inFlight < settings.concurrency) || woken) continue;
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, settings.pollIntervalMs);
      });
      wakeUp = undefined;
    }
  }

  function wake() {
    woken = true;
    if (timer) clearTimeout(timer);
    wakeUp?.();
  }
  // Deliveries, then the outbox events already fanned out, past the retention; resolves to the deliveries deleted.
  const prune = async () => {
    let total = 0;
    for (;;) {
      const n = await pruneDeliveries(db, DELIVERY_RETENTION_DAYS, PRUNE_BATCH);
      total += n;
      if (n < PRUNE_BATCH || stopped) break;
    }
    while (!stopped && (await pruneWalletEvents(db, DELIVERY_RETENTION_DAYS, PRUNE_BATCH)) === PRUNE_BATCH);
    return total;
  };
  let pruning: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  if (autoStart && settings.concurrency > 0) {
    pruning = setInterval(() => void prune().catch((error: unknown) => deps.logger?.warn({ err: error }, 'pruning old webhook deliveries failed')), PRUNE_EVERY_MS).unref();
    let noticed: NodeJS.Timeout | undefined;
    // The accounts of the batch's notices (undefined: a notice without one, so wake whatever). A batch whose
    // accounts have no enabled endpoint wakes nothing (issue 18): one indexed check instead of a round; its
    // events are marked fanned out at the next poll.
    let accounts: Set<string> | undefined = new Set();
    const onNotice = (payload: string) => {
      const accountId = noticedAccount(payload);
      if (accountId) accounts?.add(accountId);
      else accounts = undefined;
      noticed ??= setTimeout(() => {
        noticed = undefined;
        const batch = accounts;
        accounts = new Set();
        if (!batch) return wake();
        void anyEnabledEndpoint(db, [...batch]).then(
          (any) => any && wake(),
          () => wake(),
        );
      }, NOTICE_BATCH_MS);
    };
    void db
      .listen('wallet_events', onNotice)
      .then(async (u) => {
        if (stopped) await u();
        else unlisten = u;
      })
      .catch(() => undefined);
    running = loop();
  }
  return {
    wake,
    runOnce,
    prune,
    async stop() {
      stopped = true;
      clearInterval(pruning);
      wake();
      await running;
      await Promise.all([...attempts]);
      await unlisten?.().catch(() => undefined);
    },
  };
}

function noticedAccount(payload: string): string | undefined {
  try {
    const accountId = (JSON.parse(payload) as { accountId?: unknown }).accountId;
    return typeof accountId === 'string' && /^[0-9a-f-]{36}$/i.test(accountId) ? accountId : undefined;
  } catch {
    return undefined;
  }
}
