// Tokens in tests: an OAuth 2.0 authorization code flow driven against an AuthTarget the way a relying party
// (openid-client) and a login & consent app (@ory/hydra-client on the admin API) would, the code exchange,
// raw token requests and introspection.
import assert from 'node:assert/strict';
import type { OAuth2Api } from '@ory/hydra-client';
import * as oidc from 'openid-client';
import { CALLBACK, type AuthTarget } from './auth-target.ts';
import { createClient, relyingParty, type TestClient } from './clients.ts';
import { createBrowser, type Browser } from './http-browser.ts';

export type { Browser };
export { createBrowser };

export interface Authorization {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export async function authorizationUrl(rp: oidc.Configuration, scope = 'openid offline_access read', extra: Record<string, string> = {}): Promise<Authorization> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(rp, {
    redirect_uri: CALLBACK,
    scope,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url, state, nonce, codeVerifier };
}

/** Follows redirects on the auth server until the browser is sent elsewhere; returns that URL. */
export async function leave(b: Browser, target: Pick<AuthTarget, 'publicUrl'>, url: string | URL): Promise<URL> {
  const r = await b.follow(url, (u) => u.origin === new URL(target.publicUrl).origin);
  if (r.response) {
    assert.fail(`expected a redirect away from ${target.publicUrl}, got ${r.response.status} at ${r.url.href}: ${r.response.body.slice(0, 300)}`);
  }
  return r.url;
}

export function param(u: URL, name: string): string {
  const v = u.searchParams.get(name);
  assert.ok(v, `${u.origin}${u.pathname} has no ${name}: ${u.href.slice(0, 300)}`);
  return v;
}

export function isCallback(u: URL): boolean {
  return u.href.startsWith(`${CALLBACK}?`);
}

export interface FlowOptions {
  subject?: string;
  scope?: string;
  remember?: boolean;
  grantScope?: string[];
  session?: { access_token?: Record<string, unknown>; id_token?: Record<string, unknown> };
  acr?: string;
  amr?: string[];
  context?: object;
}

export interface CompletedFlow {
  auth: Authorization;
  callback: URL;
  loginChallenge: string;
  consentChallenge: string;
  consentVerifierUrl: string;
}

/** Runs authorization → login accepted → consent accepted → callback with a code. */
export async function runFlow(b: Browser, target: AuthTarget, admin: OAuth2Api, rp: oidc.Configuration, o: FlowOptions = {}): Promise<CompletedFlow> {
  const auth = await authorizationUrl(rp, o.scope);
  const atLogin = await leave(b, target, auth.url);
  assert.equal(atLogin.origin + atLogin.pathname, target.loginUrl);
  const loginChallenge = param(atLogin, 'login_challenge');
  const login = await admin.acceptOAuth2LoginRequest({
    loginChallenge,
    acceptOAuth2LoginRequest: {
      subject: o.subject ?? 'user-1',
      remember: o.remember ?? false,
      ...(o.remember ? { remember_for: 3600 } : {}),
      ...(o.acr ? { acr: o.acr } : {}),
      ...(o.amr ? { amr: o.amr } : {}),
      ...(o.context ? { context: o.context } : {}),
    },
  });
  const atConsent = await leave(b, target, login.data.redirect_to);
  assert.equal(atConsent.origin + atConsent.pathname, target.consentUrl);
  const consentChallenge = param(atConsent, 'consent_challenge');
  const consent = await admin.acceptOAuth2ConsentRequest({
    consentChallenge,
    acceptOAuth2ConsentRequest: {
      grant_scope: o.grantScope ?? (o.scope ?? 'openid offline_access read').split(' '),
      remember: o.remember ?? false,
      ...(o.remember ? { remember_for: 0 } : {}),
      ...(o.session ? { session: o.session } : {}),
    },
  });
  const callback = await leave(b, target, consent.data.redirect_to);
  assert.ok(isCallback(callback), `expected the client callback, got ${callback.href}`);
  return { auth, callback, loginChallenge, consentChallenge, consentVerifierUrl: consent.data.redirect_to };
}

export async function exchange(rp: oidc.Configuration, f: CompletedFlow) {
  return oidc.authorizationCodeGrant(rp, f.callback, {
    pkceCodeVerifier: f.auth.codeVerifier,
    expectedState: f.auth.state,
    expectedNonce: f.auth.nonce,
  });
}

/** The fields of a token answer the tests read; the rest stays reachable as unknown. */
export type TokenResponse = { access_token?: string; refresh_token?: string; id_token?: string; error?: string } & Record<string, unknown>;

/** Raw token endpoint call (to see exact status and error bodies), on a target or any running process's public URL. */
export async function tokenRequest(target: Pick<AuthTarget, 'publicUrl'>, c: Pick<TestClient, 'client_id' | 'client_secret'>, params: Record<string, string>): Promise<{ status: number; body: TokenResponse }> {
  const res = await fetch(`${target.publicUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(c.client_id)}:${encodeURIComponent(c.client_secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as TokenResponse };
}

export async function introspect(admin: OAuth2Api, token: string, scope?: string) {
  const { data } = await admin.introspectOAuth2Token({ token, ...(scope ? { scope } : {}) });
  return data;
}

/** A real access token for `subject` with exactly `scopes` (and openid) granted, through the whole code flow. */
export async function userAccessToken(target: AuthTarget, admin: OAuth2Api, client: TestClient, subject: string, scopes: string[]): Promise<string> {
  const rp = await relyingParty(target, client);
  const scope = ['openid', ...scopes].join(' ');
  const flow = await runFlow(createBrowser(), target, admin, rp, { subject, scope, grantScope: scope.split(' ') });
  return (await exchange(rp, flow)).access_token;
}

/** A client_credentials access token of a new machine client (sub = the client, no user). */
export async function clientCredentialsToken(target: AuthTarget, admin: OAuth2Api, scope: string): Promise<string> {
  const machine = await createClient(admin, { grant_types: ['client_credentials'], response_types: [], scope });
  const res = await tokenRequest(target, machine, { grant_type: 'client_credentials', scope });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.access_token as string;
}

export function jwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

export { oidc };
