// The Koa middleware and event listeners around oidc-provider, in the order they run.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../../config/config.ts';
import { recordTokenIssued, recordTokenRefused } from '../../observability/metrics.ts';
import { mapGrantError } from './error-map.ts';
import type { FlowVerifiers } from './flow-verifiers.ts';
import { hydraCompat } from './hydra-compat.ts';
import type { LogoutRequests } from './logout-requests.ts';
import { outageRedirect } from './outage-redirect.ts';
import { pageHeaders } from './page-headers.ts';
import { pinRequestOrigin } from './request-origin.ts';
import { withKnownRows } from './known-rows.ts';
import { flushHeldTokenWrite } from './held-token-writes.ts';
import { flushHeldRowWrite } from './held-row-writes.ts';
import { withLazyInteractionCommit } from './lazy-commit.ts';
import { HYDRA_ROUTES } from './routes.ts';
import { verifierStep } from './verifier-step.ts';
import { consentAtLeg } from './flows/consent-at-leg.ts';
import { createDeviceChallenges, deviceLimits } from './device-challenges.ts';
import { devicePolling } from './device-polling.ts';
import { deviceVerification } from './device-verification.ts';
import type { Database } from '../../db/database.ts';
import { createClientRepository } from '../services/client-repository.ts';

export interface MiddlewareDeps {
  config: Config;
  logoutRequests: LogoutRequests;
  verifiers: FlowVerifiers;
  db: Database;
}

export function useMiddleware(provider: Provider, { config, logoutRequests, verifiers, db }: MiddlewareDeps): void {
  const clients = createClientRepository(db);
  // First middleware: URLs from the issuer only, ctx.ip by TRUST_PROXY, cache headers (issues 19 #3, 11 #2).
  pinRequestOrigin(provider, { issuer: config.urls.issuer, trustProxy: config.trustProxy, discoveryPath: '/.well-known/openid-configuration', jwksPath: HYDRA_ROUTES.jwks, secure: config.cookiesSecure });
  // Outermost: headers of every response, CSP and anti-framing on HTML pages (issue 11 #5).
  provider.use(pageHeaders({ hsts: config.hsts }));
  // First, so that it also sees outages met by the middleware after it.
  provider.use(outageRedirect(HYDRA_ROUTES.authorization, config.urls.issuer));
  // Issue 18: a token request reads its token's grant and consent claims with the token, once (grant-prefetch.ts).
  // Its two tokens are stored in one statement (held-token-writes.ts).
  provider.use((ctx, next) => (ctx.method === 'POST' && ctx.path === HYDRA_ROUTES.token ? withKnownRows(() => flushHeldTokenWrite(db, ctx, next)) : next()));
  // Login and consent verifiers: applied only in the browser that started the flow (issue 11 #1).
  // Issue 18: a verifier leg's route write goes in the session's statement (held-row-writes.ts).
  provider.use((ctx, next) => (ctx.method === 'GET' && ctx.path.startsWith(`${HYDRA_ROUTES.authorization}/`) ? flushHeldRowWrite(db, ctx, next) : next()));
  // Issue 18: the authorization request's interaction commits without waiting for a WAL flush (lazy-commit.ts).
  provider.use((ctx, next) => (ctx.method === 'GET' && ctx.path === HYDRA_ROUTES.authorization ? withLazyInteractionCommit(next) : next()));
  // Issue 18: a consent accepted in one statement is decided at its verifier leg (flows/consent-at-leg.ts).
  const atLeg = consentAtLeg({ db, issuer: config.urls.issuer, provider: () => provider, writeBudgetDefault: config.writeBudgetDefault });
  provider.use(verifierStep(provider, verifiers, HYDRA_ROUTES.authorization, atLeg));
  // RFC 8628 on Hydra's device API (issue 16): the verification endpoint, its login and consent verifiers,
  // and slow_down / interval at the token and device authorization endpoints.
  provider.use(verifierStep(provider, verifiers, HYDRA_ROUTES.code_verification, atLeg));
  provider.use(deviceVerification(provider, { challenges: createDeviceChallenges(db, deviceLimits(config)), verifiers, verificationUrl: config.device.verificationUrl, ttlSeconds: config.device.userCodeTtl }));
  provider.use(devicePolling(db, { intervalSeconds: config.device.pollInterval, codeTtlSeconds: config.device.userCodeTtl }));
  provider.use(
    hydraCompat(provider, {
      clientsOf: (id) => clients.find(id),
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
  // The error event fires after the body is set: Hydra's error codes and descriptions (error-map.ts).
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: unknown) => mapGrantError(ctx, error));
}
