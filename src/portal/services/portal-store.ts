// SQL of the portal's tables (migration 0300): applications, sessions, one-time reveals, admins, audit log, settings.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { Scope } from '../../api/scopes.ts';
import type { Application, ApplicationDetails, ApplicationStatus, AuthMethod } from '../domain/application.ts';
import type { WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';

interface ApplicationRow {
  id: string;
  owner_id: string;
  status: ApplicationStatus;
  name: string;
  purpose: string;
  website: string;
  logo_uri: string;
  policy_uri: string;
  tos_uri: string;
  scopes: Scope[];
  redirect_uris: string[];
  auth_method: AuthMethod;
  dpop_bound: boolean;
  spend_budget_default: WalletSpendDetail | string | null;
  spend_budget_max: WalletSpendDetail | string | null;
  client_id: string | null;
  approved_details: ApplicationDetails | string | null;
  version: number;
  rejection_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A jsonb column (issue 15's budgets): an object from both engines, a string from some drivers. */
const jsonColumn = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const budgetParam = (d: WalletSpendDetail | null | undefined): string | null => (d ? JSON.stringify(d) : null);

const toApplication = (r: ApplicationRow): Application => ({
  id: r.id,
  ownerId: r.owner_id,
  status: r.status,
  name: r.name,
  purpose: r.purpose,
  website: r.website,
  logoUri: r.logo_uri,
  policyUri: r.policy_uri,
  tosUri: r.tos_uri,
  scopes: r.scopes,
  redirectUris: r.redirect_uris,
  authMethod: r.auth_method,
  dpopBound: r.dpop_bound === true,
  spendBudgetDefault: jsonColumn(r.spend_budget_default),
  spendBudgetMax: jsonColumn(r.spend_budget_max),
  clientId: r.client_id,
  approved: typeof r.approved_details === 'string' ? (JSON.parse(r.approved_details) as ApplicationDetails) : r.approved_details,
  version: Number(r.version),
  rejectionReason: r.rejection_reason,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string): boolean => UUID.test(v);

export async function insertApplication(q: Queryable, ownerId: string, d: ApplicationDetails): Promise<Application> {
  const [row] = await q.query<ApplicationRow>(
    `INSERT INTO portal_applications (id, owner_id, status, name, purpose, website, logo_uri, policy_uri, tos_uri, scopes, redirect_uris, auth_method, dpop_bound, spend_budget_default, spend_budget_max)
     VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`,
    [randomUUID(), ownerId, d.name, d.purpose, d.website, d.logoUri, d.policyUri, d.tosUri, d.scopes, d.redirectUris, d.authMethod, d.dpopBound === true, budgetParam(d.spendBudgetDefault), budgetParam(d.spendBudgetMax)],
  );
  return toApplication(row!);
}

/** The application, locked for update when inside a transaction. */
export async function findApplication(q: Queryable, id: string, options: { lock?: boolean } = {}): Promise<Application | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await q.query<ApplicationRow>(`SELECT * FROM portal_applications WHERE id = $1${options.lock ? ' FOR UPDATE' : ''}`, [id]);
  return row && toApplication(row);
}

export async function listApplicationsOf(q: Queryable, ownerId: string): Promise<Application[]> {
  const rows = await q.query<ApplicationRow>('SELECT * FROM portal_applications WHERE owner_id = $1 ORDER BY created_at DESC, id', [ownerId]);
  return rows.map(toApplication);
}

export async function countApplicationsOf(q: Queryable, ownerId: string): Promise<number> {
  const [row] = await q.query<{ n: number | string }>('SELECT count(*) AS n FROM portal_applications WHERE owner_id = $1', [ownerId]);
  return Number(row?.n ?? 0);
}

export async function listApplicationsByStatus(q: Queryable, statuses: readonly ApplicationStatus[]): Promise<Application[]> {
  const rows = await q.query<ApplicationRow>('SELECT * FROM portal_applications WHERE status = ANY($1::text[]) ORDER BY updated_at, id', [statuses]);
  return rows.map(toApplication);
}

export interface ApplicationPatch {
  details?: ApplicationDetails;
  status?: ApplicationStatus;
  clientId?: string | null;
  approved?: ApplicationDetails | null;
  rejectionReason?: string | null;
}

/**
 * Applies the patch and bumps the version; with `expect`, only when the application is in that state
 * and/or at that version (a claimed transition), else undefined.
 */
export async function updateApplication(q: Queryable, id: string, patch: ApplicationPatch, expect?: ApplicationStatus | { status?: ApplicationStatus; version?: number }): Promise<Application | undefined> {
  const sets: string[] = ['updated_at = now()', 'version = version + 1'];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (patch.details) {
    const d = patch.details;
    set('name', d.name);
    set('purpose', d.purpose);
    set('website', d.website);
    set('logo_uri', d.logoUri);
    set('policy_uri', d.policyUri);
    set('tos_uri', d.tosUri);
    set('scopes', d.scopes);
    set('redirect_uris', d.redirectUris);
    set('auth_method', d.authMethod);
    set('dpop_bound', d.dpopBound === true);
    set('spend_budget_default', budgetParam(d.spendBudgetDefault));
    set('spend_budget_max', budgetParam(d.spendBudgetMax));
  }
  if (patch.status !== undefined) set('status', patch.status);
  if (patch.clientId !== undefined) set('client_id', patch.clientId);
  if (patch.approved !== undefined) set('approved_details', patch.approved && JSON.stringify(patch.approved));
  if (patch.rejectionReason !== undefined) set('rejection_reason', patch.rejectionReason);
  let where = 'id = $1';
  const expected = typeof expect === 'string' ? { status: expect } : (expect ?? {});
  if (expected.status !== undefined) {
    params.push(expected.status);
    where += ` AND status = $${params.length}`;
  }
  if (expected.version !== undefined) {
    params.push(expected.version);
    where += ` AND version = $${params.length}`;
  }
  const [row] = await q.query<ApplicationRow>(`UPDATE portal_applications SET ${sets.join(', ')} WHERE ${where} RETURNING *`, params);
  return row && toApplication(row);
}

export async function deleteApplication(q: Queryable, id: string): Promise<void> {
  await q.query('DELETE FROM portal_applications WHERE id = $1', [id]);
  await q.query("DELETE FROM portal_reveals WHERE kind = 'client_secret' AND ref = $1", [id]);
}

// Sessions

export async function insertSession(q: Queryable, s: { tokenHash: string; userId: string; ttlSeconds: number; sid?: string | undefined; idTokenSealed?: string | undefined }): Promise<void> {
  // Sign-ins sweep expired sessions, so the table does not grow without bound.
  await q.query('DELETE FROM portal_sessions WHERE expires_at < now()');
  await q.query('INSERT INTO portal_sessions (id, token_hash, user_id, expires_at, sid, id_token_sealed) VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, $6)', [
    randomUUID(),
    s.tokenHash,
    s.userId,
    s.ttlSeconds,
    s.sid ?? null,
    s.idTokenSealed ?? null,
  ]);
}

export async function findSession(q: Queryable, tokenHash: string): Promise<{ id: string; userId: string } | undefined> {
  const [row] = await q.query<{ id: string; user_id: string }>('SELECT id, user_id FROM portal_sessions WHERE token_hash = $1 AND expires_at > now()', [tokenHash]);
  return row && { id: row.id, userId: row.user_id };
}

/** The person's live portal sessions, newest first (the account area's "where you are signed in"). */
export async function listSessionsOf(q: Queryable, userId: string): Promise<{ id: string; createdAt: Date }[]> {
  const rows = await q.query<{ id: string; created_at: Date }>('SELECT id, created_at FROM portal_sessions WHERE user_id = $1 AND expires_at > now() ORDER BY created_at DESC LIMIT 50', [userId]);
  return rows.map((r) => ({ id: r.id, createdAt: new Date(r.created_at) }));
}

/** Deletes the session; returns its sealed ID token (for the RP-initiated logout's id_token_hint). */
export async function deleteSession(q: Queryable, tokenHash: string): Promise<{ idTokenSealed: string | null } | undefined> {
  const [row] = await q.query<{ id_token_sealed: string | null }>('DELETE FROM portal_sessions WHERE token_hash = $1 RETURNING id_token_sealed', [tokenHash]);
  await q.query('DELETE FROM portal_sessions WHERE expires_at < now()');
  return row && { idTokenSealed: row.id_token_sealed };
}

/**
 * Back-channel logout (OIDC Back-Channel Logout 1.0 section 2.7): the sessions of that auth server
 * session (sid), or of the subject when the token names no sid; both when it names both. Returns how many.
 */
export async function deleteSessionsOf(q: Queryable, who: { sub?: string | undefined; sid?: string | undefined }): Promise<number> {
  if (!who.sub && !who.sid) return 0;
  const rows = await q.query('DELETE FROM portal_sessions WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR sid = $2) RETURNING id', [who.sub ?? null, who.sid ?? null]);
  return rows.length;
}

// One-time reveals

export type RevealKind = 'client_secret' | 'api_key';

export async function insertReveal(q: Queryable, r: { userId: string; kind: RevealKind; ref: string; sealed: string }): Promise<void> {
  // A newer secret replaces one not yet shown (a rotation before the first view).
  await q.query('DELETE FROM portal_reveals WHERE user_id = $1 AND kind = $2 AND ref = $3', [r.userId, r.kind, r.ref]);
  await q.query('INSERT INTO portal_reveals (id, user_id, kind, ref, sealed) VALUES ($1, $2, $3, $4, $5)', [randomUUID(), r.userId, r.kind, r.ref, r.sealed]);
}

/** Reads and deletes in one statement, so a secret is shown once even with two tabs racing. */
export async function takeReveals(q: Queryable, userId: string, kind: RevealKind, ref?: string): Promise<{ ref: string; sealed: string }[]> {
  return q.query<{ ref: string; sealed: string }>(
    `DELETE FROM portal_reveals WHERE user_id = $1 AND kind = $2 AND ($3::text IS NULL OR ref = $3) RETURNING ref, sealed`,
    [userId, kind, ref ?? null],
  );
}

// Admins granted from the CLI

export async function grantAdmin(q: Queryable, email: string, grantedBy: string): Promise<boolean> {
  const rows = await q.query('INSERT INTO portal_admins (email, granted_by) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING RETURNING email', [email, grantedBy]);
  return rows.length > 0;
}

export async function revokeAdmin(q: Queryable, email: string): Promise<boolean> {
  return (await q.query('DELETE FROM portal_admins WHERE email = $1 RETURNING email', [email])).length > 0;
}

export async function isGrantedAdmin(q: Queryable, email: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM portal_admins WHERE email = $1', [email])).length > 0;
}

export async function listGrantedAdmins(q: Queryable): Promise<{ email: string; grantedBy: string; grantedAt: Date }[]> {
  const rows = await q.query<{ email: string; granted_by: string; granted_at: Date }>('SELECT email, granted_by, granted_at FROM portal_admins ORDER BY email');
  return rows.map((r) => ({ email: r.email, grantedBy: r.granted_by, grantedAt: new Date(r.granted_at) }));
}

// Audit log

export interface AuditEntry {
  id: string;
  at: Date;
  actorId: string | null;
  actorEmail: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

export async function recordAudit(q: Queryable, e: { actorId: string | null; actorEmail: string; action: string; target: string; details?: Record<string, unknown> }): Promise<void> {
  await q.query('INSERT INTO portal_audit_log (actor_id, actor_email, action, target, details) VALUES ($1, $2, $3, $4, $5)', [
    e.actorId,
    e.actorEmail,
    e.action,
    e.target,
    JSON.stringify(e.details ?? {}),
  ]);
}

export async function listAudit(q: Queryable, limit: number): Promise<AuditEntry[]> {
  const rows = await q.query<{ id: string | number; at: Date; actor_id: string | null; actor_email: string; action: string; target: string; details: Record<string, unknown> | string }>(
    'SELECT id, at, actor_id, actor_email, action, target, details FROM portal_audit_log ORDER BY id DESC LIMIT $1',
    [limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    at: new Date(r.at),
    actorId: r.actor_id,
    actorEmail: r.actor_email,
    action: r.action,
    target: r.target,
    details: typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
  }));
}

// Settings

export async function getSetting(q: Queryable, key: string): Promise<string | undefined> {
  const [row] = await q.query<{ value: string }>('SELECT value FROM portal_settings WHERE key = $1', [key]);
  return row?.value;
}

/** Inserts unless a value exists; returns the value that won (first writer wins across processes). */
export async function putSettingOnce(q: Queryable, key: string, value: string): Promise<string> {
  await q.query('INSERT INTO portal_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
  return (await getSetting(q, key))!;
}
