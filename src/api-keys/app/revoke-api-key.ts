// apiKeyRevoke: the owner's key stops working (within the API's cache TTL in every process).
import type { Database } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import type { ApiKey } from '../domain/api-key.ts';
import { API_KEY_COLUMNS, toApiKey, type ApiKeyRow } from './api-key-store.ts';
import type { ApiKeyError } from './create-api-key.ts';

export const API_KEY_REVOKED_CHANNEL = 'lightgate_api_key_revoked';

export async function revokeApiKey(db: Database, userId: UserId, id: string): Promise<Result<ApiKey, ApiKeyError>> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return err({ code: 'API_KEY_NOT_FOUND', message: 'No such API key' });
  const [row] = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${API_KEY_COLUMNS}`,
    [id, userId],
  );
  if (!row) return err({ code: 'API_KEY_NOT_FOUND', message: 'No such API key' });
  // Other processes drop the key from their caches now instead of at TTL.
  await db.notify(API_KEY_REVOKED_CHANNEL, row.id).catch(() => {});
  return ok(toApiKey(row));
}
