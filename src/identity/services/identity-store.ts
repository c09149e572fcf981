// SQL for users, login codes, sessions and TOTP registrations. Times come from the caller's clock.
import type { Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import type { Channel } from '../domain/address.ts';

export interface UserRow {
  id: UserId;
  email: string | null;
  phone: string | null;
  totp_secret: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: number | null;
  created_at: Date;
}

export interface LoginCodeRow {
  id: string;
  channel: Channel;
  address: string;
  code_hash: string;
  failed_attempts: number;
  expires_at: Date;
  consumed_at: Date | null;
}

export interface SessionRow {
  id: string;
  user_id: UserId;
  totp_pending: boolean;
  totp_failed_attempts: number;
  expires_at: Date;
  revoked_at: Date | null;
}

export interface RegistrationRow {
  id: string;
  user_id: UserId;
  secret: string;
  expires_at: Date;
}

const iso = (d: Date) => d.toISOString();
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- users

export async function findUserById(q: Queryable, id: string): Promise<UserRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await q.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return row;
}

/** The user owning the address, created when there is none. Concurrent first sign-ins create one user. */
export async function findOrCreateUser(q: Queryable, channel: Channel, address: string, newId: UserId, now: Date): Promise<{ user: UserRow; created: boolean }> {
  const column = channel === 'email' ? 'email' : 'phone';
  const inserted = await q.query<UserRow>(
    `INSERT INTO users (id, ${column}, created_at) VALUES ($1, $2, $3::timestamptz) ON CONFLICT (${column}) DO NOTHING RETURNING *`,
    [newId, address, iso(now)],
  );
  if (inserted[0]) return { user: inserted[0], created: true };
  const [existing] = await q.query<UserRow>(`SELECT * FROM users WHERE ${column} = $1`, [address]);
  if (!existing) throw new Error('user vanished between insert and select');
  return { user: existing, created: false };
}

export async function setTotp(q: Queryable, userId: UserId, sealedSecret: string | null, step: number | null, now: Date): Promise<void> {
  await q.query('UPDATE users SET totp_secret = $2, totp_enabled_at = $3::timestamptz, totp_last_step = $4 WHERE id = $1', [
    userId,
    sealedSecret,
    sealedSecret ? iso(now) : null,
    step,
  ]);
}

export async function setTotpLastStep(q: Queryable, userId: UserId, step: number): Promise<void> {
  await q.query('UPDATE users SET totp_last_step = $2 WHERE id = $1', [userId, step]);
}

// ---- login codes

export async function insertLoginCode(q: Queryable, row: { id: string; channel: Channel; address: string; codeHash: string; expiresAt: Date; now: Date; requester: string }): Promise<void> {
  // A new code replaces the earlier ones this requester got for the address, not anyone else's (issue 19 #2).
  await q.query('UPDATE login_codes SET consumed_at = $3::timestamptz WHERE channel = $1 AND address = $2 AND consumed_at IS NULL AND requester IS NOT DISTINCT FROM $4', [
    row.channel,
    row.address,
    iso(row.now),
    row.requester,
  ]);
  await q.query('INSERT INTO login_codes (id, channel, address, code_hash, expires_at, created_at, requester) VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7)', [
    row.id,
    row.channel,
    row.address,
    row.codeHash,
    iso(row.expiresAt),
    iso(row.now),
    row.requester,
  ]);
}

export async function lockLoginCodeById(tx: Queryable, id: string): Promise<LoginCodeRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await tx.query<LoginCodeRow>('SELECT * FROM login_codes WHERE id = $1 FOR UPDATE', [id]);
  return row;
}

/** The newest code for the address, preferring a live one this requester asked for (issue 19 #2). */
export async function lockLatestLoginCode(tx: Queryable, channel: Channel, address: string, requester: string, now: Date): Promise<LoginCodeRow | undefined> {
  const [row] = await tx.query<LoginCodeRow>(
    `SELECT * FROM login_codes WHERE channel = $1 AND address = $2
      ORDER BY (requester IS NOT DISTINCT FROM $3 AND consumed_at IS NULL AND expires_at > $4::timestamptz) DESC, created_at DESC
      LIMIT 1 FOR UPDATE`,
    [channel, address, requester, iso(now)],
  );
  return row;
}

export async function recordCodeFailure(tx: Queryable, id: string): Promise<number> {
  const [row] = await tx.query<{ failed_attempts: number }>('UPDATE login_codes SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts', [id]);
  return row?.failed_attempts ?? Number.MAX_SAFE_INTEGER;
}

export async function consumeLoginCode(tx: Queryable, id: string, now: Date): Promise<void> {
  await tx.query('UPDATE login_codes SET consumed_at = $2::timestamptz WHERE id = $1', [id, iso(now)]);
}

// ---- sessions

export async function insertSession(q: Queryable, row: { id: string; userId: UserId; tokenHash: string; totpPending: boolean; now: Date; expiresAt: Date }): Promise<void> {
  await q.query(
    'INSERT INTO identity_sessions (id, user_id, token_hash, totp_pending, created_at, expires_at) VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz)',
    [row.id, row.userId, row.tokenHash, row.totpPending, iso(row.now), iso(row.expiresAt)],
  );
}

/** A usable session: not revoked, not expired, not waiting for TOTP. */
export async function findActiveSession(q: Queryable, tokenHash: string, now: Date): Promise<SessionRow | undefined> {
  const [row] = await q.query<SessionRow>(
    'SELECT * FROM identity_sessions WHERE token_hash = $1 AND revoked_at IS NULL AND NOT totp_pending AND expires_at > $2::timestamptz',
    [tokenHash, iso(now)],
  );
  return row;
}

export async function lockSession(tx: Queryable, tokenHash: string): Promise<SessionRow | undefined> {
  const [row] = await tx.query<SessionRow>('SELECT * FROM identity_sessions WHERE token_hash = $1 FOR UPDATE', [tokenHash]);
  return row;
}

export async function completeSessionTotp(tx: Queryable, id: string, expiresAt: Date): Promise<void> {
  await tx.query('UPDATE identity_sessions SET totp_pending = false, expires_at = $2::timestamptz WHERE id = $1', [id, iso(expiresAt)]);
}

export async function recordSessionTotpFailure(tx: Queryable, id: string): Promise<number> {
  const [row] = await tx.query<{ totp_failed_attempts: number }>(
    'UPDATE identity_sessions SET totp_failed_attempts = totp_failed_attempts + 1 WHERE id = $1 RETURNING totp_failed_attempts',
    [id],
  );
  return row?.totp_failed_attempts ?? Number.MAX_SAFE_INTEGER;
}

export async function revokeSessionByHash(q: Queryable, tokenHash: string, now: Date): Promise<boolean> {
  const rows = await q.query('UPDATE identity_sessions SET revoked_at = $2::timestamptz WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id', [tokenHash, iso(now)]);
  return rows.length > 0;
}

export async function revokeSessionById(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query('UPDATE identity_sessions SET revoked_at = $2::timestamptz WHERE id = $1 AND revoked_at IS NULL', [id, iso(now)]);
}

// ---- TOTP registrations

export async function insertRegistration(q: Queryable, row: RegistrationRow): Promise<void> {
  await q.query('DELETE FROM totp_registrations WHERE user_id = $1', [row.user_id]);
  await q.query('INSERT INTO totp_registrations (id, user_id, secret, expires_at) VALUES ($1, $2, $3, $4::timestamptz)', [row.id, row.user_id, row.secret, iso(row.expires_at)]);
}

export async function lockRegistration(tx: Queryable, id: string, userId: UserId): Promise<RegistrationRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await tx.query<RegistrationRow>('SELECT * FROM totp_registrations WHERE id = $1 AND user_id = $2 FOR UPDATE', [id, userId]);
  return row;
}

/** A pending registration of this user (no lock: for showing it again, not for confirming). */
export async function findRegistration(q: Queryable, id: string, userId: UserId): Promise<RegistrationRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await q.query<RegistrationRow>('SELECT * FROM totp_registrations WHERE id = $1 AND user_id = $2', [id, userId]);
  return row;
}

export async function deleteRegistrations(q: Queryable, userId: UserId): Promise<void> {
  await q.query('DELETE FROM totp_registrations WHERE user_id = $1', [userId]);
}

// ---- housekeeping

/** Deletes codes, sessions and TOTP registrations that ended more than `graceSeconds` ago; returns how many rows. */
export async function purgeExpired(q: Queryable, now: Date, graceSeconds: number): Promise<number> {
  const before = iso(new Date(now.getTime() - graceSeconds * 1000));
  const codes = await q.query('DELETE FROM login_codes WHERE expires_at < $1::timestamptz RETURNING id', [before]);
  const sessions = await q.query('DELETE FROM identity_sessions WHERE expires_at < $1::timestamptz OR revoked_at < $1::timestamptz RETURNING id', [before]);
  const registrations = await q.query('DELETE FROM totp_registrations WHERE expires_at < $1::timestamptz RETURNING id', [before]);
  return codes.length + sessions.length + registrations.length;
}
