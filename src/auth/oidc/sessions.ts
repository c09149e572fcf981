// Hydra's admin operations on sessions: a subject's consent sessions (list, revoke with every token of
// their grants) and login sessions (revoke).
import type { HydraAdmin } from '../../hydra-port/port.ts';
import { ok } from '../../shared/result.ts';
import { fail, guarded } from './error-map.ts';
import type { FlowDeps } from './flows/interactions.ts';
import { deleteLoginSessions, revokeGrant } from './sql-adapter.ts';

export type SessionAdmin = Pick<HydraAdmin, 'listConsentSessions' | 'revokeConsentSessions' | 'revokeLoginSessions'>;

const subjectRequired = () => fail(400, 'invalid_request', 'Query parameter subject is required');

export function createSessionAdmin({ db, consentSessions }: Pick<FlowDeps, 'db' | 'consentSessions'>): SessionAdmin {
  return {
    listConsentSessions: (subject) =>
      guarded(async () => {
        if (!subject) return subjectRequired();
        return ok(await consentSessions.list(subject));
      }),

    revokeConsentSessions: (subject, client) =>
      guarded(async () => {
        if (!subject) return subjectRequired();
        const grants = await consentSessions.revoke(subject, client);
        for (const grantId of grants) await revokeGrant(db, grantId);
        return ok(undefined);
      }),

    revokeLoginSessions: (subject) =>
      guarded(async () => {
        if (!subject) return subjectRequired();
        await deleteLoginSessions(db, subject);
        return ok(undefined);
      }),
  };
}
