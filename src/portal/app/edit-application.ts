// A developer edits an app. Before approval (or after a rejection) the edit goes (back) to review.
// After approval the live client keeps the approved details: only less (fewer scopes or callback URLs)
// applies at once; any other change (name, logo, website, policy and terms URLs, callback URLs, more
// scopes) waits for an admin (issue 11 #5, issue 19 #8). Every edit is written to the audit log.
import { err, ok, type Result } from '../../shared/result.ts';
import { changedFields, detailsOf, narrowTo, parseApplicationForm, toClientBody, type Application } from '../domain/application.ts';
import { findApplication, recordAudit, updateApplication } from '../services/portal-store.ts';
import { invalidState, notFound, upstream, type Actor, type PortalContext, type PortalError } from './context.ts';

export async function editApplication(ctx: PortalContext, owner: Actor, id: string, form: Record<string, unknown>): Promise<Result<Application, PortalError>> {
  const app = await findApplication(ctx.db, id);
  if (!app || app.ownerId !== owner.id) return err(notFound());
  if (app.status === 'suspended') return err(invalidState({ is: 'suspendedNoEdit' }));
  const parsed = parseApplicationForm(form);
  if (!parsed.ok) return err({ code: 'INVALID_INPUT', problem: { is: 'fields' }, fields: parsed.error.errors, values: parsed.error.values });
  const details = parsed.value;
  const audit = (extra: Record<string, unknown>) =>
    recordAudit(ctx.db, { actorId: owner.id, actorEmail: owner.email, action: 'application.edit', target: id, details: { name: app.name, changed: changedFields(detailsOf(app), details), ...extra } });

  if (!app.clientId) {
    const updated = await updateApplication(ctx.db, id, { details, status: 'pending', rejectionReason: null }, { version: app.version });
    if (!updated) return err(invalidState({ is: 'appChanged' }));
    await audit({ in_review: true });
    return ok(updated);
  }
  if (details.authMethod !== app.authMethod) {
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v.join(k === 'scopes' ? ' ' : '\n') : String(v ?? '')]));
    return err({ code: 'INVALID_INPUT', problem: { is: 'fields' }, fields: { auth_method: [{ code: 'authMethodLocked' }] }, values });
  }
  const approved = app.approved ?? detailsOf(app);
  const live = narrowTo(approved, details);
  const inReview = changedFields(live, details);
  const appliedNow = changedFields(approved, live);
  if (appliedNow.length) {
    const replaced = await ctx.admin.replaceClient(app.clientId, toClientBody({ ...app, ...live }));
    if (!replaced.ok) return err(upstream('update', replaced.error));
  }
  const updated = await updateApplication(
    ctx.db,
    id,
    { details, approved: live, status: inReview.length ? 'pending' : 'approved', ...(inReview.length ? { rejectionReason: null } : {}) },
    { version: app.version },
  );
  if (!updated) return err(invalidState({ is: 'appChanged' }));
  await audit({ applied_now: appliedNow, in_review: inReview });
  return ok(updated);
}
