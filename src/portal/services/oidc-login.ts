// Sign-in with Lightgate: the authorization code flow with PKCE (S256), state and nonce, by openid-client.
// The issuer's metadata is discovered lazily and kept; a failed discovery is retried on the next sign-in.
import * as oidc from 'openid-client';
import type { PortalClient } from '../app/ensure-portal-client.ts';
import { PORTAL_SCOPE } from '../app/ensure-portal-client.ts';
import { verifyLogoutToken, type LogoutClaims } from './logout-token.ts';

export interface LoginChecks {
  state: string;
  nonce: string;
  verifier: string;
}

export interface SignedIn {
  /** The subject (the user id). */
  sub: string;
  /** The auth server's session id (back-channel logout names it). */
  sid: string | undefined;
  /** Kept (sealed) for the RP-initiated logout's id_token_hint. */
  idToken: string;
}

export interface OidcLogin {
  /** Where to send the browser, and the checks to keep until the callback. */
  start(client: PortalClient): Promise<{ url: string; checks: LoginChecks }>;
  /** The signed-in person, after the code exchange and ID token checks. */
  finish(client: PortalClient, callbackUrl: URL, checks: LoginChecks): Promise<SignedIn>;
  /** OIDC RP-Initiated Logout 1.0: the auth server's end-session URL for this sign-in. */
  endSessionUrl(client: PortalClient, idToken: string, postLogoutRedirectUri: string): Promise<string>;
  /** OIDC Back-Channel Logout 1.0: the sub and sid of a valid logout token; throws on an invalid one. */
  verifyLogoutToken(client: PortalClient, token: string): Promise<LogoutClaims>;
}

export function createOidcLogin(issuer: string): OidcLogin {
  let configuration: Promise<oidc.Configuration> | undefined;
  const configure = (client: PortalClient) => {
    // Plain http only for a local issuer (development and tests); https everywhere else.
    const options = issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : undefined;
    configuration ??= oidc.discovery(new URL(issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.clientSecret), options).catch((error: unknown) => {
      configuration = undefined;
      throw error;
    });
    return configuration;
  };
  return {
    async start(client) {
      const config = await configure(client);
      const checks = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: client.redirectUri,
        scope: PORTAL_SCOPE,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, checks };
    },
    async finish(client, callbackUrl, checks) {
      const config = await configure(client);
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.verifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims?.sub || !tokens.id_token) throw new Error('the ID token has no subject');
      return { sub: claims.sub, sid: typeof claims.sid === 'string' ? claims.sid : undefined, idToken: tokens.id_token };
    },
    async endSessionUrl(client, idToken, postLogoutRedirectUri) {
      const config = await configure(client);
      return oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri }).href;
    },
    async verifyLogoutToken(client, token) {
      const metadata = (await configure(client)).serverMetadata();
      if (!metadata.jwks_uri) throw new Error('the issuer publishes no jwks_uri');
      return verifyLogoutToken(token, { issuer: metadata.issuer, jwksUri: metadata.jwks_uri, clientId: client.clientId });
    },
  };
}
