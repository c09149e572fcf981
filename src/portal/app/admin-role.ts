// The admin role: an email listed in ADMIN_EMAILS (config) or granted with `lightgate admin grant`.
// Grants and revocations are admin actions too, so they go to the audit log.
import type { Config } from '../../config/config.ts';
import type { Queryable } from '../../db/database.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { grantAdmin, isGrantedAdmin, recordAudit, revokeAdmin } from '../services/portal-store.ts';
import type { Actor } from './context.ts';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function normalizeAdminEmail(input: string): Result<string, string> {
  const email = input.trim().toLowerCase();
  return EMAIL.test(email) ? ok(email) : err(`not an email address: ${JSON.stringify(input)}`);
}

export async function isAdmin(db: Queryable, config: Pick<Config, 'adminEmails'>, email: string | undefined): Promise<boolean> {
  if (!email) return false;
  const normalized = email.toLowerCase();
  return config.adminEmails.includes(normalized) || (await isGrantedAdmin(db, normalized));
}

export async function grantAdminRole(db: Queryable, actor: Actor, emailInput: string): Promise<Result<{ email: string; changed: boolean }, string>> {
  const email = normalizeAdminEmail(emailInput);
  if (!email.ok) return email;
  const changed = await grantAdmin(db, email.value, actor.email);
  if (changed) await recordAudit(db, { actorId: actor.id, actorEmail: actor.email, action: 'admin.grant', target: email.value });
  return ok({ email: email.value, changed });
}

export async function revokeAdminRole(db: Queryable, actor: Actor, emailInput: string): Promise<Result<{ email: string; changed: boolean }, string>> {
  const email = normalizeAdminEmail(emailInput);
  if (!email.ok) return email;
  const changed = await revokeAdmin(db, email.value);
  if (changed) await recordAudit(db, { actorId: actor.id, actorEmail: actor.email, action: 'admin.revoke', target: email.value });
  return ok({ email: email.value, changed });
}
