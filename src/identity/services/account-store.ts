// SQL of the account area's security pieces (issue 17): recovery codes, passkeys, WebAuthn challenges,
// activity, and ending every session of a person. Times come from the caller's clock.
import type { Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import { UUID } from './identity-store.ts';

const iso = (d: Date) => d.toISOString();

// ---- recovery codes

export async function replaceRecoveryCodes(q: Queryable, userId: UserId, hashes: readonly string[], now: Date): Promise<void> {
  await q.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  for (const hash of hashes) await q.query('INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3::timestamptz)', [userId, hash, iso(now)]);
}

/** Marks one unused code among these hashes used; true when there was one (one statement: a code works once, even concurrently). */
export async function useRecoveryCode(q: Queryable, userId: UserId, candidates: readonly string[], now: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE recovery_codes SET used_at = $3::timestamptz
      WHERE user_id = $1 AND used_at IS NULL AND code_hash = (SELECT code_hash FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL AND code_hash = ANY($2::text[]) LIMIT 1)
      RETURNING code_hash`,
    [userId, candidates, iso(now)],
  );
  return rows.length > 0;
}

export async function countUnusedRecoveryCodes(q: Queryable, userId: UserId): Promise<number> {
  const [row] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL', [userId]);
  return row?.n ?? 0;
}

export async function deleteRecoveryCodes(q: Queryable, userId: UserId): Promise<void> {
  await q.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
}

// ---- passkeys

export interface PasskeyRow {
  id: string;
  user_id: UserId;
  credential_id: string;
  public_key: string;
  counter: string | number;
  transports: string[];
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}

export async function insertPasskey(q: Queryable, row: { id: string; userId: UserId; credentialId: string; publicKey: string; counter: number; transports: string[]; name: string; now: Date }): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO passkeys (id, user_id, credential_id, public_key, counter, transports, name, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::timestamptz) ON CONFLICT (credential_id) DO NOTHING RETURNING id`,
    [row.id, row.userId, row.credentialId, row.publicKey, row.counter, JSON.stringify(row.transports), row.name, iso(row.now)],
  );
  return rows.length > 0;
}

export async function listPasskeysOf(q: Queryable, userId: UserId): Promise<PasskeyRow[]> {
  return q.query<PasskeyRow>('SELECT * FROM passkeys WHERE user_id = $1 ORDER BY created_at', [userId]);
}

export async function findPasskeyByCredential(q: Queryable, credentialId: string): Promise<PasskeyRow | undefined> {
  const [row] = await q.query<PasskeyRow>('SELECT * FROM passkeys WHERE credential_id = $1', [credentialId]);
  return row;
}

export async function recordPasskeyUse(q: Queryable, id: string, counter: number, now: Date): Promise<void> {
  await q.query('UPDATE passkeys SET counter = $2, last_used_at = $3::timestamptz WHERE id = $1', [id, counter, iso(now)]);
}

export async function deletePasskey(q: Queryable, userId: UserId, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const rows = await q.query('DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING id', [id, userId]);
  return rows.length > 0;
}

// ---- WebAuthn challenges

export type ChallengePurpose = 'register' | 'sign-in' | 'second-factor';

/**
 * Records a WebAuthn challenge as used; false when it already was (single use, across processes: the
 * primary key decides). Expired rows are swept on the way.
 */
export async function markChallengeUsed(q: Queryable, row: { handleHash: string; purpose: ChallengePurpose; userId: UserId | null; binding: string; challenge: string; expiresAt: Date; now: Date }): Promise<boolean> {
  await q.query('DELETE FROM webauthn_challenges WHERE expires_at < $1::timestamptz', [iso(row.now)]);
  const rows = await q.query(
    `INSERT INTO webauthn_challenges (handle_hash, purpose, user_id, binding, challenge, expires_at, used_at)
     VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz) ON CONFLICT (handle_hash) DO NOTHING RETURNING handle_hash`,
    [row.handleHash, row.purpose, row.userId, row.binding, row.challenge, iso(row.expiresAt), iso(row.now)],
  );
  return rows.length > 0;
}

// ---- activity and sessions

export interface ActivityRow {
  kind: string;
  detail: string;
  created_at: Date;
}

export async function insertActivity(q: Queryable, row: { id: string; userId: UserId; kind: string; detail: string; now: Date }): Promise<void> {
  await q.query('INSERT INTO account_activity (id, user_id, kind, detail, created_at) VALUES ($1, $2, $3, $4, $5::timestamptz)', [row.id, row.userId, row.kind, row.detail, iso(row.now)]);
  await q.query("DELETE FROM account_activity WHERE user_id = $1 AND created_at < $2::timestamptz - interval '90 days'", [row.userId, iso(row.now)]);
}

export async function listActivity(q: Queryable, userId: UserId, limit: number): Promise<ActivityRow[]> {
  return q.query<ActivityRow>('SELECT kind, detail, created_at FROM account_activity WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2', [userId, limit]);
}

export async function countLiveSessionsOf(q: Queryable, userId: UserId, now: Date): Promise<number> {
  const [row] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM identity_sessions WHERE user_id = $1 AND revoked_at IS NULL AND NOT totp_pending AND expires_at > $2::timestamptz', [userId, iso(now)]);
  return row?.n ?? 0;
}

/** Revokes every live session token of the person (the API's authToken sessions); returns how many. */
export async function revokeSessionsOf(q: Queryable, userId: UserId, now: Date): Promise<number> {
  const rows = await q.query('UPDATE identity_sessions SET revoked_at = $2::timestamptz WHERE user_id = $1 AND revoked_at IS NULL RETURNING id', [userId, iso(now)]);
  return rows.length;
}
