// Registering, listing, deleting callback endpoints and rotating their secrets (GraphQL and the portal).
// The secret is generated here, returned once, and stored sealed.
import type { Database } from '../../db/database.ts';
import type { SecretBox } from '../../shared/secret-box.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { parseEndpointUrl } from '../domain/endpoint-url.ts';
import { webhookError, type WebhookError } from '../domain/errors.ts';
import type { WebhookSettings } from '../domain/settings.ts';
import { deleteEndpoint, insertEndpoint, listEndpoints, replaceSecret, type Endpoint, type EndpointOwner } from '../services/endpoints.ts';
import { resolveAllowed } from '../services/safe-http.ts';
import { newSigningSecret } from '../services/signing.ts';

export interface ManageDeps {
  db: Database;
  box: SecretBox;
  settings: WebhookSettings;
}

const NOT_FOUND = webhookError('ENDPOINT_NOT_FOUND', 'No such callback endpoint');

export async function addEndpoint(deps: ManageDeps, owner: EndpointOwner, rawUrl: string): Promise<Result<{ endpoint: Endpoint; secret: string }, WebhookError>> {
  const url = parseEndpointUrl(rawUrl, deps.settings);
  if (!url.ok) return url;
  // Checked at registration too (and again at each connection): a name resolving to a refused range is refused.
  const resolved = await resolveAllowed(url.value, deps.settings.allowLoopback);
  if (!resolved.ok) return err(webhookError('URL_NOT_ALLOWED', `The URL is not allowed: ${resolved.error}`));
  const secret = newSigningSecret();
  const endpoint = await insertEndpoint(deps.db, owner, url.value.href, deps.box.seal(secret), deps.settings.maxEndpointsPerAccount);
  if (!endpoint) return err(webhookError('TOO_MANY_ENDPOINTS', `An account has at most ${deps.settings.maxEndpointsPerAccount} callback endpoints`));
  return ok({ endpoint, secret });
}

export function endpointsOf(deps: ManageDeps, owner: EndpointOwner): Promise<Endpoint[]> {
  return listEndpoints(deps.db, owner);
}

export async function removeEndpoint(deps: ManageDeps, owner: EndpointOwner, id: string): Promise<Result<true, WebhookError>> {
  return (await deleteEndpoint(deps.db, owner, id)) ? ok(true) : err(NOT_FOUND);
}

/** A new secret, shown once; the old one stops signing at once (receivers verify with the new one). */
export async function rotateSecret(deps: ManageDeps, owner: EndpointOwner, id: string): Promise<Result<{ id: string; secret: string }, WebhookError>> {
  const secret = newSigningSecret();
  return (await replaceSecret(deps.db, owner, id, deps.box.seal(secret))) ? ok({ id, secret }) : err(NOT_FOUND);
}
