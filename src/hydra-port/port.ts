// The port in Hydra's vocabulary. Two adapters implement it: in-process (src/auth/oidc) and
// HTTP to a Hydra admin URL (./http-adapter.ts). Everything outside src/auth talks to the
// authorization server only through this interface.
import type { Result } from '../shared/result.ts';
import type {
  AcceptConsent,
  AcceptLogin,
  ConsentRequest,
  ConsentSession,
  HydraError,
  IntrospectedToken,
  LoginRequest,
  LogoutRequest,
  OAuth2Client,
  RedirectTo,
  RejectRequest,
} from './types.ts';

export type HydraResult<T> = Promise<Result<T, HydraError>>;

export interface ClientListFilter {
  owner?: string;
  client_name?: string;
}

export interface HydraAdmin {
  getLoginRequest(challenge: string): HydraResult<LoginRequest>;
  acceptLoginRequest(challenge: string, body: AcceptLogin): HydraResult<RedirectTo>;
  rejectLoginRequest(challenge: string, body: RejectRequest): HydraResult<RedirectTo>;

  getConsentRequest(challenge: string): HydraResult<ConsentRequest>;
  acceptConsentRequest(challenge: string, body: AcceptConsent): HydraResult<RedirectTo>;
  rejectConsentRequest(challenge: string, body: RejectRequest): HydraResult<RedirectTo>;

  getLogoutRequest(challenge: string): HydraResult<LogoutRequest>;
  acceptLogoutRequest(challenge: string): HydraResult<RedirectTo>;
  rejectLogoutRequest(challenge: string): HydraResult<void>;

  listConsentSessions(subject: string): HydraResult<ConsentSession[]>;
  /** Revokes the subject's grants (for one client, or all) and every token issued from them. */
  revokeConsentSessions(subject: string, client?: string): HydraResult<void>;
  revokeLoginSessions(subject: string): HydraResult<void>;

  /** Token introspection (RFC 7662 with Hydra's fields). Inactive tokens give {active:false}, not an error. */
  introspect(token: string, scope?: string): HydraResult<IntrospectedToken>;
  revokeClientTokens(clientId: string): HydraResult<void>;

  listClients(filter?: ClientListFilter): HydraResult<OAuth2Client[]>;
  getClient(id: string): HydraResult<OAuth2Client>;
  createClient(body: Partial<OAuth2Client>): HydraResult<OAuth2Client>;
  /** Full replacement (PUT): omitted fields take Hydra's defaults; the secret stays unless one is given. */
  replaceClient(id: string, body: Partial<OAuth2Client>): HydraResult<OAuth2Client>;
  deleteClient(id: string): HydraResult<void>;
  rotateClientSecret(id: string): HydraResult<OAuth2Client>;
}
