// oidc-provider interactions seen as Hydra's login and consent requests (challenge = interaction uid):
// finding a pending one, the request URL Hydra reports, and finishing one under a verifier.
import type Provider from 'oidc-provider';
import type { Database } from '../../../db/database.ts';
import type { StoredClient } from '../../domain/client.ts';
import type { AcceptConsent, HydraError, OAuth2Client } from '../../../hydra-port/types.ts';
import { ok, type Result } from '../../../shared/result.ts';
import type { GrantBudgetRecorder } from '../../../shared/wallet-spend/grant-budgets.ts';
import type { WalletSpendDetail } from '../../../shared/wallet-spend/spend-detail.ts';
import { readChallenge, type AlsoInsert } from '../challenge-rows.ts';
import type { ConsentSessions, RememberedDetails } from '../consent-sessions.ts';
import type { DeviceChallenges } from '../device-challenges.ts';
import { fail, notFound } from '../error-map.ts';
import type { FlowVerifiers } from '../flow-verifiers.ts';
import type { HandledChallenges } from '../handled-challenges.ts';
import { rememberRow, withKnownRows } from '../known-rows.ts';
import type { LogoutRequests } from '../logout-requests.ts';
import { HYDRA_ROUTES } from '../routes.ts';
import type { TokenIds } from '../token-ids.ts';

export interface FlowDeps {
  db: Database;
  issuer: string;
  interactionTtl: number;
  provider: () => Provider;
  /** The client as Hydra shows it; `stored`: the row already read with the challenge (null: there is none). */
  findClient: (id: string, stored?: StoredClient | null) => Promise<OAuth2Client | undefined>;
  consentSessions: ConsentSessions;
  handled: HandledChallenges;
  logoutRequests: LogoutRequests;
  /** Pending decisions under single-use random verifiers (issue 11 #1). */
  verifiers: FlowVerifiers;
  /** Tokens are stored under keyed hashes: introspection looks them up the same way (token-ids.ts). */
  tokenIds: TokenIds;
  /** Device challenges and their guessing limits (RFC 8628, issue 16). */
  deviceChallenges: DeviceChallenges;
  /** Issue 15: the budget of a `write` grant when neither the app nor its client set one (WRITE_BUDGET_DEFAULT). */
  writeBudgetDefault: WalletSpendDetail | null;
  /** Issue 15: the wallet's record of granted budgets (its ledger enforces them); absent: not recorded. */
  budgets?: GrantBudgetRecorder;
}

export type InteractionLike = {
  uid: string;
  exp: number;
  returnTo: string;
  prompt: { name: string; details: Record<string, unknown> };
  params: Record<string, unknown>;
  session?: { accountId?: string; uid?: string; acr?: string; amr?: string[] };
  lastSubmission?: Record<string, unknown>;
  result?: Record<string, unknown>;
  grantId?: string;
  save(ttl: number): Promise<string>;
};

export type Kind = 'login' | 'consent';
/** What readChallenge read: the handled mark, the interaction row, its client (null: not read) and remembered consents. */
type ChallengeRead = Awaited<ReturnType<typeof readChallenge>>;

export const split = (value: unknown) => (typeof value === 'string' ? value.split(' ').filter(Boolean) : []);
export const now = () => Math.floor(Date.now() / 1000);

export function requestUrl(issuer: string, params: Record<string, unknown>): string {
  // The client's own URL, verbatim, when hydra-compat kept it (lg_url); rebuilt otherwise.
  if (typeof params.lg_url === 'string' && params.prompt !== 'login') return `${issuer}/oauth2/auth?${params.lg_url}`;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || key === 'lg_prompt' || key === 'lg_url') continue;
    query.set(key, key === 'prompt' && params.lg_prompt !== undefined ? String(params.lg_prompt) : String(value));
  }
  if (params.lg_prompt === '-') query.delete('prompt');
  return `${issuer}/oauth2/auth?${query}`;
}

export function oidcContext(params: Record<string, unknown>) {
  return {
    ...(params.acr_values ? { acr_values: split(params.acr_values) } : {}),
    ...(params.display ? { display: String(params.display) } : {}),
    ...(params.login_hint ? { login_hint: String(params.login_hint) } : {}),
    ...(params.ui_locales ? { ui_locales: split(params.ui_locales) } : {}),
  };
}

export type Interactions = ReturnType<typeof createInteractions>;

export function createInteractions(deps: FlowDeps) {
  const { provider, verifiers } = deps;
  /**
   * Keeps the app's decision pending under a fresh random verifier (issue 11 #1): nothing is written onto the
   * interaction until the browser that started the flow presents the verifier (verifier-step.ts). A handled
   * challenge answers 410 with the original request URL, as Hydra does, never with a verifier.
   */
  async function finish(interaction: InteractionLike, kind: Kind, result: Record<string, unknown>, also?: AlsoInsert): Promise<Result<{ redirect_to: string }, HydraError>> {
    // A device sign-in (RFC 8628, issue 16) resumes at the device verification endpoint, as in Hydra; its
    // handled challenge points there too (a fresh device sign-in), not at an authorization URL it never had.
    const device = typeof (interaction as { deviceCode?: unknown }).deviceCode === 'string';
    const url = device ? `${deps.issuer}${HYDRA_ROUTES.code_verification}` : requestUrl(deps.issuer, interaction.params);
    // The handled mark and the verifier are one statement (issue 18): a second call gets 410, never a verifier.
    const issued = await verifiers.issueOnce({ kind, challenge: interaction.uid, result }, Math.max(1, interaction.exp - now()), { challenge: interaction.uid, kind, redirectTo: url, ttlSeconds: deps.interactionTtl }, also);
    if (!issued.first) return fail(410, 'Gone', `The ${kind} request has been handled already`, { redirect_to: issued.redirectTo });
    return ok({ redirect_to: verifierRedirect(url, interaction.uid, kind, issued.verifier) });
  }

  /**
   * Hydra's `<request URL>&login_verifier=`, on the flow's own path (/oauth2/auth/<uid>), where its resume cookie
   * is sent and verifier-step.ts checks both: Hydra's path would only be redirected there after a lookup of
   * the verifier (issue 18: one HTTP hop and two SQL round trips fewer per verifier leg). The request's
   * parameters stay for the error redirect of a used or unknown verifier.
   */
  function verifierRedirect(url: string, uid: string, kind: Kind, verifier: string): string {
    const [path, query] = url.split('?', 2) as [string, string | undefined];
    const resumeAt = `${path}/${encodeURIComponent(uid)}${query ? `?${query}&` : '?'}`;
    return `${resumeAt}${kind}_verifier=${verifier}`;
  }

  /**
   * A login accept in one round trip (issue 18): the decision is stored when SQL saw a pending, non-skipped login
   * of a kept request URL (challenge-rows.ts markPendingLogin), for which the route's checks all hold and its
   * decision is `result`. Otherwise `read`: the challenge's row, for pending() and finish() as before.
   */
  async function finishPendingLogin(challenge: string, result: Record<string, unknown>): Promise<{ done: Result<{ redirect_to: string }, HydraError> } | { read?: ChallengeRead }> {
    if (!challenge) return {};
    const issued = await verifiers.issueForPendingLogin({ kind: 'login', challenge, result }, `${deps.issuer}/oauth2/auth?`, deps.interactionTtl);
    if (!issued.first) return { read: { ...issued, client: null } };
    return { done: ok({ redirect_to: verifierRedirect(`${deps.issuer}/oauth2/auth?${issued.lgUrl}`, challenge, 'login', issued.verifier) }) };
  }

  /**
   * A consent accept in one round trip (issue 18): when the body alone shows that nothing of the interaction is needed
   * before the answer (no budget to check or record: no `write` granted, no grant_authorization_details), the
   * app's input is stored under the verifier for a pending consent (challenge-rows.ts markPendingConsent), and the
   * consent verifier leg makes the Grant and the consent session (consent-at-leg.ts). A handled challenge is 410,
   * none live 404, as pending() answers; `{}`: the usual path.
   */
  async function finishPendingConsent(challenge: string, body: AcceptConsent | undefined): Promise<{ done: Result<{ redirect_to: string }, HydraError> } | Record<string, never>> {
    const scopes = body?.grant_scope;
    const simple = !!challenge && body?.grant_authorization_details === undefined && (scopes === undefined || (Array.isArray(scopes) && !scopes.includes('write')));
    if (!simple) return {};
    const accept: AcceptConsent = { grant_scope: scopes ?? [], grant_access_token_audience: body?.grant_access_token_audience ?? [], remember: body?.remember === true, remember_for: body?.remember_for ?? 0, session: body?.session ?? {} };
    const issued = await verifiers.issueForPendingConsent({ kind: 'consent', challenge, accept }, `${deps.issuer}/oauth2/auth?`, deps.interactionTtl);
    if (issued.first) return { done: ok({ redirect_to: verifierRedirect(`${deps.issuer}/oauth2/auth?${issued.lgUrl}`, challenge, 'consent', issued.verifier) }) };
    if (issued.redirectTo) return { done: fail(410, 'Gone', 'The consent request has been handled already', { redirect_to: issued.redirectTo }) };
    return issued.live ? {} : { done: notFound('consent request') };
  }

  /** Finds a pending interaction of the given kind, or the 404 / 410 Hydra would answer. */
  async function pending(challenge: string, kind: Kind, read?: ChallengeRead): Promise<Result<InteractionLike, HydraError>> {
    const found = await pendingRead(challenge, kind, read);
    return found.ok ? ok(found.value.interaction) : found;
  }

  /** With the client row read alongside (undefined when the interaction did not come from that read). */
  async function pendingRead(challenge: string, kind: Kind, given?: ChallengeRead): Promise<Result<{ interaction: InteractionLike; client: StoredClient | null | undefined; remembered?: RememberedDetails[] }, HydraError>> {
    if (!challenge) return fail(400, 'invalid_request', `The ${kind}_challenge parameter is required`);
    // The handled mark and the interaction in one read (issue 18); oidc-provider then builds the interaction
    // from that row (known-rows.ts) and checks its expiry as for one it had read itself.
    const read = given ?? (await readChallenge(deps.db, challenge));
    if (read.redirectTo) return fail(410, 'Gone', `The ${kind} request has been handled already`, { redirect_to: read.redirectTo });
    const interaction = (await withKnownRows(async () => {
      rememberRow('Interaction', challenge, read.interaction ?? null);
      return provider().Interaction.find(challenge);
    })) as InteractionLike | undefined;
    if (interaction && interaction.prompt.name === kind && !interaction.result) return ok({ interaction, client: read.interaction ? read.client : undefined, ...(read.interaction && read.remembered ? { remembered: read.remembered } : {}) });
    return notFound(`${kind} request`);
  }

  return {
    finish,
    finishPendingLogin,
    finishPendingConsent,
    pending,

    /** A pending interaction with its client (what a login or consent request shows), or Hydra's 404 / 410. */
    async pendingWithClient(challenge: string, kind: Kind): Promise<Result<{ interaction: InteractionLike; client: OAuth2Client; remembered?: RememberedDetails[] }, HydraError>> {
      const found = await pendingRead(challenge, kind);
      if (!found.ok) return found;
      const { interaction } = found.value;
      // The client row came with the challenge (challenge-rows.ts), for the client the interaction names.
      const client = await deps.findClient(String(interaction.params.client_id), found.value.client);
      // A consent's remembered consents came with it too (read for the client the interaction names).
      return client ? ok({ interaction, client, ...(found.value.remembered ? { remembered: found.value.remembered } : {}) }) : notFound('client');
    },

    /** Hydra's answer to an app rejecting the request. */
    reject(interaction: InteractionLike, kind: Kind, body: { error?: string; error_description?: string } | undefined) {
      return finish(interaction, kind, { error: body?.error || 'access_denied', error_description: body?.error_description || 'The resource owner denied the request' });
    },
  };
}
