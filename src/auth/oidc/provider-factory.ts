// Builds the oidc-provider instance with Hydra's paths and rules: configuration (configuration.ts), the
// prototype overrides (patches.ts) and the middleware (middleware.ts). Rebuilt when signing keys change.
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { JWK } from 'jose';
import type { Config } from '../../config/config.ts';
import type { Database } from '../../db/database.ts';
import type { ClientAuthThrottle } from './client-auth-throttle.ts';
import { createConfiguration } from './configuration.ts';
import type { ConsentSessions } from './consent-sessions.ts';
import type { FlowVerifiers } from './flow-verifiers.ts';
import type { HandledChallenges } from './handled-challenges.ts';
import type { LogoutRequests } from './logout-requests.ts';
import { useMiddleware } from './middleware.ts';
import { applyPatches, type RotatedSecrets } from './patches.ts';
import { HYDRA_ROUTES } from './routes.ts';
import { applyDpopRules, useParHydraCompat } from './sender-constraints.ts';

export { HYDRA_ROUTES };

export interface ProviderDeps {
  config: Config;
  db: Database;
  keys: JWK[];
  throttle: ClientAuthThrottle;
  /** Rotated client secrets in their grace period (issue 17 #5). */
  rotatedSecrets?: RotatedSecrets;
  logoutRequests: LogoutRequests;
  consentSessions: ConsentSessions;
  handled: HandledChallenges;
  verifiers: FlowVerifiers;
}

export function buildProvider(deps: ProviderDeps): Provider {
  const provider = new Provider(deps.config.urls.issuer, createConfiguration(deps));
  applyPatches(provider, deps);
  applyDpopRules(provider, deps);
  useMiddleware(provider, deps);
  useParHydraCompat(provider, deps.config);
  return provider;
}

export type { Provider, KoaContextWithOIDC };
