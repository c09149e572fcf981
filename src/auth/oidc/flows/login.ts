// Hydra's login request on an oidc-provider interaction (prompt "login"): what the login app reads, and
// its accept or reject, kept pending under a login verifier (flows/interactions.ts).
import type { HydraAdmin } from '../../../hydra-port/port.ts';
import type { AcceptLogin, LoginRequest, RejectRequest } from '../../../hydra-port/types.ts';
import { ok } from '../../../shared/result.ts';
import { fail, guarded } from '../error-map.ts';
import { now, oidcContext, requestUrl, split, type FlowDeps, type InteractionLike, type Interactions } from './interactions.ts';

export type LoginFlow = Pick<HydraAdmin, 'getLoginRequest' | 'acceptLoginRequest' | 'rejectLoginRequest'>;

/** The app's decision as oidc-provider's interaction result; `skipped`: the accept of a remembered login's skip. */
function loginResult(challenge: string, body: AcceptLogin, skipped: boolean, session?: InteractionLike['session']) {
  return {
    login: {
      accountId: body.subject,
      // Hydra: accepting a skipped login keeps it remembered (a skip only happens for a remembered login).
      remember: skipped || body.remember === true,
      remember_for: body.remember_for ?? 0,
      ts: now(),
      // A skipped login that names no new factors keeps those of the remembered session (issue 19 #11).
      ...(body.acr ? { acr: body.acr } : skipped && session?.acr ? { acr: session.acr } : {}),
      ...(body.amr?.length ? { amr: body.amr } : skipped && session?.amr?.length ? { amr: session.amr } : {}),
      context: body.context ?? null,
      challenge,
    },
  };
}

export function createLoginFlow(deps: FlowDeps, interactions: Interactions): LoginFlow {
  const { pending, pendingWithClient, finish, finishPendingLogin, reject } = interactions;
  return {
    getLoginRequest: (challenge) =>
      guarded(async () => {
        const found = await pendingWithClient(challenge, 'login');
        if (!found.ok) return found;
        const { interaction, client } = found.value;
        const skip = interaction.prompt.details.skip === true;
        const request: LoginRequest = {
          challenge,
          client,
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
        // Issue 18: one statement when SQL sees a pending login that is not a skip (the decision then is this one).
        const atOnce = await finishPendingLogin(challenge, loginResult(challenge, body, false));
        if ('done' in atOnce) return atOnce.done;
        const found = await pending(challenge, 'login', atOnce.read);
        if (!found.ok) return found;
        const interaction = found.value;
        const sessionSubject = interaction.session?.accountId;
        const skipped = interaction.prompt.details.skip === true && sessionSubject === body.subject;
        if (interaction.prompt.details.skip === true && sessionSubject && sessionSubject !== body.subject) {
          // Hydra: another subject than the remembered one restarts the request with prompt=login.
          const restart = new URL(requestUrl(deps.issuer, { ...interaction.params, lg_prompt: undefined, lg_url: undefined, prompt: 'login' }));
          return ok({ redirect_to: restart.href });
        }
        return finish(interaction, 'login', loginResult(challenge, body, skipped, interaction.session));
      }),

    rejectLoginRequest: (challenge, body: RejectRequest) =>
      guarded(async () => {
        const found = await pending(challenge, 'login');
        if (!found.ok) return found;
        return reject(found.value, 'login', body);
      }),
  };
}
