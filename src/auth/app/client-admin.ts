// Use cases of the client half of the admin API: create, read, replace, delete, rotate the secret and the
// Lightgate approval state (pending → active ↔ suspended).
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { isConnectionError } from '../../db/database.ts';
import type { LightgatePort } from '../../hydra-port/port.ts';
import { CLIENT_LIFESPAN_FIELDS, type HydraError, type OAuth2Client } from '../../hydra-port/types.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { generateSecret, hashSecret } from '../../shared/secret-hash.ts';
import { normalizeClient, type StoredClient } from '../domain/client.ts';
import { createClientRepository } from '../services/client-repository.ts';

/** The client half of the port, Lightgate's extension included (the in-process adapter's, with ../oidc). */
export type ClientAdmin = Pick<LightgatePort, 'listClients' | 'getClient' | 'createClient' | 'replaceClient' | 'deleteClient' | 'rotateClientSecret' | 'deleteRotatedClientSecrets' | 'setClientStatus' | 'listClientsPage'>;

export interface ClientAdminDeps {
  db: Database;
  /** Protocol-level validation (oidc-provider's client schema); resolves to an error message or undefined. */
  validate: (stored: StoredClient) => Promise<string | undefined>;
  /** Revokes every token, code and grant of the client (delete and suspend). */
  revokeAll: (clientId: string) => Promise<void>;
  /** Seconds a rotated secret keeps working beside the new one (CLIENT_SECRET_ROTATION_GRACE). */
  rotationGraceSeconds: number;
  now?: () => Date;
}

/** Hydra keeps up to five rotated secrets. */
const ROTATED_SECRETS_KEPT = 5;

const fail = (status: number, error: string, error_description: string) => err<HydraError>({ status, error, error_description });
/** Hydra always returns these; SDKs generated from its OpenAPI read them. Lifespans come from config, not per client. */
const HYDRA_CONSTANT_FIELDS = { allowed_cors_origins: [], jwks: {}, userinfo_signed_response_alg: 'none', ...Object.fromEntries(CLIENT_LIFESPAN_FIELDS.map((k) => [k, null])) };
/** Hydra's defaults of fields that clients stored before they existed lack. */
const HYDRA_DEFAULTS = { backchannel_logout_uri: '', backchannel_logout_session_required: false, dpop_bound_access_tokens: false, require_pushed_authorization_requests: false, spend_budget_default: null, spend_budget_max: null };

export const publicView = (stored: StoredClient, secret?: string): OAuth2Client => ({
  ...HYDRA_CONSTANT_FIELDS,
  ...HYDRA_DEFAULTS,
  ...stored.client,
  status: stored.status,
  ...(secret ? { client_secret: secret } : {}),
});

async function guarded<T>(work: () => Promise<Result<T, HydraError>>): Promise<Result<T, HydraError>> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionError(error)) return fail(503, 'temporarily_unavailable', 'the database is unavailable');
    throw error;
  }
}

export function createClientAdmin({ db, validate, revokeAll, rotationGraceSeconds, now = () => new Date() }: ClientAdminDeps): ClientAdmin {
  const repo = createClientRepository(db);

  async function build(body: unknown, existing?: StoredClient) {
    const normalized = normalizeClient(body, { now: new Date(), generatedId: randomUUID(), generatedSecret: generateSecret(32), existing });
    if (!normalized.ok) return fail(400, normalized.error.error, normalized.error.error_description);
    const { client, secret, status } = normalized.value;
    const stored: StoredClient = { client, status, secretHash: secret ? hashSecret(secret) : client.token_endpoint_auth_method === 'none' ? undefined : existing?.secretHash };
    const problem = await validate(stored);
    if (problem) return fail(400, 'invalid_client_metadata', problem);
    return ok({ stored, secret });
  }

  const api: ClientAdmin = {
    listClientsPage: (filter) => guarded(async () => ok((await repo.list(filter)).map((c) => publicView(c)))),
    listClients: (filter = {}) => api.listClientsPage({ ...filter, limit: 500, offset: 0 }),
    getClient: (id) =>
      guarded(async () => {
        const stored = await repo.find(id);
        return stored ? ok(publicView(stored)) : fail(404, 'Not Found', 'Unable to locate the resource');
      }),
    createClient: (body) =>
      guarded(async () => {
        if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(400, 'invalid_request', 'The request body must be a JSON object');
        const built = await build(body);
        if (!built.ok) return built;
        if (!(await repo.insert(built.value.stored))) return fail(409, 'Conflict', `A client with client_id "${built.value.stored.client.client_id}" already exists`);
        return ok(publicView(built.value.stored, built.value.secret));
      }),
    replaceClient: (id, body) =>
      guarded(async () => {
        if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(400, 'invalid_request', 'The request body must be a JSON object');
        const existing = await repo.find(id);
        if (!existing) return fail(404, 'Not Found', 'Unable to locate the resource');
        if (body.client_id !== undefined && body.client_id !== '' && body.client_id !== id) return fail(400, 'invalid_request', 'Field client_id cannot be changed');
        const built = await build({ ...body, client_id: id }, existing);
        if (!built.ok) return built;
        await repo.update(built.value.stored);
        // A secret set by hand ends the grace of rotated ones (Hydra: "Passing a new client_secret will clear all rotated secrets").
        if (body.client_secret) await repo.clearRotatedSecrets(id);
        // Leaving `active` (to pending or suspended) ends every token, code and grant, so a later
        // reactivation brings none of them back (issue 11 #5).
        if (built.value.stored.status !== 'active') await revokeAll(id);
        return ok(publicView(built.value.stored, body.client_secret ? built.value.secret : undefined));
      }),
    deleteClient: (id) =>
      guarded(async () => {
        if (!(await repo.remove(id))) return fail(404, 'Not Found', 'Unable to locate the resource');
        await revokeAll(id);
        return ok(undefined);
      }),
    rotateClientSecret: (id) =>
      guarded(async () => {
        const existing = await repo.find(id);
        if (!existing) return fail(404, 'Not Found', 'Unable to locate the resource');
        if (existing.client.token_endpoint_auth_method === 'none') return fail(400, 'invalid_request', 'Public clients have no secret to rotate');
        const secret = generateSecret(32);
        const at = now();
        const stored: StoredClient = { ...existing, secretHash: hashSecret(secret), client: { ...existing.client, updated_at: at.toISOString() } };
        await db.transaction(async (tx) => {
          const inTx = createClientRepository(tx);
          // Issue 17 #5: the old secret keeps working for the grace period (Hydra's rotateOAuth2ClientSecret).
          if (existing.secretHash) await inTx.keepRotatedSecret(id, existing.secretHash, at, new Date(at.getTime() + rotationGraceSeconds * 1000), ROTATED_SECRETS_KEPT);
          await inTx.update(stored);
        });
        return ok(publicView(stored, secret));
      }),
    deleteRotatedClientSecrets: (id) =>
      guarded(async () => {
        const existing = await repo.find(id);
        if (!existing) return fail(404, 'Not Found', 'Unable to locate the resource');
        await repo.clearRotatedSecrets(id);
        return ok(publicView(existing));
      }),
    setClientStatus: (id, status) =>
      guarded(async () => {
        const existing = await repo.find(id);
        if (!existing) return fail(404, 'Not Found', 'Unable to locate the resource');
        await repo.setStatus(id, status);
        // Any status but `active` revokes every token, code and consent at once (refused from the next
        // request on), so reactivating the client later does not bring them back to life (issue 11 #5).
        if (status !== 'active') await revokeAll(id);
        return ok(publicView({ ...existing, status }));
      }),
  };
  return api;
}
