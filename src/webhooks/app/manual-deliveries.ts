// The owner's own deliveries: recent ones per endpoint, a test event, a replay of one delivery
// (the same webhook-id, so a receiver that already has it dedupes it). Both are rate limited per account.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { Limit } from '../../shared/limits/limit.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { webhookError, type WebhookError } from '../domain/errors.ts';
import { enableEndpoint, findEndpoint, isUuid, type EndpointOwner } from '../services/endpoints.ts';
import { enqueue, findDelivery, recentDeliveries, type DeliveryView } from '../services/deliveries.ts';

export interface ManualDeps {
  db: Database;
  limit: Limit;
  /** Wakes this process's worker (the new delivery is due now). */
  wake(): void;
}

const NOT_FOUND = webhookError('ENDPOINT_NOT_FOUND', 'No such callback endpoint');

async function admit(deps: ManualDeps, owner: EndpointOwner): Promise<WebhookError | undefined> {
  const { allowed, retryAfter } = await deps.limit.hit(owner.accountId);
  return allowed ? undefined : webhookError('TOO_MANY_REQUESTS', `Too many test events or replays; retry in ${retryAfter} s`);
}

export async function deliveriesOf(deps: ManualDeps, owner: EndpointOwner, endpointId: string, limit = 20): Promise<Result<DeliveryView[], WebhookError>> {
  if (!(await findEndpoint(deps.db, owner, endpointId))) return err(NOT_FOUND);
  return ok(await recentDeliveries(deps.db, owner, endpointId, limit));
}

export async function sendTestEvent(deps: ManualDeps, owner: EndpointOwner, endpointId: string): Promise<Result<string, WebhookError>> {
  const endpoint = await findEndpoint(deps.db, owner, endpointId);
  if (!endpoint) return err(NOT_FOUND);
  if (endpoint.disabledAt) return err(webhookError('ENDPOINT_DISABLED', 'The endpoint is disabled: enable it first'));
  const refused = await admit(deps, owner);
  if (refused) return err(refused);
  const messageId = randomUUID();
  const body = JSON.stringify({ type: 'webhook.test', timestamp: new Date().toISOString(), data: { endpointId } });
  const id = await enqueue(deps.db, owner, endpointId, { messageId, type: 'webhook.test', body });
  if (!id) return err(NOT_FOUND);
  deps.wake();
  return ok(id);
}

export async function replayDelivery(deps: ManualDeps, owner: EndpointOwner, deliveryId: string): Promise<Result<string, WebhookError>> {
  const earlier = isUuid(deliveryId) ? await findDelivery(deps.db, owner, deliveryId) : undefined;
  if (!earlier) return err(webhookError('DELIVERY_NOT_FOUND', 'No such delivery'));
  const refused = await admit(deps, owner);
  if (refused) return err(refused);
  const id = await enqueue(deps.db, owner, earlier.endpointId, earlier);
  if (!id) return err(webhookError('ENDPOINT_DISABLED', 'The endpoint is disabled: enable it first'));
  deps.wake();
  return ok(id);
}

export async function reenableEndpoint(deps: ManualDeps, owner: EndpointOwner, endpointId: string): Promise<Result<true, WebhookError>> {
  return (await enableEndpoint(deps.db, owner, endpointId)) ? ok(true) : err(NOT_FOUND);
}
