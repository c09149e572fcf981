// What a consent request shows, and what accepting it makes (the Grant and Hydra's consent session), from the
// interaction, its client and the remembered consents. Used by the accept (flows/consent.ts) and, for an accept
// stored as the app's input alone, by the consent verifier leg (issue 18, consent-at-leg.ts).
import type { AcceptConsent, ConsentRequest, OAuth2Client } from '../../../hydra-port/types.ts';
import { ok, type Result } from '../../../shared/result.ts';
import type { WalletSpendDetail } from '../../../shared/wallet-spend/spend-detail.ts';
import { grantedBudget, holdsWrite, requestedBudget } from '../../domain/grant-budget.ts';
import { SESSION_CLAIMS } from '../configuration.ts';
import { coveringConsent, type ConsentRecord, type ConsentSessions, type RememberedDetails } from '../consent-sessions.ts';
import { knownRow, saveInRequestOnly, withKnownRows } from '../known-rows.ts';
import { oidcContext, requestUrl, split, type FlowDeps, type InteractionLike } from './interactions.ts';

export type DecisionDeps = Pick<FlowDeps, 'issuer' | 'provider' | 'writeBudgetDefault'> & { consentSessions?: Pick<ConsentSessions, 'findRemembered'> };

/** The consent request, and the remembered consent that lets it skip (issue 15: its budget is kept). */
export async function describeConsent(deps: DecisionDeps, interaction: InteractionLike, client: OAuth2Client, rememberedRows?: readonly RememberedDetails[]): Promise<{ request: ConsentRequest; remembered: WalletSpendDetail[] | null }> {
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
      : await deps.consentSessions?.findRemembered(subject, client.client_id, scopes, audience, requestedDetails);
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

/** An accept's Grant (its row as oidc-provider's save makes it, not written) and consent session. */
export interface ConsentDecision {
  grantId: string;
  grantRow: Record<string, unknown>;
  record: ConsentRecord;
  /** Issue 15: the budget of a `write` grant (null: none), and what the wallet records it against. */
  granted: WalletSpendDetail | null;
  ceiling: WalletSpendDetail | null;
}

/** The accept of `request` with the app's body, or the 400 sentence of a budget beyond the requested one. */
export async function decideConsent(deps: DecisionDeps, described: { request: ConsentRequest; remembered: WalletSpendDetail[] | null }, body: AcceptConsent | undefined): Promise<Result<ConsentDecision, string>> {
  const { request, remembered } = described;
  const client = request.client;
  // Issue 15: never above the requested budget; a skipped consent keeps the remembered grant's budget.
  const requestedDetails = request.requested_authorization_details ?? [];
  const asked = body?.grant_authorization_details;
  const budget = request.skip && asked === undefined ? ok(remembered?.[0] ?? null) : grantedBudget(asked, requestedDetails);
  if (!budget.ok) return budget;
  // Only what was requested can be granted.
  const requested = new Set(request.requested_scope);
  const scopes = (body?.grant_scope ?? []).filter((s) => typeof s === 'string' && requested.has(s));
  const requestedAudience = new Set(request.requested_access_token_audience);
  const audience = (body?.grant_access_token_audience ?? []).filter((a) => requestedAudience.has(a));
  const session = { access_token: body?.session?.access_token ?? {}, id_token: body?.session?.id_token ?? {} };

  // A budget applies only to a grant holding `write`.
  const granted = holdsWrite(scopes) ? budget.value : null;
  const grant = new (deps.provider().Grant)({ accountId: request.subject, clientId: client.client_id });
  if (scopes.length) grant.addOIDCScope(scopes.join(' '));
  // RFC 9396: the Grant's rar reaches the code, every access token and the token response (rich-authorization.ts).
  if (granted) grant.addRar(granted as unknown as Parameters<typeof grant.addRar>[0]);
  const claims = Object.keys(session.id_token).filter((c) => SESSION_CLAIMS.includes(c));
  if (claims.length) grant.addOIDCClaims(claims);
  // The Grant's row is the one oidc-provider's save makes, kept for this request (known-rows.ts) instead of written.
  const grantId = (grant.jti = (grant as unknown as { generateTokenId(): string }).generateTokenId());
  const grantRow = await withKnownRows(async () => (await saveInRequestOnly('Grant', grantId, () => grant.save()), knownRow('Grant', grantId)));
  if (!grantRow) throw new Error('the Grant was not saved');
  const record: ConsentRecord = {
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
  return ok({ grantId, grantRow, record, granted, ceiling: client.spend_budget_max ?? requestedDetails[0] ?? null });
}
