// SQL for api_keys (one table, a few statements shared by the use cases).
import type { Queryable } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import type { ApiKey } from '../domain/api-key.ts';
import type { Scope } from '../../api/scopes.ts';

export interface ApiKeyRow {
  id: string;
  user_id: UserId;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export const API_KEY_COLUMNS = 'id, user_id, name, prefix, scopes, created_at, expires_at, revoked_at, last_used_at';

const date = (d: Date | null): Date | null => (d === null ? null : new Date(d));

export const toApiKey = (r: ApiKeyRow): ApiKey => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes,
  createdAt: new Date(r.created_at),
  expiresAt: date(r.expires_at),
  revokedAt: date(r.revoked_at),
  lastUsedAt: date(r.last_used_at),
});

export async function listApiKeys(db: Queryable, userId: UserId): Promise<ApiKey[]> {
  const rows = await db.query<ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE user_id = $1 ORDER BY created_at, id`, [userId]);
  return rows.map(toApiKey);
}
