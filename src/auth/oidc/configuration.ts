// oidc-provider's Configuration for Lightgate: Hydra's paths, cookies, scopes, lifetimes and rules.
// Rebuilt with the provider whenever the signing keys change (provider-factory.ts).
import type { Configuration } from 'oidc-provider';
import type { JWK } from 'jose';
import type { Config } from '../../config/config.ts';
import type { Database } from '../../db/database.ts';
import { SUPPORTED_SCOPES } from '../domain/client.ts';
import { DPOP_ALGORITHMS } from '../../shared/dpop/proof.ts';
import type { ConsentSessions } from './consent-sessions.ts';
import { deviceFlowFeature } from './device-verification.ts';
import { issuesRefreshToken } from './held-token-writes.ts';
import { hydraPolicy } from './interaction-policy.ts';
import { forgetRedirect, hintIsFor, type LogoutRequests } from './logout-requests.ts';
import { ownServicesFetch } from './own-fetch.ts';
import { errorDetailsOf, renderErrorPage } from './pages.ts';
import { HYDRA_ROUTES } from './routes.ts';
import { parForWrite, senderConstraintFeatures } from './sender-constraints.ts';
import { richAuthorizationFeatures } from './rich-authorization.ts';
import { requestedBudget } from '../domain/grant-budget.ts';
import { createClientRepository } from '../services/client-repository.ts';
import { createAdapterClass } from './sql-adapter.ts';
import { createTokenIds } from './token-ids.ts';
import { cookieKeys } from './cookie-keys.ts';

/** Claims that consent `session.id_token` may add to ID tokens and userinfo (oidc-provider needs them declared). */
export const SESSION_CLAIMS = ['email', 'email_verified', 'phone_number', 'phone_number_verified', 'name', 'preferred_username', 'username', 'locale', 'picture'];
/** RFC 9449 proof algorithms in oidc-provider's type (the values are DPOP_ALGORITHMS). */
type DpopAlgorithms = NonNullable<NonNullable<Configuration['enabledJWA']>['dPoPSigningAlgValues']>;

export interface ConfigurationDeps {
  config: Config;
  db: Database;
  keys: JWK[];
  logoutRequests: LogoutRequests;
  consentSessions: ConsentSessions;
}

export function createConfiguration({ config, db, keys, logoutRequests, consentSessions }: ConfigurationDeps): Configuration {
  const cookieBase = { signed: true, httpOnly: true, sameSite: 'lax' as const, secure: config.cookiesSecure };
  // The error pages link a client to its developer portal page (its stored Hydra metadata, issue 17 #2).
  const clientRepository = createClientRepository(db);
  // Issue 15: a client's registered budgets (spend_budget_default, spend_budget_max) from its Hydra JSON.
  const budgetsOf = async (id: string) => (await clientRepository.find(id))?.client;
  return {
    adapter: createAdapterClass(db, createTokenIds(config.secrets.system)),
    jwks: { keys: keys as never },
    // The portal's back-channel logout may be on loopback or a private network (see own-fetch.ts).
    fetch: ownServicesFetch(config),
    cookies: {
      // oidc-provider hands a Keygrip-like signer to Koa's cookies as it is ("your own KeyGrip instance").
      keys: cookieKeys(config.secrets.cookie),
      long: cookieBase,
      short: cookieBase,
      names: { session: 'lg_session', interaction: 'lg_interaction', resume: 'lg_resume' },
    },
    routes: HYDRA_ROUTES,
    // DPoP proofs (RFC 9449): the algorithms the wallet API accepts too (FAPI 2.0 section 5.4: no RS256), so a
    // key that binds a token here can prove it there; discovery lists them (dpop_signing_alg_values_supported).
    enabledJWA: { dPoPSigningAlgValues: [...DPOP_ALGORITHMS] as DpopAlgorithms },
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
    // Validators run on every authorization request: lg_prompt's enforces REQUIRE_PAR_FOR_WRITE (issue 16).
    extraParams: { lg_prompt: parForWrite(config), lg_url: null },
    features: {
      devInteractions: { enabled: false },
      // DPoP-bound tokens and pushed authorization requests (issue 16), as configured.
      ...senderConstraintFeatures(config),
      // Spending budgets as RFC 9396 authorization_details of type wallet_spend (issue 15): rich-authorization.ts.
      ...richAuthorizationFeatures(config, budgetsOf),
      // Machine-to-machine tokens, as in Hydra (sub = client_id). The wallet API refuses them: it acts for users.
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      // RFC 8628 on Hydra's device API (issue 16): device-verification.ts, flows/device.ts, device-polling.ts.
      deviceFlow: deviceFlowFeature(config.device.successUrl),
      // OIDC Back-Channel Logout 1.0: clients with a backchannel_logout_uri (the portal) hear of every
      // ended session, so signing out of Lightgate signs out of them too (issue 19 #7).
      backchannelLogout: { enabled: true },
      userinfo: { enabled: true },
      introspection: { enabled: false },
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
      DeviceCode: config.device.userCodeTtl,
      // Hydra's remember_for: 0 means the configured login session lifetime.
      Session: (ctx, session) => {
        // Not remembered (Hydra's remember=false): kept only as long as a flow may take (issue 19 #10).
        if ((session as { transient?: boolean } | undefined)?.transient) return config.ttl.interaction;
        const rememberFor = (ctx?.oidc?.result?.login as { remember_for?: number } | undefined)?.remember_for;
        return rememberFor && rememberFor > 0 ? rememberFor : config.ttl.loginSession;
      },
    },
    // Hydra's rule: a refresh token when the client may use the grant and the granted scope holds offline or offline_access.
    issueRefreshToken: async (_ctx, client, code) => issuesRefreshToken(client, code.scopes),
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
      policy: hydraPolicy(consentSessions, async (ctx, scopes) =>
        requestedBudget(scopes, ctx.oidc.params?.authorization_details, (await budgetsOf(ctx.oidc.client!.clientId)) ?? {}, config.writeBudgetDefault),
      ),
      url(_ctx, interaction) {
        const challenge = encodeURIComponent(interaction.uid);
        return interaction.prompt.name === 'login' ? `${config.urls.login}?login_challenge=${challenge}` : `${config.urls.consent}?consent_challenge=${challenge}`;
      },
    },
    async renderError(ctx, out, error) {
      ctx.type = 'html';
      // Issue 17 #2: the kit's branded page; "Back to <app>" and the developers' details from what is known.
      const details = await errorDetailsOf(ctx, config.urls.portal, async (id) => (await clientRepository.find(id))?.client.metadata);
      ctx.body = renderErrorPage(out as { error: string; error_description?: string }, (error as { status?: number }).status ?? 400, details);
    },
    discovery: {
      service_documentation: 'https://github.com/lightgate',
      claims_parameter_supported: false,
      // RFC 7591 (issue 16): served by src/auth/http/registration-routes.ts, not oidc-provider, and only when on.
      ...(config.dcr.enabled ? { registration_endpoint: `${config.urls.issuer}/oauth2/register` } : {}),
    },
  };
}
