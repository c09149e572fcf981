// Issue 18: a consent accepted in one statement (challenge-rows.ts markPendingConsent) stored only the app's input
// under its verifier. Its decision is made at the consent verifier leg, after the verifier and the browser's resume
// cookie are checked, from the interaction, client and remembered consents taken with the verifier: the same
// Grant and consent session the accept would have made. Both are written in the session's statement with the
// code (held-row-writes.ts), while the client is active; the Grant is known to this request for oidc-provider.
import type { Queryable } from '../../../db/database.ts';
import { publicView } from '../../app/client-admin.ts';
import { storedClientFromJson } from '../../services/client-repository.ts';
import { consentRow } from '../consent-sessions.ts';
import type { PendingDecision } from '../flow-verifiers.ts';
import { holdDecision, writeRows, type RowParams } from '../held-row-writes.ts';
import { knownRow, rememberRow, STORED_CLIENT } from '../known-rows.ts';
import { decideConsent, describeConsent, type DecisionDeps } from './consent-decision.ts';
import { now, type InteractionLike } from './interactions.ts';

/** The interaction's result for `decision` (its accept), or undefined when its client is gone. */
export type ConsentAtLeg = (interaction: InteractionLike, decision: PendingDecision) => Promise<Record<string, unknown> | undefined>;

export function consentAtLeg(deps: DecisionDeps & { db: Pick<Queryable, 'query'> }): ConsentAtLeg {
  return async (interaction, decision) => {
    const row = knownRow(STORED_CLIENT, String(interaction.params.client_id));
    if (!row) return undefined;
    const client = publicView(storedClientFromJson(row as Parameters<typeof storedClientFromJson>[0]));
    // The accept took no budget (no `write` granted, no details given): no budget check to fail here.
    const decided = await decideConsent(deps, await describeConsent(deps, interaction, client, decision.remembered ?? []), decision.accept);
    if (!decided.ok) return undefined;
    const { grantId, grantRow, record } = decided.value;
    const ttl = typeof grantRow.exp === 'number' ? Math.max(1, grantRow.exp - now()) : null;
    const grant: RowParams = ['Grant', grantId, JSON.stringify(grantRow), null, null, null, record.subject, record.clientId, ttl];
    rememberRow('Grant', grantId, grantRow);
    const consent = (first: number) => consentRow(record, first);
    // Outside a verifier leg's request (none today: device sign-ins take the accept's usual path), written now.
    if (!holdDecision(grant, consent) && !(await writeRows(deps.db, [{ row: grant, token: true }, { also: consent }]))) return undefined;
    return { ...interaction.lastSubmission, consent: { grantId } };
  };
}
