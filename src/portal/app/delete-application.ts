// A developer deletes an app: its client goes, and with it every token and grant it had.
import { err, ok, type Result } from '../../shared/result.ts';
import { deleteApplication as deleteRow, findApplication } from '../services/portal-store.ts';
import { notFound, upstream, type PortalContext, type PortalError } from './context.ts';

export async function deleteApplication(ctx: PortalContext, ownerId: string, id: string): Promise<Result<void, PortalError>> {
  const app = await findApplication(ctx.db, id);
  if (!app || app.ownerId !== ownerId) return err(notFound());
  if (app.clientId) {
    // Tokens first (Hydra deletes them with the client too; this covers servers that keep them).
    await ctx.admin.revokeClientTokens(app.clientId);
    const deleted = await ctx.admin.deleteClient(app.clientId);
    // Gone already is fine; anything else leaves the app in place so nothing is half-deleted.
    if (!deleted.ok && deleted.error.status !== 404) return err(upstream('delete', deleted.error));
  }
  await deleteRow(ctx.db, id);
  return ok(undefined);
}
