// Builds the oidc-provider instance with Hydra's paths and rules. Rebuilt when signing keys change.
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { JWK } from 'jose';
import type { Config } from '../../config/config.ts';
import type { Database } from '../../db/database.ts';
import { verifySecret } from '../../shared/secret-hash.ts';
import { SUPPORTED_SCOPES } from '../domain/client.ts';
import { createAdapterClass } from './sql-adapter.ts';
import { createTokenIds } from './token-ids.ts';
import { hydraPolicy } from './interaction-policy.ts';
import { hydraCompat } from './hydra-compat.ts';
import type { FlowVerifiers } from './flow-verifiers.ts';
import { verifierStep } from './verifier-step.ts';
import { applySessionRules } from './session-rules.ts';
import { HYDRA_ROUTES } from './routes.ts';
import { renderErrorPage } from './pages.ts';
import type { ClientAuthThrottle } from './client-auth-throttle.ts';
import { forgetRedirect, hintIsFor, type LogoutRequests } from './logout-requests.ts';
import type { ConsentSessions } from './consent-sessions.ts';
import type { HandledChallenges } from './handled-challenges.ts';
import { recordTokenIssued, recordTokenRefused } from '../../observability/metrics.ts';
import { outageRedirect } from './outage-redirect.ts';
import { pageHeaders } from './page-headers.ts';
import { ownServicesFetch } from './own-fetch.ts';
import { pinRequestOrigin } from './request-origin.ts';

export { HYDRA_ROUTES };

const GRANT_ERROR_DESCRIPTIONS: Record<string, string> = {
  'authorization code already consumed': 'The authorization code has already been used.',
  'refresh token already used': 'The refresh token is already used and has been revoked with every token of its grant.',
  'grant already used': 'The authorization code or refresh token has already been used.',
  'authorization code is expired': 'The authorization code has expired.',
  'authorization code not found': 'The authorization code is invalid, expired or revoked.',
  'refresh token not found': 'The refresh token is invalid, expired or revoked.',
  'authorization code redirect_uri mismatch': 'The redirect_uri does not match the one of the authorization request.',
};

/** Claims that consent `session.id_token` may add to ID tokens and userinfo (oidc-provider needs them declared). */
export const SESSION_CLAIMS = ['email', 'email_verified', 'phone_number', 'phone_number_verified', 'name', 'preferred_username', 'username', 'locale', 'picture'];

export interface ProviderDeps {
  config: Config;
  db: Database;
  keys: JWK[];
  throttle: ClientAuthThrottle;
  logoutRequests: LogoutRequests;
  consentSessions: ConsentSessions;
  handled: HandledChallenges;
  verifiers: FlowVerifiers;
}

export function buildProvider({ config, db, keys, throttle, logoutRequests, consentSessions, verifiers }: ProviderDeps): Provider {
  const cookieBase = { signed: true, httpOnly: true, sameSite: 'lax' as const, secure: config.cookiesSecure };
  const configuration: Configuration = {
    adapter: createAdapterClass(db, createTokenIds(config.secrets.system)),
    jwks: { keys: keys as never },
    // The portal's back-channel logout may be on loopback or a private network (see own-fetch.ts).
    fetch: ownServicesFetch(config),
    cookies: {
      keys: [...config.secrets.cookie],
      long: cookieBase,
      short: cookieBase,
      names: { session: 'lg_session', interaction: 'lg_interaction', resume: 'lg_resume' },
    },
    routes: HYDRA_ROUTES,
    scopes: [...SUPPORTED_SCOPES],
    claims: { openid: ['sub', 'acr', 'amr', 'auth_time', ...SESSION_CLAIMS] },
    conformIdTokenClaims: false,
    // The acr values the login app sets (issue 19 #11): aal1 for a one-time code, aal2 with TOTP as well.
    acrValues: ['aal1', 'aal2'],
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    // PKCE: S256 only (oidc-provider offers nothing else); required for public clients (RFC 9700 section 2.1.1).
    pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
    clientDefaults: { id_token_signed_response_alg: 'RS256', grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
    extraParams: ['lg_prompt', 'lg_url'],
    features: {
      devInteractions: { enabled: false },
      // Machine-to-machine tokens, as in Hydra (sub = client_id). The wallet API refuses them: it acts for users.
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      // OIDC Back-Channel Logout 1.0: clients with a backchannel_logout_uri (the portal) hear of every
      // ended session, so signing out of Lightgate signs out of them too (issue 19 #7).
      backchannelLogout: { enabled: true },
      userinfo: { enabled: true },
      introspection: { enabled: false },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // Hydra's logout flow: hand the browser to the logout app with a challenge instead of a built-in page.
        async logoutSource(ctx, _form) {
          const session = ctx.oidc.session!;
          // Issue 19 #6, as in Hydra: RP-initiated only with a valid id_token_hint for this session's subject.
          // Anything else is a browser logout: no client (so no skip_logout_consent), no redirect, no state.
          const rpInitiated = hintIsFor(ctx.oidc.entities.IdTokenHint, session.accountId);
          if (!rpInitiated) forgetRedirect(session.state);
          const client = rpInitiated ? ctx.oidc.client : undefined;
          const challenge = await logoutRequests.create({
            secret: session.state?.secret as string,
            subject: session.accountId ?? '',
            sid: client ? (session.sidFor(client.clientId) ?? session.uid) : session.uid,
            clientId: client?.clientId,
            // Hydra reports the path, not a URL.
            requestUrl: ctx.originalUrl,
            rpInitiated,
          });
          ctx.redirect(`${config.urls.logout}?logout_challenge=${encodeURIComponent(challenge)}`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.redirect(config.urls.postLogoutRedirect);
        },
      },
    },
    ttl: {
      AccessToken: config.ttl.accessToken,
      ClientCredentials: config.ttl.accessToken,
      AuthorizationCode: config.ttl.authCode,
      IdToken: config.ttl.idToken,
      RefreshToken: config.ttl.refreshToken,
      Grant: config.ttl.refreshToken,
      Interaction: config.ttl.interaction,
      // Hydra's remember_for: 0 means the configured login session lifetime.
      Session: (ctx, session) => {
        // Not remembered (Hydra's remember=false): kept only as long as a flow may take (issue 19 #10).
        if ((session as { transient?: boolean } | undefined)?.transient) return config.ttl.interaction;
        const rememberFor = (ctx?.oidc?.result?.login as { remember_for?: number } | undefined)?.remember_for;
        return rememberFor && rememberFor > 0 ? rememberFor : config.ttl.loginSession;
      },
    },
    // Hydra's rule: a refresh token when the client may use the grant and the granted scope holds offline or offline_access.
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline') || code.scopes.has('offline_access')),
    rotateRefreshToken: true,
    // Tokens outlive the browser session, as in Hydra; revocation is explicit.
    expiresWithSession: async () => false,
    async findAccount(_ctx, sub, token) {
      return {
        accountId: sub,
        async claims() {
          const grantId = (token as { grantId?: string } | undefined)?.grantId;
          const extra = grantId ? await consentSessions.idTokenClaims(grantId) : {};
          return { ...extra, sub };
        },
      };
    },
    interactions: {
      policy: hydraPolicy(consentSessions),
      url(_ctx, interaction) {
        const challenge = encodeURIComponent(interaction.uid);
        return interaction.prompt.name === 'login' ? `${config.urls.login}?login_challenge=${challenge}` : `${config.urls.consent}?consent_challenge=${challenge}`;
      },
    },
    async renderError(ctx, out, error) {
      ctx.type = 'html';
      ctx.body = renderErrorPage(out as { error: string; error_description?: string }, (error as { status?: number }).status ?? 400);
    },
    discovery: { service_documentation: 'https://github.com/lightgate', claims_parameter_supported: false },
  };
  const provider = new Provider(config.urls.issuer, configuration);
  // First middleware: URLs from the issuer only, ctx.ip by TRUST_PROXY, cache headers (issues 19 #3, 11 #2).
  pinRequestOrigin(provider, { issuer: config.urls.issuer, trustProxy: config.trustProxy, discoveryPath: '/.well-known/openid-configuration', jwksPath: HYDRA_ROUTES.jwks, secure: config.cookiesSecure });

  // Client secrets are stored hashed: compare hashes. Issue 11 #4: the right secret is always accepted,
  // whatever others sent (generated secrets are 256-bit: online guessing is hopeless); wrong ones are
  // counted per client and address, and past the limit that address gets 429 for its wrong tries.
  const Client = provider.Client as unknown as { prototype: { compareClientSecret(this: { clientId: string; clientSecret: string }, actual: string): Promise<boolean> } };
  Client.prototype.compareClientSecret = async function compareClientSecret(actual: string) {
    if (verifySecret(actual, this.clientSecret)) return true;
    const ctx = Provider.ctx;
    // An outage while counting is not a reason to refuse with 429: the wrong secret is refused anyway.
    const retryAfter = await throttle.recordFailure(this.clientId, ctx?.ip ?? '').catch(() => 0);
    if (retryAfter > 0) {
      if (ctx) ctx.state.retryAfter = retryAfter;
      const error = new errors.CustomOIDCProviderError('too_many_requests', 'too many failed client authentications, retry later');
      Object.assign(error, { status: 429, statusCode: 429, expose: true });
      throw error;
    }
    return false;
  };

  // Hydra puts the login session's sid in every ID token (OIDC Front/Back-Channel Logout use it).
  (provider.Client as unknown as { prototype: { includeSid(): boolean } }).prototype.includeSid = () => true;
  // Hydra's sid is the login session id (the login request's session_id), the same for every client.
  const SessionProto = (provider.Session as unknown as { prototype: { uid: string; sidFor(c: string, v?: string): string | undefined; ensureClientContainer(c: string): void } }).prototype;
  SessionProto.ensureClientContainer = function ensureClientContainer(clientId: string) {
    if (!this.sidFor(clientId)) this.sidFor(clientId, this.uid);
  };

  // Outermost: headers of every response, CSP and anti-framing on HTML pages (issue 11 #5).
  provider.use(pageHeaders({ hsts: config.hsts }));
  // First, so that it also sees outages met by the middleware after it.
  provider.use(outageRedirect(HYDRA_ROUTES.authorization, config.urls.issuer));
  // Login and consent verifiers: applied only in the browser that started the flow (issue 11 #1).
  provider.use(verifierStep(provider, verifiers));
  applySessionRules(provider);
  provider.use(
    hydraCompat(provider, {
      async confirmLogout(verifier) {
        // Single use: taking the verifier deletes it, whether or not this browser's session then matches.
        const decision = await verifiers.take(verifier);
        if (decision?.kind !== 'logout') return undefined;
        const record = await logoutRequests.find(decision.challenge);
        if (!record) return undefined;
        await logoutRequests.remove(decision.challenge);
        return record.secret;
      },
    }),
  );
  provider.use(async (ctx, next) => {
    await next();
    // No route: a JSON error as on Hydra's public port, not Koa's plain-text "Not Found".
    if (ctx.status === 404 && ctx.body == null) {
      ctx.body = { error: 'not_found', error_description: 'Unable to locate the requested resource', status_code: 404 };
      ctx.status = 404;
    }
    // Hydra tells the client the granted scope in the authorization response (RFC 6749 section 3.3 allows it).
    const code = ctx.oidc?.entities?.AuthorizationCode as { scope?: string } | undefined;
    const location = ctx.response.get('location');
    if (code?.scope && location && ctx.status >= 300 && ctx.status < 400) {
      const target = URL.parse(location);
      if (target?.searchParams.has('code') && !target.searchParams.has('scope')) {
        target.searchParams.set('scope', code.scope);
        ctx.set('location', target.href);
      }
    }
    if (ctx.status === 429 && ctx.state.retryAfter) ctx.set('Retry-After', String(ctx.state.retryAfter));
  });
  // Metrics: tokens issued and refused by grant type.
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => recordTokenIssued(ctx.oidc.params?.grant_type as string | undefined));
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: { error?: string }) => recordTokenRefused(ctx.oidc?.params?.grant_type as string | undefined, error.error));
  // The error event fires after the body is set: give invalid_grant the precise reason, as Hydra does.
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: { error?: string; error_detail?: string }) => {
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    // RFC 6749 section 5.2: a grant type this client may not use is unauthorized_client (oidc-provider says invalid_request).
    if (body?.error === 'invalid_request' && body.error_description === 'requested grant type is not allowed for this client') body.error = 'unauthorized_client';
    if (body?.error === 'invalid_grant' && error.error_detail) body.error_description = GRANT_ERROR_DESCRIPTIONS[error.error_detail] ?? error.error_detail;
  });
  return provider;
}

export type { Provider, KoaContextWithOIDC };
