// SQL for adding and removing a user's email address (email_registrations and users.email).
import type { Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import { UUID } from './identity-store.ts';

export interface EmailRegistrationRow {
  id: string;
  user_id: UserId;
  email: string;
  code_hash: string;
  failed_attempts: number;
  expires_at: Date;
  consumed_at: Date | null;
}

const iso = (d: Date) => d.toISOString();

/** A new registration; the user's earlier open ones end (only the newest code works). */
export async function insertEmailRegistration(q: Queryable, row: { id: string; userId: UserId; email: string; codeHash: string; expiresAt: Date; now: Date }): Promise<void> {
  await q.query('UPDATE email_registrations SET consumed_at = $2::timestamptz WHERE user_id = $1 AND consumed_at IS NULL', [row.userId, iso(row.now)]);
  await q.query('INSERT INTO email_registrations (id, user_id, email, code_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz)', [
    row.id,
    row.userId,
    row.email,
    row.codeHash,
    iso(row.expiresAt),
    iso(row.now),
  ]);
}

/** The user's own registration, locked; another user's id is not found. */
export async function lockEmailRegistration(tx: Queryable, id: string, userId: UserId): Promise<EmailRegistrationRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const [row] = await tx.query<EmailRegistrationRow>('SELECT * FROM email_registrations WHERE id = $1 AND user_id = $2 FOR UPDATE', [id, userId]);
  return row;
}

export async function recordEmailRegistrationFailure(tx: Queryable, id: string): Promise<number> {
  const [row] = await tx.query<{ failed_attempts: number }>('UPDATE email_registrations SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts', [id]);
  return row?.failed_attempts ?? Number.MAX_SAFE_INTEGER;
}

export async function consumeEmailRegistration(tx: Queryable, id: string, now: Date): Promise<void> {
  await tx.query('UPDATE email_registrations SET consumed_at = $2::timestamptz WHERE id = $1', [id, iso(now)]);
}

/** Sets the user's email when they have none: 'set', 'taken' (another user's) or 'has-email'. */
export async function setUserEmail(tx: Queryable, userId: UserId, email: string): Promise<'set' | 'taken' | 'has-email'> {
  const [owner] = await tx.query<{ id: UserId }>('SELECT id FROM users WHERE email = $1', [email]);
  if (owner) return owner.id === userId ? 'has-email' : 'taken';
  const rows = await tx.query('UPDATE users SET email = $2 WHERE id = $1 AND email IS NULL RETURNING id', [userId, email]);
  return rows.length === 1 ? 'set' : 'has-email';
}

/** Removes the user's email when a phone number remains to sign in with: 'removed', 'none' or 'only-address'. */
export async function removeUserEmail(q: Queryable, userId: UserId): Promise<'removed' | 'none' | 'only-address'> {
  const [user] = await q.query<{ email: string | null; phone: string | null }>('SELECT email, phone FROM users WHERE id = $1', [userId]);
  if (!user?.email) return 'none';
  if (!user.phone) return 'only-address';
  const rows = await q.query('UPDATE users SET email = NULL WHERE id = $1 AND phone IS NOT NULL RETURNING id', [userId]);
  return rows.length === 1 ? 'removed' : 'only-address';
}
