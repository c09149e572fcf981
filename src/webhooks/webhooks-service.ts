// The webhooks module's face (issue 14): callback endpoints (Blink's callbackEndpointAdd/Delete,
// Account.callbackEndpoints, Lightgate's callbackEndpointSecretRotate), the owner's deliveries (portal),
// and the delivery worker. Built once per process by the composition root; the API and the portal share it.
import type { Database } from '../db/database.ts';
import type { HydraAdmin } from '../hydra-port/port.ts';
import { watchWebhookQueue } from '../observability/metrics.ts';
import { createLimit } from '../shared/limits/limit.ts';
import type { Logger } from '../shared/logger.ts';
import type { Result } from '../shared/result.ts';
import { createSecretBox } from '../shared/secret-box.ts';
import { startDeliveryWorker, type DeliveryWorker } from './app/delivery-worker.ts';
import { addEndpoint, endpointsOf, removeEndpoint, rotateSecret } from './app/manage-endpoints.ts';
import { deliveriesOf, reenableEndpoint, replayDelivery, sendTestEvent } from './app/manual-deliveries.ts';
import type { WebhookError } from './domain/errors.ts';
import type { WebhookSettings } from './domain/settings.ts';
import { queueStats, type DeliveryView } from './services/deliveries.ts';
import { accountOfUser, type Endpoint, type EndpointOwner } from './services/endpoints.ts';

export type { DeliveryView, Endpoint, EndpointOwner, WebhookError, WebhookSettings };
export { WEBHOOK_ERROR_MESSAGES } from './domain/error-messages.ts';

export interface WebhooksService {
  add(owner: EndpointOwner, url: string): Promise<Result<{ endpoint: Endpoint; secret: string }, WebhookError>>;
  list(owner: EndpointOwner): Promise<Endpoint[]>;
  remove(owner: EndpointOwner, id: string): Promise<Result<true, WebhookError>>;
  rotateSecret(owner: EndpointOwner, id: string): Promise<Result<{ id: string; secret: string }, WebhookError>>;
  deliveries(owner: EndpointOwner, endpointId: string): Promise<Result<DeliveryView[], WebhookError>>;
  sendTestEvent(owner: EndpointOwner, endpointId: string): Promise<Result<string, WebhookError>>;
  replay(owner: EndpointOwner, deliveryId: string): Promise<Result<string, WebhookError>>;
  enable(owner: EndpointOwner, endpointId: string): Promise<Result<true, WebhookError>>;
  /** The account holder's owner (all the account's endpoints) for a signed-in person; undefined without an account. */
  ownerOfUser(userId: string): Promise<EndpointOwner | undefined>;
  /** The worker of this process (undefined when it runs none): tests and the bench drive it. */
  readonly worker: DeliveryWorker | undefined;
  close(): Promise<void>;
}

export interface WebhooksDeps {
  db: Database;
  /** SECRETS_SYSTEM: the signing secrets are sealed under it. */
  secrets: readonly string[];
  settings: WebhookSettings;
  /** Whether an OAuth app still holds `read` on a user's account (its consent not revoked). */
  appAuthorized(userId: string, clientId: string): Promise<boolean>;
  /** Run a delivery worker in this process (settings.concurrency > 0 as well). */
  runWorker: boolean;
  logger?: Logger | undefined;
}

export function createWebhooksService(deps: WebhooksDeps): WebhooksService {
  const { db, settings } = deps;
  const box = createSecretBox(deps.secrets, { purpose: 'webhook-signing-secrets', version: 'w1' });
  const worker = deps.runWorker && settings.concurrency > 0 ? startDeliveryWorker({ db, box, settings, appAuthorized: deps.appAuthorized, logger: deps.logger }) : undefined;
  const unwatch = watchWebhookQueue(() => queueStats(db));
  const manage = { db, box, settings };
  const manual = { db, limit: createLimit(db, { prefix: 'webhook-manual', limit: settings.manualPerMinute, windowSeconds: 60 }), wake: () => worker?.wake() };
  return {
    add: (owner, url) => addEndpoint(manage, owner, url),
    list: (owner) => endpointsOf(manage, owner),
    remove: (owner, id) => removeEndpoint(manage, owner, id),
    rotateSecret: (owner, id) => rotateSecret(manage, owner, id),
    deliveries: (owner, endpointId) => deliveriesOf(manual, owner, endpointId),
    sendTestEvent: (owner, endpointId) => sendTestEvent(manual, owner, endpointId),
    replay: (owner, deliveryId) => replayDelivery(manual, owner, deliveryId),
    enable: (owner, endpointId) => reenableEndpoint(manual, owner, endpointId),
    async ownerOfUser(userId) {
      const accountId = await accountOfUser(db, userId);
      return accountId ? { accountId, clientId: null } : undefined;
    },
    worker,
    async close() {
      unwatch();
      await worker?.stop();
    },
  };
}

/**
 * Whether an OAuth app still holds `read` on a user's account, asked of the authorization server (its
 * consent sessions): an app's endpoints get events only while it does, so a revoked app hears nothing more.
 */
export function consentChecker(hydra: Pick<HydraAdmin, 'listConsentSessions'>): WebhooksDeps['appAuthorized'] {
  return async (userId, clientId) => {
    const sessions = await hydra.listConsentSessions(userId);
    if (!sessions.ok) throw new Error(`consent sessions unavailable: ${sessions.error.error}`);
    return sessions.value.some((s) => s.consent_request.client?.client_id === clientId && s.grant_scope.includes('read'));
  };
}
