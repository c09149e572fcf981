// An admin's review of a pending application: approve (creates the client, or gives an approved app the
// extra scopes it asked for) or reject with a reason. Each is recorded in the audit log.
import { err, ok, type Result } from '../../shared/result.ts';
import { toClientBody, type Application } from '../domain/application.ts';
import { findApplication, recordAudit, updateApplication } from '../services/portal-store.ts';
import { keepSecretForOwner } from './client-secret.ts';
import { invalidState, notFound, upstream, type Actor, type PortalContext, type PortalError } from './context.ts';

export const MAX_REASON = 500;

export async function approveApplication(ctx: PortalContext, actor: Actor, id: string): Promise<Result<Application, PortalError>> {
  const app = await findApplication(ctx.db, id);
  if (!app) return err(notFound());
  // Claim the transition first so two admins cannot both create a client; the admin port is called
  // outside any transaction (it may be HTTP, or the same embedded database).
  const claimed = await updateApplication(ctx.db, id, { status: 'approved' }, 'pending');
  if (!claimed) return err(invalidState(`Only a pending app can be approved; this one is ${app.status}.`));
  const undo = () => updateApplication(ctx.db, id, { status: 'pending' });

  if (claimed.clientId) {
    const replaced = await ctx.admin.replaceClient(claimed.clientId, toClientBody(claimed));
    if (!replaced.ok) {
      await undo();
      return err(upstream('approve the app', replaced.error));
    }
    const updated = await updateApplication(ctx.db, id, { approvedScopes: null, rejectionReason: null });
    await recordAudit(ctx.db, { actorId: actor.id, actorEmail: actor.email, action: 'application.approve_scopes', target: id, details: { name: app.name, client_id: claimed.clientId, scopes: claimed.scopes } });
    return ok(updated!);
  }

  const created = await ctx.admin.createClient(toClientBody(claimed));
  if (!created.ok) {
    await undo();
    return err(upstream('approve the app', created.error));
  }
  const updated = await updateApplication(ctx.db, id, { clientId: created.value.client_id, approvedScopes: null, rejectionReason: null });
  if (created.value.client_secret) await keepSecretForOwner(ctx, app.ownerId, id, created.value.client_secret);
  await recordAudit(ctx.db, { actorId: actor.id, actorEmail: actor.email, action: 'application.approve', target: id, details: { name: app.name, client_id: created.value.client_id, scopes: claimed.scopes } });
  return ok(updated!);
}

export async function rejectApplication(ctx: PortalContext, actor: Actor, id: string, reasonInput: string): Promise<Result<Application, PortalError>> {
  const reason = reasonInput.trim();
  if (!reason || reason.length > MAX_REASON) return err({ code: 'INVALID_INPUT', message: `Give the developer a reason (1 to ${MAX_REASON} characters).` });
  const app = await findApplication(ctx.db, id);
  if (!app) return err(notFound());
  if (app.status !== 'pending') return err(invalidState(`Only a pending app can be rejected; this one is ${app.status}.`));
  // A declined request for more scopes leaves the app approved with the scopes its client has.
  const patch = app.clientId
    ? { status: 'approved' as const, details: { ...app, scopes: app.scopes.filter((s) => (app.approvedScopes ?? app.scopes).includes(s)) }, approvedScopes: null, rejectionReason: reason }
    : { status: 'rejected' as const, rejectionReason: reason };
  const updated = await updateApplication(ctx.db, id, patch, 'pending');
  if (!updated) return err(invalidState('The app changed meanwhile; reload and try again.'));
  await recordAudit(ctx.db, { actorId: actor.id, actorEmail: actor.email, action: app.clientId ? 'application.reject_scopes' : 'application.reject', target: id, details: { name: app.name, reason } });
  return ok(updated);
}
