// Hydra's logout request (logout challenge): what the logout app reads, and its accept (a single-use
// logout verifier that confirms oidc-provider's end_session, see hydra-compat.ts) or reject.
import type { HydraAdmin } from '../../../hydra-port/port.ts';
import { ok } from '../../../shared/result.ts';
import { fail, guarded, notFound } from '../error-map.ts';
import type { FlowDeps } from './interactions.ts';

export type LogoutFlow = Pick<HydraAdmin, 'getLogoutRequest' | 'acceptLogoutRequest' | 'rejectLogoutRequest'>;

export function createLogoutFlow(deps: FlowDeps): LogoutFlow {
  const { handled, logoutRequests, verifiers } = deps;

  /** The pending logout request, or the 404 / 410 Hydra would answer. */
  async function pendingLogout(challenge: string) {
    const record = await logoutRequests.find(challenge);
    if (record) return ok(record);
    const redirectTo = await handled.find(challenge);
    return redirectTo ? fail(410, 'Gone', 'The logout request has been handled already', { redirect_to: redirectTo }) : notFound('logout request');
  }

  return {
    getLogoutRequest: (challenge) =>
      guarded(async () => {
        const found = await pendingLogout(challenge);
        if (!found.ok) return found;
        const record = found.value;
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
        const found = await pendingLogout(challenge);
        if (!found.ok) return found;
        const marked = await handled.mark(challenge, 'logout', found.value.requestUrl, deps.interactionTtl);
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
  };
}
