// Sign-in with Lightgate (or any Hydra-compatible server): discovery, the authorization URL with PKCE, state and
// nonce, callback validation (state, and iss per RFC 9207), code exchange, refresh, revocation and userinfo.
// Every protocol step is openid-client's; this module keeps the pieces together and returns typed errors.
import * as oidc from 'openid-client';
import { fromOpenIdError, lightgateError, type LightgateError } from './errors.ts';
import { err, ok, type Result } from './result.ts';
import type { AuthorizationDetail } from './budget.ts';

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface LightgateClientOptions {
  /** The authorization server (Hydra's public URL), e.g. `http://localhost:4444` or `https://oauth.blink.sv`. */
  issuer: string | URL;
  clientId: string;
  /** For confidential (server-side) clients. Public clients (native apps, SPAs) have none and must use PKCE. */
  clientSecret?: string;
  /** Default: `client_secret_basic` with a secret, `none` without. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /**
   * Allow plain-http endpoints. Default: only when the issuer is a loopback address (local development);
   * set it for other http issuers at your own risk.
   */
  allowInsecureRequests?: boolean;
  /** Per-request timeout in seconds (default 30). */
  timeoutSeconds?: number;
  /**
   * DPoP (RFC 9449): a key pair from `generateDPoPKeyPair()`. Tokens are then bound to it: the token, refresh
   * and device grants send a proof signed with it (openid-client's DPoP support, server nonces included), and a
   * stolen token is useless without the key. Call the wallet API through `client.dpopFetch`.
   */
  dpop?: CryptoKeyPair;
}

/** A non-extractable ES256 key pair for `dpop`: keep it for as long as the tokens it binds. */
export function generateDPoPKeyPair(): Promise<CryptoKeyPair> {
  return oidc.randomDPoPKeyPair('ES256');
}

/** What to keep between sending the browser away and handling the callback (a cookie or server-side session). */
export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  /** Set when the scope has openid: the ID token must carry it. */
  nonce?: string;
  redirectUri: string;
  scope: string;
}

export interface AuthorizationRequest {
  url: URL;
  pending: PendingAuthorization;
}

export interface AuthorizationUrlOptions {
  /** Must be one of the client's registered redirect URIs (for loopback native apps, only the port may differ). */
  redirectUri: string;
  /** Space-separated string or a list, e.g. `['read', 'offline_access']` (offline_access asks for a refresh token). */
  scope: string | readonly string[];
  /** e.g. 'consent' or 'login'. */
  prompt?: string;
  /** Extra authorization parameters. */
  extraParams?: Record<string, string>;
  /**
   * RFC 9396 Rich Authorization Requests, e.g. `[walletSpend({ amount: 5000, period: 'day' })]` with scope
   * `write`: a spending budget the person sees, may lower, and the ledger enforces (Lightgate, issue 15).
   */
  authorizationDetails?: readonly AuthorizationDetail[];
}

export interface TokenSet {
  accessToken: string;
  tokenType: string;
  /** When the access token expires (epoch milliseconds), if the server said. */
  expiresAt?: number;
  refreshToken?: string;
  idToken?: string;
  /** The granted scopes (may be fewer than requested). */
  scope: string[];
  /** The user id (`sub`) from the ID token, when openid was granted. */
  subject?: string;
  /** What was granted of the requested `authorizationDetails` (RFC 9396 section 7), e.g. a lowered budget. */
  authorizationDetails?: AuthorizationDetail[];
}

export interface UserInfo {
  sub: string;
  [claim: string]: unknown;
}

export interface ServerInfo {
  issuer: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  userinfoEndpoint?: string;
  revocationEndpoint?: string;
  scopesSupported: string[];
  /** RFC 9207: the server adds `iss` to authorization responses (and so the SDK requires it). */
  issParameterSupported: boolean;
  /** RFC 9449: the server binds tokens to a DPoP key on request (`dpop` option). */
  dpopSupported: boolean;
  /** RFC 9126: the pushed authorization request endpoint, when the server has one. */
  pushedAuthorizationRequestEndpoint?: string;
}

export interface LightgateClient {
  readonly server: ServerInfo;
  readonly clientId: string;
  /** Builds the URL to send the browser to, with a fresh state, PKCE verifier (S256) and, for openid, a nonce. */
  authorizationUrl(options: AuthorizationUrlOptions): Promise<AuthorizationRequest>;
  /**
   * The same request pushed first (PAR, RFC 9126: FAPI 2.0's way, and what servers may require, e.g. for
   * `write`): the parameters go server to server, the browser gets only `client_id` and a `request_uri`.
   */
  pushedAuthorizationUrl(options: AuthorizationUrlOptions): Promise<Result<AuthorizationRequest, LightgateError>>;
  /** Validates the callback (state, iss, error) and exchanges the code (with the PKCE verifier) for tokens. */
  handleCallback(callbackUrl: string | URL, pending: PendingAuthorization): Promise<Result<TokenSet, LightgateError>>;
  /** Trades a refresh token for new tokens (the server rotates the refresh token: keep the new one). */
  refresh(refreshToken: string): Promise<Result<TokenSet, LightgateError>>;
  /** RFC 7009. Revoking a refresh token also ends the access tokens of its grant. */
  revoke(token: string, tokenTypeHint?: 'access_token' | 'refresh_token'): Promise<Result<void, LightgateError>>;
  /** The userinfo endpoint; with `expectedSubject`, a different `sub` is an error. */
  userinfo(accessToken: string, expectedSubject?: string): Promise<Result<UserInfo, LightgateError>>;
  /** Is the access token expired (or within `skewSeconds` of it)? */
  isExpired(tokens: Pick<TokenSet, 'expiresAt'>, skewSeconds?: number): boolean;
  /**
   * RFC 8628, for a terminal or CLI without a browser: asks for a user code to show (and a URL to open or
   * scan); `wait()` then polls the token endpoint at the server's interval (slower after `slow_down`) until
   * the person signed in (tokens), declined (`access_denied`) or the code expired (oauthError `expired_token`).
   */
  startDeviceSignIn(options: { scope: string | readonly string[] }): Promise<Result<DeviceSignIn, LightgateError>>;
  /**
   * With `dpop`: a fetch for `createWalletClient({ fetch })` that sends the request's `Oauth2-Token` as
   * `Authorization: DPoP <token>` with a fresh proof (and retries once with the server's DPoP-Nonce).
   */
  readonly dpopFetch?: typeof fetch;
}

export interface DeviceSignIn {
  userCode: string;
  verificationUri: string;
  /** The verification URI with the code in it, for a QR code (the page still asks the person to confirm). */
  verificationUriComplete?: string;
  expiresIn: number;
  wait(signal?: AbortSignal): Promise<Result<TokenSet, LightgateError>>;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function toScope(scope: string | readonly string[]): string {
  return (typeof scope === 'string' ? scope.split(/\s+/) : [...scope]).filter(Boolean).join(' ');
}

function toTokenSet(response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, requestedScope?: string): TokenSet {
  const expiresIn = response.expiresIn();
  const claims = response.claims();
  return {
    accessToken: response.access_token,
    tokenType: response.token_type,
    ...(expiresIn !== undefined ? { expiresAt: Date.now() + expiresIn * 1000 } : {}),
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(response.id_token ? { idToken: response.id_token } : {}),
    // RFC 6749 section 5.1: no scope in the response means the requested scope was granted.
    scope: (response.scope ?? requestedScope ?? '').split(' ').filter(Boolean),
    ...(claims?.sub ? { subject: claims.sub } : {}),
    ...(response.authorization_details ? { authorizationDetails: response.authorization_details.map((d) => ({ ...d })) } : {}),
  };
}

function clientAuth(options: LightgateClientOptions): Result<oidc.ClientAuth, LightgateError> {
  const method = options.tokenEndpointAuthMethod ?? (options.clientSecret ? 'client_secret_basic' : 'none');
  if (method === 'none') return ok(oidc.None());
  if (!options.clientSecret) return err(lightgateError('invalid_options', `${method} needs a clientSecret`));
  return ok(method === 'client_secret_post' ? oidc.ClientSecretPost(options.clientSecret) : oidc.ClientSecretBasic(options.clientSecret));
}

/** Fetches the issuer's discovery document and returns a client for it. */
export async function discover(options: LightgateClientOptions): Promise<Result<LightgateClient, LightgateError>> {
  let issuer: URL;
  try {
    issuer = new URL(options.issuer);
  } catch {
    return err(lightgateError('invalid_options', `issuer must be a URL, got ${JSON.stringify(String(options.issuer))}`));
  }
  if (!options.clientId) return err(lightgateError('invalid_options', 'clientId is required'));
  const auth = clientAuth(options);
  if (!auth.ok) return auth;
  const insecure = options.allowInsecureRequests ?? LOOPBACK.has(issuer.hostname);
  const timeout = options.timeoutSeconds ?? 30;
  let config: oidc.Configuration;
  try {
    config = await oidc.discovery(issuer, options.clientId, undefined, auth.value, {
      timeout,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  } catch (e) {
    const mapped = fromOpenIdError(e, 'discovery_failed');
    return err(mapped.code === 'network_error' ? mapped : lightgateError('discovery_failed', `Discovery at ${issuer.href} failed: ${mapped.message}`, { cause: e }));
  }
  config.timeout = timeout;
  return ok(createClient(config, options.clientId, options.dpop));
}

/** A fetch that turns the wallet client's Oauth2-Token header into a DPoP-bound call (openid-client's fetchProtectedResource). */
function dpopFetchOf(config: oidc.Configuration, DPoP: oidc.DPoPHandle): typeof fetch {
  return async (input, init = {}) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    const token = headers.get('oauth2-token');
    if (!token) return fetch(request);
    headers.delete('oauth2-token');
    const body = request.body ? await request.text() : null;
    try {
      return await oidc.fetchProtectedResource(config, token, new URL(request.url), request.method, body, headers, { DPoP, ...(init.signal ? { signal: init.signal } : {}) });
    } catch (e) {
      // A 401 with a DPoP challenge is an answer the wallet client maps, not a transport failure.
      if (e instanceof oidc.WWWAuthenticateChallengeError) return e.response;
      throw e;
    }
  };
}

function createClient(config: oidc.Configuration, clientId: string, dpopKeys?: CryptoKeyPair): LightgateClient {
  const metadata = config.serverMetadata();
  const server: ServerInfo = {
    issuer: metadata.issuer,
    authorizationEndpoint: metadata.authorization_endpoint,
    tokenEndpoint: metadata.token_endpoint,
    userinfoEndpoint: metadata.userinfo_endpoint,
    revocationEndpoint: metadata.revocation_endpoint,
    scopesSupported: metadata.scopes_supported ?? [],
    issParameterSupported: metadata.authorization_response_iss_parameter_supported === true,
    dpopSupported: Array.isArray(metadata.dpop_signing_alg_values_supported) && metadata.dpop_signing_alg_values_supported.length > 0,
    ...(metadata.pushed_authorization_request_endpoint ? { pushedAuthorizationRequestEndpoint: metadata.pushed_authorization_request_endpoint } : {}),
  };
  // Only where the server offers DPoP (a plain Hydra does not): elsewhere the tokens stay Bearer tokens.
  const DPoP = dpopKeys && server.dpopSupported ? oidc.getDPoPHandle(config, dpopKeys) : undefined;
  const withDpop = DPoP ? { DPoP } : undefined;

  async function authorizationRequest({ redirectUri, scope, prompt, extraParams = {}, authorizationDetails }: AuthorizationUrlOptions, pushed: boolean): Promise<AuthorizationRequest> {
    const scopeString = toScope(scope);
    const state = oidc.randomState();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    // OIDC Core 3.1.2.1: the nonce belongs to OpenID requests; servers refuse it without openid.
    const nonce = scopeString.split(' ').includes('openid') ? oidc.randomNonce() : undefined;
    const params = {
      ...extraParams,
      redirect_uri: redirectUri,
      scope: scopeString,
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      ...(nonce ? { nonce } : {}),
      ...(prompt ? { prompt } : {}),
      // A JSON array on the URL, or in the pushed request's body (RFC 9396 section 2).
      ...(authorizationDetails?.length ? { authorization_details: JSON.stringify(authorizationDetails) } : {}),
    };
    const url = pushed ? await oidc.buildAuthorizationUrlWithPAR(config, params, withDpop) : oidc.buildAuthorizationUrl(config, params);
    return { url, pending: { state, codeVerifier, redirectUri, scope: scopeString, ...(nonce ? { nonce } : {}) } };
  }

  return {
    server,
    clientId,
    ...(DPoP ? { dpopFetch: dpopFetchOf(config, DPoP) } : {}),

    authorizationUrl: (options) => authorizationRequest(options, false),

    async pushedAuthorizationUrl(options) {
      if (!server.pushedAuthorizationRequestEndpoint) return err(lightgateError('invalid_options', 'The issuer has no pushed authorization request endpoint'));
      try {
        return ok(await authorizationRequest(options, true));
      } catch (e) {
        return err(fromOpenIdError(e, 'authorization_failed'));
      }
    },

    async handleCallback(callbackUrl, pending) {
      let received: URL;
      try {
        received = new URL(callbackUrl, pending.redirectUri);
      } catch {
        return err(lightgateError('invalid_options', 'callbackUrl must be a URL'));
      }
      const params = received.searchParams;
      // Checked here first so each failure has its own code; openid-client checks the same again below.
      if (params.get('state') !== pending.state) {
        return err(lightgateError('state_mismatch', params.has('state') ? 'The callback state is not the one this sign-in started with' : 'The callback has no state'));
      }
      const iss = params.get('iss');
      if (iss !== null ? iss !== server.issuer : server.issParameterSupported) {
        return err(lightgateError('issuer_mismatch', iss === null ? 'The callback has no iss although the issuer sends it (RFC 9207)' : `The callback comes from issuer ${iss}, not ${server.issuer}`));
      }
      // Exchange with exactly the registered redirect URI the request used (the callback may arrive via a proxy).
      const current = new URL(pending.redirectUri);
      current.search = received.search;
      try {
        const response = await oidc.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          ...(pending.nonce ? { expectedNonce: pending.nonce, idTokenExpected: true } : {}),
        }, undefined, withDpop);
        return ok(toTokenSet(response, pending.scope));
      } catch (e) {
        return err(fromOpenIdError(e, 'token_request_failed'));
      }
    },

    async refresh(refreshToken) {
      if (!refreshToken) return err(lightgateError('invalid_options', 'refreshToken is empty'));
      try {
        return ok(toTokenSet(await oidc.refreshTokenGrant(config, refreshToken, undefined, withDpop)));
      } catch (e) {
        return err(fromOpenIdError(e, 'token_request_failed'));
      }
    },

    async revoke(token, tokenTypeHint) {
      if (!server.revocationEndpoint) return err(lightgateError('revocation_failed', 'The issuer has no revocation endpoint'));
      try {
        await oidc.tokenRevocation(config, token, tokenTypeHint ? { token_type_hint: tokenTypeHint } : undefined);
        return ok(undefined);
      } catch (e) {
        return err(fromOpenIdError(e, 'revocation_failed'));
      }
    },

    async userinfo(accessToken, expectedSubject) {
      try {
        const info = await oidc.fetchUserInfo(config, accessToken, expectedSubject ?? oidc.skipSubjectCheck, withDpop);
        return ok(info as UserInfo);
      } catch (e) {
        return err(fromOpenIdError(e, 'invalid_response'));
      }
    },

    async startDeviceSignIn({ scope }) {
      const scopeString = toScope(scope);
      let device: oidc.DeviceAuthorizationResponse;
      try {
        device = await oidc.initiateDeviceAuthorization(config, { scope: scopeString });
      } catch (e) {
        return err(fromOpenIdError(e, 'authorization_failed'));
      }
      return ok({
        userCode: device.user_code,
        verificationUri: device.verification_uri,
        ...(device.verification_uri_complete ? { verificationUriComplete: device.verification_uri_complete } : {}),
        expiresIn: device.expires_in,
        async wait(signal) {
          try {
            return ok(toTokenSet(await oidc.pollDeviceAuthorizationGrant(config, device, undefined, { ...withDpop, ...(signal ? { signal } : {}) }), scopeString));
          } catch (e) {
            if (signal?.aborted) return err(lightgateError('timeout', 'Gave up waiting for the device sign-in', { cause: e }));
            const failed = fromOpenIdError(e, 'token_request_failed');
            return err(failed.oauthError === 'access_denied' ? lightgateError('access_denied', failed.message, { oauthError: 'access_denied', cause: e }) : failed);
          }
        },
      });
    },

    isExpired(tokens, skewSeconds = 30) {
      return tokens.expiresAt !== undefined && tokens.expiresAt - skewSeconds * 1000 <= Date.now();
    },
  };
}
