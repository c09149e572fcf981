// Hydra's consent request on an oidc-provider interaction (prompt "consent"): what the consent app reads,
// and its accept (an oidc-provider Grant plus Hydra's consent session) or reject, kept pending under a
// consent verifier (flows/interactions.ts).
import type { HydraAdmin } from '../../../hydra-port/port.ts';
import type { AcceptConsent, ConsentRequest, OAuth2Client, RejectRequest } from '../../../hydra-port/types.ts';
import { ok } from '../../../shared/result.ts';
import type { WalletSpendDetail } from '../../../shared/wallet-spend/spend-detail.ts';
import { grantedBudget, holdsWrite, requestedBudget } from '../../domain/grant-budget.ts';
import { SESSION_CLAIMS } from '../configuration.ts';
import { payloadRow } from '../challenge-rows.ts';
import { consentRow, coveringConsent, type RememberedDetails } from '../consent-sessions.ts';
import { knownRow, saveInRequestOnly, withKnownRows } from '../known-rows.ts';
import { fail, guarded } from '../error-map.ts';
import { oidcContext, requestUrl, split, type FlowDeps, type InteractionLike, type Interactions } from './interactions.ts';

export type ConsentFlow = Pick<HydraAdmin, 'getConsentRequest' | 'acceptConsentRequest' | 'rejectConsentRequest'>;

export function createConsentFlow(deps: FlowDeps, interactions: Interactions): ConsentFlow {
  const { provider, consentSessions } = deps;
  const { pending, pendingWithClient, finish, reject } = interactions;

  /** The consent request, and the remembered consent that lets it skip (issue 15: its budget is kept). */
  async function describe(interaction: InteractionLike, client: OAuth2Client, rememberedRows?: readonly RememberedDetails[]): Promise<{ request: ConsentRequest; remembered: WalletSpendDetail[] | null }> {
    const login = (interaction.lastSubmission?.login ?? {}) as { accountId?: string; acr?: string; amr?: string[]; context?: unknown; challenge?: string };
    const subject = login.accountId ?? interaction.session?.accountId ?? '';
    const scopes = split(interaction.params.scope);
    const audience = split(interaction.params.audience);
    const prompts = split(interaction.params.lg_prompt !== undefined ? interaction.params.lg_prompt : interaction.params.prompt).filter((p) => p !== '-');
    // Issue 15 (RFC 9396): the budget asked for a `write` grant, already validated at the authorization endpoint.
    const requestedDetails = requestedBudget(scopes, interaction.params.authorization_details, client, deps.writeBudgetDefault);
    // Issue 18: the remembered consents usually came with the challenge's read (challenge-rows.ts).
    const remembered = prompts.includes('consent')
      ? undefined
      : rememberedRows
        ? coveringConsent(rememberedRows, requestedDetails)
        : await consentSessions.findRemembered(subject, client.client_id, scopes, audience, requestedDetails);
    const request: ConsentRequest = {
      challenge: interaction.uid,
      acr: login.acr ?? '',
      amr: login.amr ?? [],
      client,
      context: login.context ?? null,
      login_challenge: login.challenge ?? '',
      login_session_id: interaction.session?.uid ?? '',
      oidc_context: oidcContext(interaction.params),
      request_url: requestUrl(deps.issuer, interaction.params),
      requested_access_token_audience: audience,
      requested_scope: scopes,
      requested_authorization_details: requestedDetails,
      skip: Boolean(remembered),
      subject,
    };
    return { request, remembered: remembered?.grantedDetails ?? null };
  }

  return {
    getConsentRequest: (challenge) =>
      guarded(async () => {
        const found = await pendingWithClient(challenge, 'consent');
        if (!found.ok) return found;
        return ok((await describe(found.value.interaction, found.value.client, found.value.remembered)).request);
      }),

    acceptConsentRequest: (challenge, body: AcceptConsent) =>
      guarded(async () => {
        const found = await pendingWithClient(challenge, 'consent');
        if (!found.ok) return found;
        const { interaction, client } = found.value;
        const { request, remembered } = await describe(interaction, client, found.value.remembered);
        if (body?.grant_scope !== undefined && !Array.isArray(body.grant_scope)) return fail(400, 'invalid_request', 'Field grant_scope must be an array of strings');
        // Issue 15: never above the requested budget; a skipped consent keeps the remembered grant's budget.
        const requestedDetails = request.requested_authorization_details ?? [];
        const asked = body?.grant_authorization_details;
        const budget = request.skip && asked === undefined ? ok(remembered?.[0] ?? null) : grantedBudget(asked, requestedDetails);
        if (!budget.ok) return fail(400, 'invalid_request', budget.error);
        // Only what was requested can be granted.
        const requested = new Set(request.requested_scope);
        const scopes = (body?.grant_scope ?? []).filter((s) => typeof s === 'string' && requested.has(s));
        const requestedAudience = new Set(request.requested_access_token_audience);
        const audience = (body?.grant_access_token_audience ?? []).filter((a) => requestedAudience.has(a));
        const session = { access_token: body?.session?.access_token ?? {}, id_token: body?.session?.id_token ?? {} };

        // A budget applies only to a grant holding `write`.
        const granted = holdsWrite(scopes) ? budget.value : null;
        const grant = new (provider().Grant)({ accountId: request.subject, clientId: client.client_id });
        if (scopes.length) grant.addOIDCScope(scopes.join(' '));
        // RFC 9396: the Grant's rar reaches the code, every access token and the token response (rich-authorization.ts).
        if (granted) grant.addRar(granted as unknown as Parameters<typeof grant.addRar>[0]);
        const claims = Object.keys(session.id_token).filter((c) => SESSION_CLAIMS.includes(c));
        if (claims.length) grant.addOIDCClaims(claims);
        // Issue 18: the Grant and the consent session are written in the statement that marks the challenge handled
        // and stores the verifier (challenge-rows.ts): only the accept that handles the challenge stores them. The
        // Grant's row is the one oidc-provider's save makes, kept for this request (known-rows.ts) instead of written.
        const grantId = (grant.jti = (grant as unknown as { generateTokenId(): string }).generateTokenId());
        const grantRow = await withKnownRows(async () => (await saveInRequestOnly('Grant', grantId, () => grant.save()), knownRow('Grant', grantId)));
        if (!grantRow) throw new Error('the Grant was not saved');
        const record = {
          grantId,
          subject: request.subject,
          clientId: client.client_id,
          grantedScope: scopes,
          grantedAudience: audience,
          remember: body?.remember === true,
          rememberFor: body?.remember_for ?? 0,
          session,
          consentRequest: request,
          grantedDetails: granted ? [granted] : null,
        };
        const finished = await finish(interaction, 'consent', { ...interaction.lastSubmission, consent: { grantId } }, (first) => [consentRow(record, first), payloadRow('Grant', grantId, grantRow, first + 10)]);
        if (!finished.ok || !holdsWrite(scopes) || !deps.budgets) return finished;
        // Only the accept that handled the challenge records the budget (issue 15): a concurrent second accept
        // (410) never overwrites the winner's. The verifier it just stored is known to no one until this answers,
        // so no token is made before the budget exists; if it cannot be recorded the flow ends here (the accept
        // is 503, a retry 410 without a verifier): a grant never goes without its budget.
        const ceiling = client.spend_budget_max ?? requestedDetails[0] ?? null;
        const recorded = await deps.budgets.recordGranted({ userId: request.subject, clientId: client.client_id, budget: granted, ceiling, remembered: request.skip }).then(
          () => true,
          () => false,
        );
        return recorded ? finished : fail(503, 'temporarily_unavailable', 'The spending budget of the grant could not be recorded; start the authorization again');
      }),

    rejectConsentRequest: (challenge, body: RejectRequest) =>
      guarded(async () => {
        const found = await pending(challenge, 'consent');
        if (!found.ok) return found;
        return reject(found.value, 'consent', body);
      }),
  };
}
