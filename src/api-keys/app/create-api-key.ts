// apiKeyCreate: a named key with scopes and an optional expiry. A caller can only hand out scopes it
// holds itself, so a key never has more power than the credential that created it.
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { generateApiKey, MAX_API_KEY_NAME, MAX_EXPIRE_DAYS, type ApiKey } from '../domain/api-key.ts';
import type { Scope } from '../../api/scopes.ts';
import { API_KEY_COLUMNS, toApiKey, type ApiKeyRow } from './api-key-store.ts';

export type ApiKeyError = { code: 'INVALID_INPUT' | 'SCOPE_NOT_HELD' | 'API_KEY_NOT_FOUND'; message: string };

export async function createApiKey(
  db: Database,
  input: { userId: UserId; name: string; scopes: readonly Scope[]; expireInDays?: number | null | undefined; callerScopes: ReadonlySet<Scope> },
): Promise<Result<{ apiKey: ApiKey; secret: string }, ApiKeyError>> {
  const name = input.name.trim();
  if (!name || name.length > MAX_API_KEY_NAME) return err({ code: 'INVALID_INPUT', message: `The name must have 1 to ${MAX_API_KEY_NAME} characters` });
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) return err({ code: 'INVALID_INPUT', message: 'A key needs at least one scope' });
  const missing = scopes.filter((s) => !input.callerScopes.has(s));
  if (missing.length) return err({ code: 'SCOPE_NOT_HELD', message: `You cannot grant scopes you do not hold: ${missing.join(', ')}` });
  const days = input.expireInDays;
  if (days != null && (!Number.isSafeInteger(days) || days < 1 || days > MAX_EXPIRE_DAYS)) {
    return err({ code: 'INVALID_INPUT', message: `expireInDays must be between 1 and ${MAX_EXPIRE_DAYS}` });
  }
  const { key, prefix, hash } = generateApiKey();
  const [row] = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scopes, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(days => $7::int) END)
     RETURNING ${API_KEY_COLUMNS}`,
    [randomUUID(), input.userId, name, prefix, hash, scopes, days ?? null],
  );
  return ok({ apiKey: toApiKey(row!), secret: key });
}
