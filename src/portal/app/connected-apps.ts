// The apps a user has granted access to (their consent sessions), and revoking one: the grant and
// every token issued from it are revoked, so the API refuses the app within its cache TTL (≤ 5 s), and its
// spending budget ends (issue 15).
import { err, ok, type Result } from '../../shared/result.ts';
import { upstream, type PortalContext, type PortalError } from './context.ts';

export interface ConnectedApp {
  clientId: string;
  name: string;
  logoUri: string;
  website: string;
  scopes: string[];
  grantedAt: Date;
}

export async function listConnectedApps(ctx: PortalContext, userId: string, hide: readonly string[]): Promise<Result<ConnectedApp[], PortalError>> {
  const sessions = await ctx.admin.listConsentSessions(userId);
  if (!sessions.ok) return err(upstream('listConnected', sessions.error));
  const byClient = new Map<string, ConnectedApp>();
  for (const s of sessions.value) {
    const client = s.consent_request?.client;
    if (!client || hide.includes(client.client_id)) continue;
    const at = new Date(s.handled_at);
    const seen = byClient.get(client.client_id);
    if (seen) {
      seen.scopes = [...new Set([...seen.scopes, ...s.grant_scope])];
      if (at > seen.grantedAt) seen.grantedAt = at;
    } else {
      byClient.set(client.client_id, { clientId: client.client_id, name: client.client_name || client.client_id, logoUri: client.logo_uri, website: client.client_uri, scopes: [...s.grant_scope], grantedAt: at });
    }
  }
  return ok([...byClient.values()].sort((a, b) => b.grantedAt.getTime() - a.grantedAt.getTime()));
}

export async function revokeConnectedApp(ctx: PortalContext, userId: string, clientId: string): Promise<Result<void, PortalError>> {
  if (!clientId || clientId.length > 255) return err({ code: 'NOT_FOUND', problem: { is: 'noSuchConnectedApp' } });
  const revoked = await ctx.admin.revokeConsentSessions(userId, clientId);
  if (!revoked.ok) return err(upstream('revokeConnected', revoked.error));
  // Issue 15: the grant's spending budget ends with it (a later consent starts a new one).
  await ctx.budgets?.grants.endBudget(userId, clientId);
  return ok(undefined);
}
