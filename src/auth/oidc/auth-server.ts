// The authorization server's core, and the only owner of oidc-provider: builds the provider, keeps it in
// step with the signing keys in the database, and exposes the whole port (LightgatePort) implemented in-process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Config } from '../../config/config.ts';
import type { Database } from '../../db/database.ts';
import type { LightgatePort } from '../../hydra-port/port.ts';
import type { Logger } from '../../shared/logger.ts';
import type { GrantBudgetRecorder } from '../../shared/wallet-spend/grant-budgets.ts';
import { createClientAdmin, publicView } from '../app/client-admin.ts';
import type { StoredClient } from '../domain/client.ts';
import { createClientRepository } from '../services/client-repository.ts';
import { toProviderMetadata } from './client-metadata.ts';
import { createClientAuthThrottle } from './client-auth-throttle.ts';
import { createConsentSessions } from './consent-sessions.ts';
import { createDeviceChallenges, deviceLimits } from './device-challenges.ts';
import { createHandledChallenges } from './handled-challenges.ts';
import { createHydraFlows } from './hydra-admin.ts';
import { createFlowVerifiers } from './flow-verifiers.ts';
import { createLogoutRequests } from './logout-requests.ts';
import { buildProvider } from './provider-factory.ts';
import { HYDRA_ROUTES } from './routes.ts';
import { KEYS_CHANNEL, loadSigningKeys, retiredKeyGraceSeconds, signingKeysVersion } from './signing-keys.ts';
import { deleteClientPayloads, deleteExpiredPayloads } from './sql-adapter.ts';
import { createTokenIds } from './token-ids.ts';
import { createRequestReadAlong } from './request-read-along.ts';
import type { RequestReadAlong } from '../../shared/limits/plugin.ts';
import { hashLegacyPayloadIds } from './legacy-token-ids.ts';

export interface AuthServer {
  /** The in-process adapter of the port: flows, sessions and tokens (./hydra-admin.ts) and clients with Lightgate's extension. */
  readonly hydra: LightgatePort;
  /** Node request handler for oidc-provider's routes (the public port). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Reloads signing keys now (also done on NOTIFY and every few seconds). */
  reloadKeys(): Promise<void>;
  readonly routes: typeof HYDRA_ROUTES;
  /** Rows the public server's requests read in their rate-limit count (request-read-along.ts). */
  readonly readAlong: RequestReadAlong;
  close(): Promise<void>;
}

export async function createAuthServer({ config, db, logger, budgets }: { config: Config; db: Database; logger: Logger; budgets?: GrantBudgetRecorder }): Promise<AuthServer> {
  const consentSessions = createConsentSessions(db);
  const logoutRequests = createLogoutRequests(db, config.ttl.interaction);
  const handled = createHandledChallenges(db);
  const throttle = createClientAuthThrottle(db, { maxFailures: config.clientAuthThrottle.maxFailures, windowSeconds: config.clientAuthThrottle.windowSeconds });
  const clients = createClientRepository(db);
  const rotatedSecrets = (clientId: string) => clients.rotatedSecretHashes(clientId, new Date());
  const tokenIds = createTokenIds(config.secrets.system);
  const verifiers = createFlowVerifiers(db, tokenIds);
  const rehashed = await hashLegacyPayloadIds(db, tokenIds);
  if (rehashed) logger.info({ rows: rehashed }, 'tokens and sessions from before hashing at rest stored under their keyed hash');

  // Retired keys leave the JWKS once every token they signed has expired (issue 19 #16).
  const keyGrace = retiredKeyGraceSeconds(config.ttl);
  const build = async () => buildProvider({ config, db, keys: await loadSigningKeys(db, config.secrets.system, keyGrace), throttle, rotatedSecrets, logoutRequests, consentSessions, handled, verifiers });
  let provider: Provider = await build();
  let callback = provider.callback();
  let keysVersion = await signingKeysVersion(db, keyGrace);

  const reloadKeys = async () => {
    const version = await signingKeysVersion(db, keyGrace);
    if (version === keysVersion) return;
    provider = await build();
    callback = provider.callback();
    keysVersion = version;
    logger.info({ version }, 'signing keys reloaded');
  };
  const safeReload = () => reloadKeys().catch((error) => logger.warn({ err: error }, 'signing key reload failed'));
  // NOTIFY gives near-instant rotation across processes; the poll covers a lost LISTEN connection.
  const unlisten = await db.listen(KEYS_CHANNEL, () => void safeReload());
  const keyPoll = setInterval(() => void safeReload(), 5000).unref();
  const cleanup = setInterval(() => void deleteExpiredPayloads(db).catch(() => undefined), 10 * 60_000).unref();

  const revokeAll = async (clientId: string) => {
    await consentSessions.revokeForClient(clientId);
    await deleteClientPayloads(db, clientId);
  };
  const validate = async (stored: StoredClient) => {
    // Hydra accepts clients without redirect URIs; they simply cannot run an authorization code flow.
    if (stored.client.redirect_uris.length === 0) return undefined;
    try {
      await (provider.Client as unknown as { validate(m: unknown): Promise<void> }).validate(toProviderMetadata(stored));
      return undefined;
    } catch (error) {
      return (error as { error_description?: string; message: string }).error_description ?? (error as Error).message;
    }
  };
  const clientAdmin = createClientAdmin({ db, validate, revokeAll, rotationGraceSeconds: config.clientSecretRotationGrace });
  const findClient = async (id: string, known?: StoredClient | null) => {
    const stored = known !== undefined ? (known ?? undefined) : await clients.find(id);
    return stored && publicView(stored);
  };
  const flows = createHydraFlows({ db, issuer: config.urls.issuer, interactionTtl: config.ttl.interaction, provider: () => provider, findClient, consentSessions, handled, logoutRequests, tokenIds, verifiers, deviceChallenges: createDeviceChallenges(db, deviceLimits(config)), writeBudgetDefault: config.writeBudgetDefault, budgets });

  return {
    hydra: { ...flows, ...clientAdmin },
    handle: (req, res) => void callback(req, res),
    routes: HYDRA_ROUTES,
    readAlong: createRequestReadAlong(tokenIds),
    reloadKeys,
    async close() {
      clearInterval(keyPoll);
      clearInterval(cleanup);
      await unlisten();
    },
  };
}
