// An admin's review of a pending application: approve (creates the client, or puts an approved app's
// changes live) or reject with a reason. Both name the version the admin reviewed and fail if the
// application changed since (issue 11 #5). Each is recorded in the audit log.
import { err, ok, type Result } from '../../shared/result.ts';
import { changedFields, detailsOf, toClientBody, type Application } from '../domain/application.ts';
import { findApplication, recordAudit, updateApplication } from '../services/portal-store.ts';
import { keepSecretForOwner } from './client-secret.ts';
import { changed, invalidState, notFound, upstream, type Actor, type PortalContext, type PortalError } from './context.ts';

export const MAX_REASON = 500;

/** Why a claim on (pending, version) failed: the app moved on, or it is no longer in review. */
async function whyNotClaimed(ctx: PortalContext, id: string, verb: 'approved' | 'rejected'): Promise<PortalError> {
  const now = await findApplication(ctx.db, id);
  if (!now) return notFound();
  return now.status === 'pending' ? changed() : invalidState({ is: verb === 'approved' ? 'onlyPendingApprove' : 'onlyPendingReject', status: now.status });
}

export async function approveApplication(ctx: PortalContext, actor: Actor, id: string, reviewedVersion: number): Promise<Result<Application, PortalError>> {
  const app = await findApplication(ctx.db, id);
  if (!app) return err(notFound());
  // Claim the transition first so two admins cannot both create a client, and only for the version the
  // admin saw; the admin port is called outside any transaction (it may be HTTP, or the same database).
  const claimed = await updateApplication(ctx.db, id, { status: 'approved' }, { status: 'pending', version: reviewedVersion });
  if (!claimed) return err(await whyNotClaimed(ctx, id, 'approved'));
  const undo = () => updateApplication(ctx.db, id, { status: 'pending' }, { status: 'approved', version: claimed.version });
  const details = detailsOf(claimed);

  if (claimed.clientId) {
    const replaced = await ctx.admin.replaceClient(claimed.clientId, toClientBody(claimed));
    if (!replaced.ok) {
      await undo();
      return err(upstream('approveChange', replaced.error));
    }
    const updated = await updateApplication(ctx.db, id, { approved: details, rejectionReason: null });
    const fields = claimed.approved ? changedFields(claimed.approved, details) : [];
    await recordAudit(ctx.db, { actorId: actor.id, actorEmail: actor.email, action: 'application.approve_change', target: id, details: { name: app.name, client_id: claimed.clientId, version: reviewedVersion, changed: fields, ...pick(details, fields) } });
    return ok(updated!);
  }

  const created = await ctx.admin.createClient(toClientBody(claimed));
  if (!created.ok) {
    await undo();
    return err(upstream('approve', created.error));
  }
  const updated = await updateApplication(ctx.db, id, { clientId: created.value.client_id, approved: details, rejectionReason: null });
  if (created.value.client_secret) await keepSecretForOwner(ctx, app.ownerId, id, created.value.client_secret);
  await recordAudit(ctx.db, { actorId: actor.id, actorEmail: actor.email, action: 'application.approve', target: id, details: { name: app.name, client_id: created.value.client_id, version: reviewedVersion, scopes: claimed.scopes, redirect_uris: claimed.redirectUris } });
  return ok(updated!);
}

export async function rejectApplication(ctx: PortalContext, actor: Actor, id: string, reasonInput: string, reviewedVersion: number): Promise<Result<Application, PortalError>> {
  const reason = reasonInput.trim();
  if (!reason || reason.length > MAX_REASON) return err({ code: 'INVALID_INPUT', problem: { is: 'reasonLength', max: MAX_REASON } });
  const app = await findApplication(ctx.db, id);
  if (!app) return err(notFound());
  // A declined change leaves the app approved with the details its client has.
  const patch = app.clientId && app.approved
    ? { status: 'approved' as const, details: app.approved, rejectionReason: reason }
    : { status: 'rejected' as const, rejectionReason: reason };
  const updated = await updateApplication(ctx.db, id, patch, { status: 'pending', version: reviewedVersion });
  if (!updated) return err(await whyNotClaimed(ctx, id, 'rejected'));
  const fields = app.approved ? changedFields(app.approved, detailsOf(app)) : [];
  await recordAudit(ctx.db, { actorId: actor.id, actorEmail: actor.email, action: app.clientId ? 'application.reject_change' : 'application.reject', target: id, details: { name: app.name, reason, version: reviewedVersion, ...(app.clientId ? { changed: fields } : {}) } });
  return ok(updated);
}

/** The changed fields' new values, for the audit row. */
export function pick(details: ReturnType<typeof detailsOf>, fields: readonly (keyof typeof details)[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, details[f]]));
}
