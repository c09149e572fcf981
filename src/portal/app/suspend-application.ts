// An admin suspends an approved app (its client is refused and every token revoked at once) or
// reactivates a suspended one. Lightgate's approval state on the client does the enforcing.
import { err, ok, type Result } from '../../shared/result.ts';
import type { Application } from '../domain/application.ts';
import { findApplication, recordAudit, updateApplication } from '../services/portal-store.ts';
import { invalidState, notFound, upstream, type Actor, type PortalContext, type PortalError } from './context.ts';

export async function setApplicationSuspended(ctx: PortalContext, actor: Actor, id: string, suspend: boolean): Promise<Result<Application, PortalError>> {
  const app = await findApplication(ctx.db, id);
  if (!app) return err(notFound());
  const from = suspend ? 'approved' : 'suspended';
  if (app.status !== from || !app.clientId) return err(invalidState({ is: suspend ? 'onlyApprovedSuspend' : 'onlySuspendedReactivate' }));
  const claimed = await updateApplication(ctx.db, id, { status: suspend ? 'suspended' : 'approved' }, from);
  if (!claimed) return err(invalidState({ is: 'appChanged' }));
  const set = await ctx.admin.setClientStatus(app.clientId, suspend ? 'suspended' : 'active');
  if (!set.ok) {
    await updateApplication(ctx.db, id, { status: from });
    return err(upstream(suspend ? 'suspend' : 'reactivate', set.error));
  }
  await recordAudit(ctx.db, { actorId: actor.id, actorEmail: actor.email, action: suspend ? 'application.suspend' : 'application.reactivate', target: id, details: { name: app.name, client_id: app.clientId } });
  return ok(claimed);
}
