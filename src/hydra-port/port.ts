// The port in Hydra's vocabulary, plus Lightgate's extension (what Hydra has no API for). Two adapters
// implement the whole of it: in-process (src/auth/oidc/auth-server.ts) and HTTP to an admin URL
// (./http-adapter.ts). Everything outside src/auth talks to the authorization server only through it.
import type { Result } from '../shared/result.ts';
import type {
  AcceptConsent,
  AcceptDeviceUserCode,
  AcceptLogin,
  ClientStatus,
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

  /**
   * Device authorization grant (RFC 8628), Hydra's acceptUserCodeRequest: the user code a person typed on the
   * device verification page, for the device challenge that page holds. The redirect_to continues the flow in
   * the browser that opened /oauth2/device/verify (400 for a wrong code, 404 for an unknown challenge, 429 throttled).
   */
  acceptUserCodeRequest(challenge: string, body: AcceptDeviceUserCode): HydraResult<RedirectTo>;

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
  /** Ends the grace of every rotated secret at once (Hydra's deleteRotatedOAuth2ClientSecrets). */
  deleteRotatedClientSecrets(id: string): HydraResult<OAuth2Client>;
}

/** One page of clients by position, for the admin server's own paging (GET /admin/clients's page_token). */
export interface ClientPage extends ClientListFilter {
  limit: number;
  offset: number;
}

/**
 * Lightgate's extension of the admin API. Ory Hydra has none of it: behind a real Hydra (HYDRA_ADMIN_URL)
 * every call answers the error value EXTENSION_UNAVAILABLE, and nothing is sent.
 */
export interface LightgateExtension {
  /** The approval state (pending → active ↔ suspended); leaving `active` revokes every token and grant. PUT /admin/clients/{id}/status. */
  setClientStatus(id: string, status: ClientStatus): HydraResult<OAuth2Client>;
  listClientsPage(page: ClientPage): HydraResult<OAuth2Client[]>;
}

/** The whole port: what the login app, the wallet API, the portal and clients-as-code may ask of the auth server. */
export type LightgatePort = HydraAdmin & LightgateExtension;

/** HydraError.error of an extension call where the authorization server (a real Hydra) has no extension. */
export const EXTENSION_UNAVAILABLE = 'extension_unavailable';
