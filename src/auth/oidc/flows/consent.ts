// Hydra's consent request on an oidc-provider interaction (prompt "consent"): what the consent app reads,
// and its accept (an oidc-provider Grant plus Hydra's consent session) or reject, kept pending under a
// consent verifier (flows/interactions.ts).
import type { HydraAdmin } from '../../../hydra-port/port.ts';
import type { AcceptConsent, OAuth2Client, RejectRequest } from '../../../hydra-port/types.ts';
import { ok } from '../../../shared/result.ts';
import { holdsWrite } from '../../domain/grant-budget.ts';
import { payloadRow } from '../challenge-rows.ts';
import { consentRow, type RememberedDetails } from '../consent-sessions.ts';
import { fail, guarded } from '../error-map.ts';
import { decideConsent, describeConsent } from './consent-decision.ts';
import type { FlowDeps, InteractionLike, Interactions } from './interactions.ts';

export type ConsentFlow = Pick<HydraAdmin, 'getConsentRequest' | 'acceptConsentRequest' | 'rejectConsentRequest'>;

export function createConsentFlow(deps: FlowDeps, interactions: Interactions): ConsentFlow {
  const { pending, pendingWithClient, finish, finishPendingConsent, reject } = interactions;

  const describe = (interaction: InteractionLike, client: OAuth2Client, remembered?: readonly RememberedDetails[]) => describeConsent(deps, interaction, client, remembered);

  return {
    getConsentRequest: (challenge) =>
      guarded(async () => {
        const found = await pendingWithClient(challenge, 'consent');
        if (!found.ok) return found;
        return ok((await describe(found.value.interaction, found.value.client, found.value.remembered)).request);
      }),

    acceptConsentRequest: (challenge, body: AcceptConsent) =>
      guarded(async () => {
        // Issue 18: one statement when the body alone shows the accept needs nothing of the interaction now.
        const quick = await finishPendingConsent(challenge, body);
        if ('done' in quick) return quick.done;
        const found = await pendingWithClient(challenge, 'consent');
        if (!found.ok) return found;
        const { interaction, client } = found.value;
        const described = await describe(interaction, client, found.value.remembered);
        if (body?.grant_scope !== undefined && !Array.isArray(body.grant_scope)) return fail(400, 'invalid_request', 'Field grant_scope must be an array of strings');
        const decided = await decideConsent(deps, described, body);
        if (!decided.ok) return fail(400, 'invalid_request', decided.error);
        const { grantId, grantRow, record, granted, ceiling } = decided.value;
        // Issue 18: the Grant and the consent session are written in the statement that marks the challenge handled
        // and stores the verifier (challenge-rows.ts): only the accept that handles the challenge stores them.
        const finished = await finish(interaction, 'consent', { ...interaction.lastSubmission, consent: { grantId } }, (first) => [consentRow(record, first), payloadRow('Grant', grantId, grantRow, first + 10)]);
        if (!finished.ok || !holdsWrite(record.grantedScope) || !deps.budgets) return finished;
        // Only the accept that handled the challenge records the budget (issue 15): a concurrent second accept
        // (410) never overwrites the winner's. The verifier it just stored is known to no one until this answers,
        // so no token is made before the budget exists; if it cannot be recorded the flow ends here (the accept
        // is 503, a retry 410 without a verifier): a grant never goes without its budget.
        const recorded = await deps.budgets.recordGranted({ userId: record.subject, clientId: client.client_id, budget: granted, ceiling, remembered: described.request.skip }).then(
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
