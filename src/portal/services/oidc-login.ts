// Sign-in with Lightgate: the authorization code flow with PKCE (S256), state and nonce, by openid-client.
// The issuer's metadata is discovered lazily and kept; a failed discovery is retried on the next sign-in.
import * as oidc from 'openid-client';
import type { PortalClient } from '../app/ensure-portal-client.ts';
import { PORTAL_SCOPE } from '../app/ensure-portal-client.ts';

export interface LoginChecks {
  state: string;
  nonce: string;
  verifier: string;
}

export interface OidcLogin {
  /** Where to send the browser, and the checks to keep until the callback. */
  start(client: PortalClient): Promise<{ url: string; checks: LoginChecks }>;
  /** The signed-in subject (the user id), after the code exchange and ID token checks. */
  finish(client: PortalClient, callbackUrl: URL, checks: LoginChecks): Promise<string>;
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
      const sub = tokens.claims()?.sub;
      if (!sub) throw new Error('the ID token has no subject');
      return sub;
    },
  };
}
