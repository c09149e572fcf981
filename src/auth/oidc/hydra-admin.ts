// The in-process half of the HydraAdmin port that needs oidc-provider: login, consent and logout
// challenges (challenge = oidc-provider interaction uid), sessions, introspection and token revocation.
import type Provider from 'oidc-provider';
import type { Database } from '../../db/database.ts';
import { isConnectionError } from '../../db/database.ts';
import type { HydraAdmin } from '../../hydra-port/port.ts';
import type { AcceptConsent, AcceptLogin, ConsentRequest, HydraError, IntrospectedToken, LoginRequest, OAuth2Client, RejectRequest } from '../../hydra-port/types.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { ConsentSessions } from './consent-sessions.ts';
import type { FlowVerifiers } from './flow-verifiers.ts';
import type { HandledChallenges } from './handled-challenges.ts';
import type { LogoutRequests } from './logout-requests.ts';
import { SESSION_CLAIMS } from './provider-factory.ts';
import { revokeGrant, TOKEN_MODELS } from './sql-adapter.ts';
import type { TokenIds } from './token-ids.ts';

type FlowPort = Pick<
  HydraAdmin,
  | 'getLoginRequest'
  | 'acceptLoginRequest'
  | 'rejectLoginRequest'
  | 'getConsentRequest'
  | 'acceptConsentRequest'
  | 'rejectConsentRequest'
  | 'getLogoutRequest'
  | 'acceptLogoutRequest'
  | 'rejectLogoutRequest'
  | 'listConsentSessions'
  | 'revokeConsentSessions'
  | 'revokeLoginSessions'
  | 'introspect'
  | 'revokeClientTokens'
>;

export interface FlowDeps {
  db: Database;
  issuer: string;
  interactionTtl: number;
  provider: () => Provider;
  findClient: (id: string) => Promise<OAuth2Client | undefined>;
  consentSessions: ConsentSessions;
  handled: HandledChallenges;
  logoutRequests: LogoutRequests;
  /** Pending decisions under single-use random verifiers (issue 11 #1). */
  verifiers: FlowVerifiers;
  /** Tokens are stored under keyed hashes: introspection looks them up the same way (token-ids.ts). */
  tokenIds: TokenIds;
}

type InteractionLike = {
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

const fail = (status: number, error: string, error_description: string, extra: Partial<HydraError> = {}) => err<HydraError>({ status, error, error_description, ...extra });
const notFound = (what: string) => fail(404, 'Not Found', `Unable to locate the ${what}`);
const split = (value: unknown) => (typeof value === 'string' ? value.split(' ').filter(Boolean) : []);
const now = () => Math.floor(Date.now() / 1000);

/** Database errors become 503 values, never thrown through the transport as 500s. */
async function guarded<T>(work: () => Promise<Result<T, HydraError>>): Promise<Result<T, HydraError>> {
  try {
    return await work();
  } catch (error) {
    if (isConnectionError(error) || (error as { status?: number }).status === 503) return fail(503, 'temporarily_unavailable', 'the database is unavailable');
    throw error;
  }
}

function requestUrl(issuer: string, params: Record<string, unknown>): string {
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

function oidcContext(params: Record<string, unknown>) {
  return {
    ...(params.acr_values ? { acr_values: split(params.acr_values) } : {}),
    ...(params.display ? { display: String(params.display) } : {}),
    ...(params.login_hint ? { login_hint: String(params.login_hint) } : {}),
    ...(params.ui_locales ? { ui_locales: split(params.ui_locales) } : {}),
  };
}

export function createHydraFlows(deps: FlowDeps): FlowPort {
  const { db, provider, handled, consentSessions, logoutRequests, verifiers } = deps;

  /** Finds a pending interaction of the given kind, or the 404 / 410 Hydra would answer. */
  async function pending(challenge: string, kind: 'login' | 'consent'): Promise<Result<InteractionLike, HydraError>> {
    if (!challenge) return fail(400, 'invalid_request', `The ${kind}_challenge parameter is required`);
    const redirectTo = await handled.find(challenge);
    if (redirectTo) return fail(410, 'Gone', `The ${kind} request has been handled already`, { redirect_to: redirectTo });
    const interaction = (await provider().Interaction.find(challenge)) as InteractionLike | undefined;
    if (interaction && interaction.prompt.name === kind && !interaction.result) return ok(interaction);
    return notFound(`${kind} request`);
  }

  async function clientOf(interaction: InteractionLike): Promise<Result<OAuth2Client, HydraError>> {
    const client = await deps.findClient(String(interaction.params.client_id));
    return client ? ok(client) : notFound('client');
  }

  /**
   * Keeps the app's decision pending under a fresh random verifier (issue 11 #1): nothing is written onto the
   * interaction until the browser that started the flow presents the verifier (verifier-step.ts). A handled
   * challenge answers 410 with the original request URL, as Hydra does, never with a verifier.
   */
  async function finish(interaction: InteractionLike, kind: 'login' | 'consent', result: Record<string, unknown>) {
    const url = requestUrl(deps.issuer, interaction.params);
    const marked = await handled.mark(interaction.uid, kind, url, deps.interactionTtl);
    if (!marked.first) return fail(410, 'Gone', `The ${kind} request has been handled already`, { redirect_to: marked.redirectTo });
    const verifier = await verifiers.issue({ kind, challenge: interaction.uid, result }, Math.max(1, interaction.exp - now()));
    return ok({ redirect_to: `${url}&${kind}_verifier=${verifier}` });
  }

  async function consentRequestOf(interaction: InteractionLike, client: OAuth2Client): Promise<ConsentRequest> {
    const login = (interaction.lastSubmission?.login ?? {}) as { accountId?: string; acr?: string; amr?: string[]; context?: unknown; challenge?: string };
    const subject = login.accountId ?? interaction.session?.accountId ?? '';
    const scopes = split(interaction.params.scope);
    const audience = split(interaction.params.audience);
    const prompts = split(interaction.params.lg_prompt !== undefined ? interaction.params.lg_prompt : interaction.params.prompt).filter((p) => p !== '-');
    const skip = !prompts.includes('consent') && (await consentSessions.findRemembered(subject, client.client_id, scopes, audience));
    return {
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
      skip,
      subject,
    };
  }

  return {
    getLoginRequest: (challenge) =>
      guarded(async () => {
        const found = await pending(challenge, 'login');
        if (!found.ok) return found;
        const interaction = found.value;
        const client = await clientOf(interaction);
        if (!client.ok) return client;
        const skip = interaction.prompt.details.skip === true;
        const request: LoginRequest = {
          challenge,
          client: client.value,
          oidc_context: oidcContext(interaction.params),
          request_url: requestUrl(deps.issuer, interaction.params),
          requested_access_token_audience: split(interaction.params.audience),
          requested_scope: split(interaction.params.scope),
          session_id: String(interaction.prompt.details.session_id ?? interaction.session?.uid ?? ''),
          skip,
          subject: skip ? (interaction.session?.accountId ?? '') : '',
        };
        return ok(request);
      }),

    acceptLoginRequest: (challenge, body: AcceptLogin) =>
      guarded(async () => {
        if (!body || typeof body.subject !== 'string' || !body.subject) return fail(400, 'invalid_request', 'Field subject must not be empty');
        const found = await pending(challenge, 'login');
        if (!found.ok) return found;
        const interaction = found.value;
        const sessionSubject = interaction.session?.accountId;
        const skipped = interaction.prompt.details.skip === true && sessionSubject === body.subject;
        if (interaction.prompt.details.skip === true && sessionSubject && sessionSubject !== body.subject) {
          // Hydra: another subject than the remembered one restarts the request with prompt=login.
          const restart = new URL(requestUrl(deps.issuer, { ...interaction.params, lg_prompt: undefined, lg_url: undefined, prompt: 'login' }));
          return ok({ redirect_to: restart.href });
        }
        return finish(interaction, 'login', {
          login: {
            accountId: body.subject,
            // Hydra: accepting a skipped login keeps it remembered (a skip only happens for a remembered login).
            remember: skipped || body.remember === true,
            remember_for: body.remember_for ?? 0,
            ts: now(),
            // A skipped login that names no new factors keeps those of the remembered session (issue 19 #11).
            ...(body.acr ? { acr: body.acr } : skipped && interaction.session?.acr ? { acr: interaction.session.acr } : {}),
            ...(body.amr?.length ? { amr: body.amr } : skipped && interaction.session?.amr?.length ? { amr: interaction.session.amr } : {}),
            context: body.context ?? null,
            challenge,
          },
        });
      }),

    rejectLoginRequest: (challenge, body: RejectRequest) =>
      guarded(async () => {
        const found = await pending(challenge, 'login');
        if (!found.ok) return found;
        return finish(found.value, 'login', { error: body?.error || 'access_denied', error_description: body?.error_description || 'The resource owner denied the request' });
      }),

    getConsentRequest: (challenge) =>
      guarded(async () => {
        const found = await pending(challenge, 'consent');
        if (!found.ok) return found;
        const client = await clientOf(found.value);
        if (!client.ok) return client;
        return ok(await consentRequestOf(found.value, client.value));
      }),

    acceptConsentRequest: (challenge, body: AcceptConsent) =>
      guarded(async () => {
        const found = await pending(challenge, 'consent');
        if (!found.ok) return found;
        const interaction = found.value;
        const client = await clientOf(interaction);
        if (!client.ok) return client;
        const request = await consentRequestOf(interaction, client.value);
        if (body?.grant_scope !== undefined && !Array.isArray(body.grant_scope)) return fail(400, 'invalid_request', 'Field grant_scope must be an array of strings');
        // Only what was requested can be granted.
        const requested = new Set(request.requested_scope);
        const scopes = (body?.grant_scope ?? []).filter((s) => typeof s === 'string' && requested.has(s));
        const requestedAudience = new Set(request.requested_access_token_audience);
        const audience = (body?.grant_access_token_audience ?? []).filter((a) => requestedAudience.has(a));
        const session = { access_token: body?.session?.access_token ?? {}, id_token: body?.session?.id_token ?? {} };

        const grant = new (provider().Grant)({ accountId: request.subject, clientId: client.value.client_id });
        if (scopes.length) grant.addOIDCScope(scopes.join(' '));
        const claims = Object.keys(session.id_token).filter((c) => SESSION_CLAIMS.includes(c));
        if (claims.length) grant.addOIDCClaims(claims);
        const grantId = await grant.save();
        await consentSessions.save({
          grantId,
          subject: request.subject,
          clientId: client.value.client_id,
          grantedScope: scopes,
          grantedAudience: audience,
          remember: body?.remember === true,
          rememberFor: body?.remember_for ?? 0,
          session,
          consentRequest: request,
        });
        return finish(interaction, 'consent', { ...interaction.lastSubmission, consent: { grantId } });
      }),

    rejectConsentRequest: (challenge, body: RejectRequest) =>
      guarded(async () => {
        const found = await pending(challenge, 'consent');
        if (!found.ok) return found;
        return finish(found.value, 'consent', { error: body?.error || 'access_denied', error_description: body?.error_description || 'The resource owner denied the request' });
      }),

    getLogoutRequest: (challenge) =>
      guarded(async () => {
        const record = await logoutRequests.find(challenge);
        if (!record) {
          const redirectTo = await handled.find(challenge);
          return redirectTo ? fail(410, 'Gone', 'The logout request has been handled already', { redirect_to: redirectTo }) : notFound('logout request');
        }
        const client = record.clientId ? ((await deps.findClient(record.clientId)) ?? null) : null;
        return ok({
          challenge,
          client,
          request_url: record.requestUrl,
          rp_initiated: record.rpInitiated,
          sid: record.sid,
          subject: record.subject,
          // Hydra sets these only for browser-initiated logout.
          expires_at: record.rpInitiated ? null : (record.expiresAt ?? null),
          requested_at: record.rpInitiated ? null : (record.requestedAt ?? null),
        });
      }),

    acceptLogoutRequest: (challenge) =>
      guarded(async () => {
        const record = await logoutRequests.find(challenge);
        if (!record) {
          const redirectTo = await handled.find(challenge);
          return redirectTo ? fail(410, 'Gone', 'The logout request has been handled already', { redirect_to: redirectTo }) : notFound('logout request');
        }
        const marked = await handled.mark(challenge, 'logout', record.requestUrl, deps.interactionTtl);
        if (!marked.first) return fail(410, 'Gone', 'The logout request has been handled already', { redirect_to: marked.redirectTo });
        // A fresh single-use verifier, not the challenge (issue 11 #1); the browser's own session secret is checked when it is used.
        const verifier = await verifiers.issue({ kind: 'logout', challenge }, deps.interactionTtl);
        return ok({ redirect_to: `${deps.issuer}/oauth2/sessions/logout?logout_verifier=${verifier}` });
      }),

    rejectLogoutRequest: (challenge) =>
      guarded(async () => {
        const record = await logoutRequests.find(challenge);
        if (!record) return notFound('logout request');
        await logoutRequests.remove(challenge);
        return ok(undefined);
      }),

    listConsentSessions: (subject) =>
      guarded(async () => {
        if (!subject) return fail(400, 'invalid_request', 'Query parameter subject is required');
        return ok(await consentSessions.list(subject));
      }),

    revokeConsentSessions: (subject, client) =>
      guarded(async () => {
        if (!subject) return fail(400, 'invalid_request', 'Query parameter subject is required');
        const grants = await consentSessions.revoke(subject, client);
        for (const grantId of grants) await revokeGrant(db, grantId);
        return ok(undefined);
      }),

    revokeLoginSessions: (subject) =>
      guarded(async () => {
        if (!subject) return fail(400, 'invalid_request', 'Query parameter subject is required');
        await db.query(`DELETE FROM oidc_payloads WHERE model = 'Session' AND subject = $1`, [subject]);
        return ok(undefined);
      }),

    introspect: (token, scope) =>
      guarded(async () => {
        if (typeof token !== 'string' || !token || token.length > 4096) return ok({ active: false });
        const [row] = await db.query<{ model: string; payload: Record<string, unknown>; status: string | null; claims: Record<string, unknown> | null; audience: string[] | null }>(
          `SELECT p.model, p.payload, c.status, cs.session_claims->'access_token' AS claims, cs.granted_audience AS audience
             FROM oidc_payloads p
             LEFT JOIN oauth2_clients c ON c.client_id = p.client_id
             LEFT JOIN consent_sessions cs ON cs.grant_id = p.grant_id
            WHERE p.model IN ('AccessToken', 'RefreshToken', 'ClientCredentials') AND p.id = ANY($1::text[])
              AND p.expires_at > now() AND p.consumed_at IS NULL
            LIMIT 1`,
          [deps.tokenIds.candidates(token)],
        );
        if (!row || row.status !== 'active') return ok({ active: false });
        const p = row.payload as { scope?: string; clientId: string; accountId?: string; exp: number; iat: number };
        // RFC 7662 with Hydra's `scope` parameter: active only when the token holds every scope asked for.
        const held = new Set((p.scope ?? '').split(' '));
        if (scope && !scope.split(' ').filter(Boolean).every((s) => held.has(s))) return ok({ active: false });
        const result: IntrospectedToken = {
          active: true,
          scope: p.scope ?? '',
          client_id: p.clientId,
          sub: p.accountId ?? p.clientId,
          exp: p.exp,
          iat: p.iat,
          nbf: p.iat,
          aud: row.audience ?? [],
          iss: deps.issuer,
          token_type: 'Bearer',
          token_use: row.model === 'RefreshToken' ? 'refresh_token' : 'access_token',
          ...(row.claims && Object.keys(row.claims).length ? { ext: row.claims } : {}),
        };
        return ok(result);
      }),

    revokeClientTokens: (clientId) =>
      guarded(async () => {
        if (!clientId) return fail(400, 'invalid_request', 'Query parameter client_id is required');
        await db.query(`DELETE FROM oidc_payloads WHERE client_id = $1 AND model = ANY($2::text[])`, [clientId, TOKEN_MODELS]);
        return ok(undefined);
      }),
  };
}
