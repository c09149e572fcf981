// A developer edits an app. Before approval (or after a rejection) the edit goes (back) to review.
// After approval, details and callback URLs apply to the live client at once; asking for scopes
// beyond the approved ones puts the app back in review while the client keeps its approved scopes.
import { err, ok, type Result } from '../../shared/result.ts';
import { extraScopes, parseApplicationForm, toClientBody, type Application } from '../domain/application.ts';
import { findApplication, updateApplication } from '../services/portal-store.ts';
import { invalidState, notFound, upstream, type PortalContext, type PortalError } from './context.ts';

export async function editApplication(ctx: PortalContext, ownerId: string, id: string, form: Record<string, unknown>): Promise<Result<Application, PortalError>> {
  const app = await findApplication(ctx.db, id);
  if (!app || app.ownerId !== ownerId) return err(notFound());
  if (app.status === 'suspended') return err(invalidState('A suspended app cannot be edited. Contact the operators.'));
  const parsed = parseApplicationForm(form);
  if (!parsed.ok) return err({ code: 'INVALID_INPUT', message: 'Please correct the fields marked below.', fields: parsed.error.errors, values: parsed.error.values });
  const details = parsed.value;

  if (!app.clientId) {
    const updated = await updateApplication(ctx.db, id, { details, status: 'pending', rejectionReason: null });
    return updated ? ok(updated) : err(notFound());
  }
  if (details.authMethod !== app.authMethod) {
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v.join(k === 'scopes' ? ' ' : '\n') : String(v ?? '')]));
    return err({ code: 'INVALID_INPUT', message: 'Please correct the fields marked below.', fields: { auth_method: 'The client type cannot change after approval; create a new app instead' }, values });
  }
  const approved = app.approvedScopes ?? app.scopes;
  const extra = extraScopes(details.scopes, approved);
  // The client gets what is both asked for and approved: fewer scopes apply now, more wait for review.
  const live = details.scopes.filter((s) => approved.includes(s));
  const replaced = await ctx.admin.replaceClient(app.clientId, toClientBody({ ...app, ...details }, live));
  if (!replaced.ok) return err(upstream('update the app', replaced.error));
  const updated = await updateApplication(ctx.db, id, {
    details,
    status: extra.length ? 'pending' : 'approved',
    approvedScopes: extra.length ? approved : null,
    ...(extra.length ? { rejectionReason: null } : {}),
  });
  return updated ? ok(updated) : err(notFound());
}
