// Clients registered through RFC 7591 (/oauth2/register, issue 16) wait `pending` in the auth server, not as
// portal applications: the review queue lists them beside the applications, and an admin approves
// (active: the client may start flows) or declines (the client is deleted). Through the port only.
import type { OAuth2Client } from '../../hydra-port/types.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { recordAudit } from '../services/portal-store.ts';
import { invalidState, notFound, upstream, type Actor, type PortalContext, type PortalError } from './context.ts';

/** Pending clients that came through dynamic registration (the auth server marks them in metadata). */
export async function pendingRegistrations(ctx: PortalContext): Promise<OAuth2Client[]> {
  const listed = await ctx.admin.listClients();
  if (!listed.ok) return [];
  return listed.value.filter((c) => c.status === 'pending' && c.metadata?.registration === 'dynamic');
}

/** A registration waiting for review, or why it cannot be reviewed. */
export async function pendingRegistration(ctx: PortalContext, clientId: string): Promise<Result<OAuth2Client, PortalError>> {
  const found = await ctx.admin.getClient(clientId);
  if (!found.ok) return err(found.error.status === 404 ? notFound() : upstream('readClient', found.error));
  if (found.value.metadata?.registration !== 'dynamic') return err(notFound());
  if (found.value.status !== 'pending') return err(invalidState({ is: 'onlyPendingRegistration', status: found.value.status ?? 'active' }));
  return ok(found.value);
}

export async function approveRegistration(ctx: PortalContext, actor: Actor, clientId: string): Promise<Result<{ name: string }, PortalError>> {
  const found = await pendingRegistration(ctx, clientId);
  if (!found.ok) return found;
  const done = await ctx.admin.setClientStatus(clientId, 'active');
  if (!done.ok) return err(upstream('approveClient', done.error));
  await recordAudit(ctx.db, { actorId: actor.id, actorEmail: actor.email, action: 'registration.approve', target: clientId, details: { redirect_uris: found.value.redirect_uris, scope: found.value.scope } });
  return ok({ name: found.value.client_name || clientId });
}

export async function declineRegistration(ctx: PortalContext, actor: Actor, clientId: string): Promise<Result<{ name: string }, PortalError>> {
  const found = await pendingRegistration(ctx, clientId);
  if (!found.ok) return found;
  const done = await ctx.admin.deleteClient(clientId);
  if (!done.ok) return err(upstream('declineClient', done.error));
  await recordAudit(ctx.db, { actorId: actor.id, actorEmail: actor.email, action: 'registration.decline', target: clientId });
  return ok({ name: found.value.client_name || clientId });
}
