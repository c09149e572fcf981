// Issue 15: Rich Authorization Requests (RFC 9396) with Lightgate's one type, `wallet_spend` (a spending budget,
// src/shared/wallet-spend/spend-detail.ts), on oidc-provider 9.13.3's richAuthorizationRequests feature.
// - validate (lib/shared/check_rar.js runs it on /oauth2/auth and /oauth2/par after the scope and redirect_uri
//   checks): the strict parser, at most one detail, only with `write`, within the client's spend_budget_max;
//   anything else is invalid_authorization_details (RFC 9396 section 5). Only the authorization request carries
//   details: the token and device authorization endpoints refuse them (a grant's budget is set at consent).
// - The granted details are the Grant's `rar` (flows/consent.ts); authorizationDetailsForGrantSource copies them to
//   the code, and authorizationDetailsForAccessToken to every access token, refreshed ones included, so the token
//   response carries authorization_details (RFC 9396 section 7) and introspection reads them (introspection.ts).
// - oidc-provider enables RAR only with resourceIndicators, and a request with details must resolve a resource
//   (lib/shared/check_resource.js). Lightgate's tokens have no resource server (Hydra's audience instead), so the
//   resource is the wallet API's URL only while the request is checked, and is dropped from the code before it is
//   saved: its tokens are exactly those of a request without details. Any other `resource` is invalid_target.
import { errors, type AuthorizationDetail, type Configuration, type KoaContextWithOIDC, type RichAuthorizationRequestsActiveConfiguration } from 'oidc-provider';
import type { Config } from '../../config/config.ts';
import { parseAuthorizationDetails, isWithin, WALLET_SPEND_TYPE } from '../../shared/wallet-spend/spend-detail.ts';
import { SUPPORTED_SCOPES } from '../domain/client.ts';
import type { ClientBudgetFields } from '../domain/grant-budget.ts';

type Features = NonNullable<Configuration['features']>;

/** A client's registered budgets (its Hydra JSON), or undefined for an unknown client. */
export type ClientBudgetsOf = (clientId: string) => Promise<ClientBudgetFields | undefined>;

/** The routes whose requests may carry authorization_details (oidc-provider's route names). */
const DETAIL_ROUTES = new Set(['authorization', 'pushed_authorization_request']);

const refuse = (description: string) => new errors.InvalidAuthorizationDetails(description);
const scopesOf = (ctx: KoaContextWithOIDC) => String(ctx.oidc.params?.scope ?? '').split(' ').filter(Boolean);

export function richAuthorizationFeatures(
  config: Config,
  budgetsOf: ClientBudgetsOf,
): { resourceIndicators: NonNullable<Features['resourceIndicators']>; richAuthorizationRequests: RichAuthorizationRequestsActiveConfiguration } {
  // Stands for "the wallet API" while a request with details is checked; never reaches a token (see above).
  const walletResource = config.urls.api;
  // The authorization request, its pushed form and its resumption after login or consent; the token endpoint's
  // details never get this far (validate refuses them first).
  const asksDetails = (ctx: KoaContextWithOIDC) => Boolean(ctx.oidc.params?.authorization_details);

  async function validate(ctx: KoaContextWithOIDC, detail: unknown, client: { clientId: string }) {
    if (!DETAIL_ROUTES.has(ctx.oidc.route)) throw refuse('authorization_details are accepted only on the authorization request (or a pushed one): the budget is set at consent');
    // check_rar has parsed the parameter and checked each member's `type`; the whole array is read again for its size.
    const all = parseAuthorizationDetails(ctx.oidc.params?.authorization_details);
    if (!all.ok) throw refuse(all.error);
    const parsed = parseAuthorizationDetails([detail]);
    if (!parsed.ok) throw refuse(parsed.error);
    if (!scopesOf(ctx).includes('write')) throw refuse(`a ${WALLET_SPEND_TYPE} detail is a budget for sending: it needs the write scope`);
    const max = (await budgetsOf(client.clientId))?.spend_budget_max;
    if (max && !isWithin(parsed.value[0]!, max)) {
      throw refuse(`the ${WALLET_SPEND_TYPE} detail exceeds the client's registered maximum budget (the same currency and period, no larger amounts)`);
    }
  }

  return {
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, _client, oneOf) => oneOf ?? (asksDetails(ctx) ? walletResource : undefined),
      useGrantedResource: async () => false,
      getResourceServerInfo: async (ctx, resource) => {
        if (resource !== walletResource || !asksDetails(ctx)) throw new errors.InvalidTarget();
        return { scope: SUPPORTED_SCOPES.join(' '), audience: walletResource, accessTokenFormat: 'opaque' };
      },
    },
    richAuthorizationRequests: {
      enabled: true,
      types: { [WALLET_SPEND_TYPE]: { validate } },
      // The consent's granted details (flows/consent.ts set the Grant's rar); the resource of the check goes.
      authorizationDetailsForGrantSource: async (ctx, code) => {
        const source = code as unknown as { resource?: string | string[] };
        if (source.resource === walletResource || (Array.isArray(source.resource) && source.resource.includes(walletResource))) delete source.resource;
        const granted = ctx.oidc.grant?.rar;
        return granted?.length ? granted : undefined;
      },
      // What the grant source carries, on the code exchange and every refresh; details asked at the token
      // endpoint were refused by validate.
      authorizationDetailsForAccessToken: async (_ctx, _token, source) => {
        const rar = (source as { rar?: AuthorizationDetail[] } | undefined)?.rar;
        return rar?.length ? rar : undefined;
      },
      authorizationDetailsForIntrospection: async (_ctx, token) => token.rar,
    },
  };
}
