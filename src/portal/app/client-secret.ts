// The client secret is shown to the developer exactly once: after approval and after each rotation it
// waits sealed in portal_reveals, and the first page view takes (reads and deletes) it.
import { err, ok, type Result } from '../../shared/result.ts';
import { isConfidential } from '../domain/application.ts';
import { findApplication, insertReveal, takeReveals } from '../services/portal-store.ts';
import { invalidState, notFound, upstream, type PortalContext, type PortalError } from './context.ts';

export async function keepSecretForOwner(ctx: PortalContext, ownerId: string, applicationId: string, secret: string): Promise<void> {
  await insertReveal(ctx.db, { userId: ownerId, kind: 'client_secret', ref: applicationId, sealed: ctx.box.seal(secret) });
}

/** The secret waiting to be shown for this app, if any; it is gone after this call. */
export async function takeClientSecret(ctx: PortalContext, ownerId: string, applicationId: string): Promise<string | undefined> {
  const [taken] = await takeReveals(ctx.db, ownerId, 'client_secret', applicationId);
  return taken && ctx.box.open(taken.sealed);
}

export async function rotateClientSecret(ctx: PortalContext, ownerId: string, id: string): Promise<Result<void, PortalError>> {
  const app = await findApplication(ctx.db, id);
  if (!app || app.ownerId !== ownerId) return err(notFound());
  if (!app.clientId || app.status === 'suspended' || app.status === 'rejected') return err(invalidState({ is: 'onlyApprovedRotate' }));
  if (!isConfidential(app.authMethod)) return err(invalidState({ is: 'publicNoSecret' }));
  const rotated = await ctx.admin.rotateClientSecret(app.clientId);
  if (!rotated.ok) return err(upstream('rotate', rotated.error));
  if (!rotated.value.client_secret) return err({ code: 'UPSTREAM', problem: { is: 'noNewSecret' } });
  await keepSecretForOwner(ctx, ownerId, id, rotated.value.client_secret);
  return ok(undefined);
}
