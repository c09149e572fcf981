// Shapes of Ory Hydra's admin API (Ory Hydra's OpenAPI spec, ory/hydra `spec/api.json`), the subset Lightgate speaks.
// The login & consent app, the wallet API and the portal see the auth server only through these.
import type { WalletSpendDetail } from '../shared/wallet-spend/spend-detail.ts';

export type ClientStatus = 'pending' | 'active' | 'suspended';

/** OAuth2Client's per-grant token lifespans (Hydra's OpenAPI spec); Lightgate keeps them constant (null). */
export const CLIENT_LIFESPAN_FIELDS = [
  'authorization_code_grant_access_token_lifespan',
  'authorization_code_grant_id_token_lifespan',
  'authorization_code_grant_refresh_token_lifespan',
  'client_credentials_grant_access_token_lifespan',
  'device_authorization_grant_access_token_lifespan',
  'device_authorization_grant_id_token_lifespan',
  'device_authorization_grant_refresh_token_lifespan',
  'implicit_grant_access_token_lifespan',
  'implicit_grant_id_token_lifespan',
  'jwt_bearer_grant_access_token_lifespan',
  'refresh_token_grant_access_token_lifespan',
  'refresh_token_grant_id_token_lifespan',
  'refresh_token_grant_refresh_token_lifespan',
] as const;

export interface OAuth2Client {
  client_id: string;
  client_name: string;
  client_secret?: string;
  client_secret_expires_at: number;
  client_uri: string;
  contacts: string[] | null;
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  scope: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  skip_consent: boolean;
  skip_logout_consent: boolean;
  /** OIDC Back-Channel Logout 1.0 section 2.2: where the issuer POSTs a logout token ('' for none). */
  backchannel_logout_uri?: string;
  /** Whether the logout token must carry the session id (sid). */
  backchannel_logout_session_required?: boolean;
  /** Lightgate extension (issue 16, RFC 9449 section 5.2): every access token of the client is DPoP-bound. */
  dpop_bound_access_tokens?: boolean;
  /** Lightgate extension (issue 16, RFC 9126 section 6): the client may only start flows through /oauth2/par. */
  require_pushed_authorization_requests?: boolean;
  /** Lightgate extension (issue 15, RFC 9396): the budget of a `write` grant whose app asked none; null: none. */
  spend_budget_default?: WalletSpendDetail | null;
  /** Lightgate extension (issue 15): the most the app may ask (and the user may raise to); null: no cap. */
  spend_budget_max?: WalletSpendDetail | null;
  audience: string[];
  metadata: Record<string, unknown>;
  owner: string;
  policy_uri: string;
  tos_uri: string;
  logo_uri: string;
  subject_type: string;
  /** "jwt" or "opaque"; absent unless the client set it, as in Hydra (the server's default applies). */
  access_token_strategy?: string;
  created_at: string;
  updated_at: string;
  /** Lightgate extension: approval state. Hydra has none; absent means active. */
  status?: ClientStatus;
  /** Fields Hydra always returns; constant in Lightgate (no CORS per client, no client JWKS, no per-grant lifespans). */
  allowed_cors_origins?: string[];
  jwks?: Record<string, unknown>;
  userinfo_signed_response_alg?: string;
  [lifespan: `${string}_lifespan`]: string | null | undefined;
}

export interface OidcContext {
  acr_values?: string[];
  display?: string;
  id_token_hint_claims?: Record<string, unknown>;
  login_hint?: string;
  ui_locales?: string[];
}

export interface LoginRequest {
  challenge: string;
  client: OAuth2Client;
  oidc_context: OidcContext;
  request_url: string;
  requested_access_token_audience: string[];
  requested_scope: string[];
  session_id?: string;
  skip: boolean;
  subject: string;
}

export interface ConsentRequest {
  challenge: string;
  acr?: string;
  amr?: string[];
  client: OAuth2Client;
  context?: unknown;
  login_challenge?: string;
  login_session_id?: string;
  oidc_context: OidcContext;
  request_url: string;
  requested_access_token_audience: string[];
  requested_scope: string[];
  /** Lightgate extension (issue 15, RFC 9396): the budget asked with `write` ([] when none). */
  requested_authorization_details?: WalletSpendDetail[];
  skip: boolean;
  subject: string;
}

export interface LogoutRequest {
  challenge: string;
  client?: OAuth2Client | null;
  request_url: string;
  rp_initiated: boolean;
  sid: string;
  subject: string;
  expires_at?: string | null;
  requested_at?: string | null;
}

export interface AcceptLogin {
  subject: string;
  remember?: boolean;
  remember_for?: number;
  acr?: string;
  amr?: string[];
  context?: unknown;
  extend_session_lifespan?: boolean;
  force_subject_identifier?: string;
  identity_provider_session_id?: string;
}

export interface AcceptConsent {
  grant_scope?: string[];
  grant_access_token_audience?: string[];
  remember?: boolean;
  remember_for?: number;
  session?: { access_token?: Record<string, unknown>; id_token?: Record<string, unknown> };
  context?: unknown;
  /** Lightgate extension (issue 15): within the requested details; absent means the requested as they are. */
  grant_authorization_details?: WalletSpendDetail[];
}

/** Hydra's acceptDeviceUserCodeRequest: the user code entered on the device verification page. */
export interface AcceptDeviceUserCode {
  user_code?: string;
}

export interface RejectRequest {
  error?: string;
  error_description?: string;
  error_hint?: string;
  error_debug?: string;
  status_code?: number;
}

export interface RedirectTo {
  redirect_to: string;
}

export interface ConsentSession {
  consent_request: ConsentRequest;
  grant_scope: string[];
  grant_access_token_audience: string[];
  remember: boolean;
  remember_for: number;
  handled_at: string;
  session: { access_token: Record<string, unknown>; id_token: Record<string, unknown> };
  /** Lightgate extension (issue 15): the budget this consent granted ([] for none). */
  grant_authorization_details?: WalletSpendDetail[];
}

export interface IntrospectedToken {
  active: boolean;
  scope?: string;
  client_id?: string;
  sub?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  aud?: string[];
  iss?: string;
  token_type?: string;
  token_use?: 'access_token' | 'refresh_token';
  ext?: Record<string, unknown>;
  username?: string;
  obfuscated_subject?: string;
  /** RFC 9449 section 6.2 (a Lightgate extension of Hydra's answer): the key a DPoP-bound token is bound to. */
  cnf?: { jkt?: string };
  /** RFC 9396 section 9.1 (issue 15): the token's granted authorization details (its spending budget). */
  authorization_details?: WalletSpendDetail[];
}

/** Hydra's error body (errorOAuth2 / genericError flattened): what the admin API answers on 4xx. */
export interface HydraError {
  /** HTTP status: 400 bad request, 404 not found, 409 conflict, 410 already handled, 503 unavailable. */
  status: number;
  error: string;
  error_description: string;
  /** Only for 410 (request already handled): where the browser should go. */
  redirect_to?: string;
}
