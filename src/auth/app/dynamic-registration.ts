// Dynamic client registration (RFC 7591) and its management protocol (RFC 7592) at Hydra's /oauth2/register
// (issue 16). A registered client starts `pending`: it can start no flow until an admin approves it in the
// portal's review queue. Its registration access token is returned once and kept as a hash; an update puts
// the client back in review (a reviewed callback URL cannot be swapped afterwards).
import type { Database } from '../../db/database.ts';
import type { LightgatePort } from '../../hydra-port/port.ts';
import type { HydraError, OAuth2Client } from '../../hydra-port/types.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { generateSecret, hashSecret, verifySecret } from '../../shared/secret-hash.ts';

/** RFC 7591 section 3.2.2 / RFC 7592 section 2 error codes, plus Bearer's invalid_token (RFC 6750). */
export type RegistrationError =
  | { kind: 'invalid_client_metadata' | 'invalid_redirect_uri'; description: string }
  | { kind: 'invalid_token' }
  | { kind: 'unavailable' };

/** The metadata a registrant may set; everything else is Lightgate's (skip_consent, audience, owner, status…). */
const REGISTRABLE = ['client_name', 'client_uri', 'logo_uri', 'policy_uri', 'tos_uri', 'contacts', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'response_types', 'scope', 'token_endpoint_auth_method'] as const;

export type RegisteredClient = OAuth2Client & { registration_access_token?: string; registration_client_uri: string; client_id_issued_at?: number };

export interface DynamicRegistration {
  register(metadata: unknown): Promise<Result<RegisteredClient, RegistrationError>>;
  read(clientId: string, token: string | undefined): Promise<Result<RegisteredClient, RegistrationError>>;
  update(clientId: string, token: string | undefined, metadata: unknown): Promise<Result<RegisteredClient, RegistrationError>>;
  remove(clientId: string, token: string | undefined): Promise<Result<void, RegistrationError>>;
}

type Clients = Pick<LightgatePort, 'createClient' | 'getClient' | 'replaceClient' | 'deleteClient' | 'setClientStatus'>;

function registrable(metadata: unknown): Record<string, unknown> | undefined {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return undefined;
  const source = metadata as Record<string, unknown>;
  return Object.fromEntries(REGISTRABLE.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]));
}

/** The admin API's refusal as RFC 7591's error: redirect URIs have their own code. */
function refused(e: HydraError): RegistrationError {
  if (e.status >= 500) return { kind: 'unavailable' };
  const description = e.error_description || 'The client metadata is invalid';
  if (e.error === 'invalid_redirect_uri' || e.error === 'invalid_client_metadata') return { kind: e.error, description };
  return { kind: /redirect_uri/i.test(description) ? 'invalid_redirect_uri' : 'invalid_client_metadata', description };
}

const badBody: RegistrationError = { kind: 'invalid_client_metadata', description: 'The request body must be a JSON object of client metadata' };

export function createDynamicRegistration({ db, clients, issuer }: { db: Database; clients: Clients; issuer: string }): DynamicRegistration {
  const uriOf = (id: string) => `${issuer}/oauth2/register/${encodeURIComponent(id)}`;
  const view = (client: OAuth2Client, token?: string): RegisteredClient => ({ ...client, registration_client_uri: uriOf(client.client_id), ...(token ? { registration_access_token: token } : {}) });

  /** The client, when `token` is its registration access token; the same answer for an unknown client. */
  async function authorized(clientId: string, token: string | undefined): Promise<Result<OAuth2Client, RegistrationError>> {
    if (!token || !clientId) return err({ kind: 'invalid_token' });
    const [row] = await db.query<{ token_hash: string }>('SELECT token_hash FROM oauth2_client_registration_tokens WHERE client_id = $1', [clientId]);
    if (!row || !verifySecret(token, row.token_hash)) return err({ kind: 'invalid_token' });
    const found = await clients.getClient(clientId);
    if (!found.ok) return err(found.error.status === 404 ? { kind: 'invalid_token' } : refused(found.error));
    return ok(found.value);
  }

  return {
    async register(metadata) {
      const fields = registrable(metadata);
      if (!fields) return err(badBody);
      const created = await clients.createClient({ ...fields, status: 'pending', skip_consent: false, skip_logout_consent: false, metadata: { registration: 'dynamic' } });
      if (!created.ok) return err(refused(created.error));
      const token = generateSecret(32);
      await db.query('INSERT INTO oauth2_client_registration_tokens (client_id, token_hash) VALUES ($1, $2)', [created.value.client_id, hashSecret(token)]);
      return ok({ ...view(created.value, token), client_id_issued_at: Math.floor(Date.parse(created.value.created_at) / 1000) || Math.floor(Date.now() / 1000) });
    },

    async read(clientId, token) {
      const found = await authorized(clientId, token);
      return found.ok ? ok(view(found.value)) : found;
    },

    async update(clientId, token, metadata) {
      const found = await authorized(clientId, token);
      if (!found.ok) return found;
      const fields = registrable(metadata);
      if (!fields) return err(badBody);
      // RFC 7592 section 2.2: the body names the client it updates.
      if ((metadata as Record<string, unknown>).client_id !== clientId) return err({ kind: 'invalid_client_metadata', description: 'Field client_id must be the client being updated' });
      const current = found.value;
      const replaced = await clients.replaceClient(clientId, { ...fields, client_id: clientId, status: current.status, skip_consent: false, skip_logout_consent: false, metadata: current.metadata });
      if (!replaced.ok) return err(refused(replaced.error));
      if (replaced.value.status !== 'pending') {
        // Back to review: leaving `active` also revokes its tokens and grants.
        const pending = await clients.setClientStatus(clientId, 'pending');
        if (!pending.ok) return err(refused(pending.error));
        return ok(view(pending.value));
      }
      return ok(view(replaced.value));
    },

    async remove(clientId, token) {
      const found = await authorized(clientId, token);
      if (!found.ok) return found;
      const deleted = await clients.deleteClient(clientId);
      return deleted.ok ? ok(undefined) : err(refused(deleted.error));
    },
  };
}
