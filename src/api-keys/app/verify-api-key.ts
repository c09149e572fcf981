// X-API-KEY on a request: the key's owner and scopes, or undefined when unknown, revoked or expired.
import type { Database } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import { hashApiKey, isExpired, KEY_SHAPE } from '../domain/api-key.ts';
import type { Scope } from '../../api/scopes.ts';
import { API_KEY_COLUMNS, toApiKey, type ApiKeyRow } from './api-key-store.ts';

export interface VerifiedApiKey {
  id: string;
  userId: UserId;
  scopes: Scope[];
  expiresAt: Date | null;
}

export async function verifyApiKey(db: Database, key: string): Promise<VerifiedApiKey | undefined> {
  if (!KEY_SHAPE.test(key)) return undefined;
  const [row] = await db.query<ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = $1`, [hashApiKey(key)]);
  if (!row) return undefined;
  const apiKey = toApiKey(row);
  if (apiKey.revokedAt || isExpired(apiKey)) return undefined;
  return { id: apiKey.id, userId: apiKey.userId, scopes: apiKey.scopes, expiresAt: apiKey.expiresAt };
}

/** lastUsedAt, written at most once a minute per key so that busy keys do not write on every call. */
export async function touchApiKey(db: Database, id: string): Promise<void> {
  await db.query("UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')", [id]);
}
