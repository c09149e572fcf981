// API keys from the portal: the api-keys module's use cases, with the new key kept sealed until the
// keys page shows it once. The signed-in owner manages their own keys, so every wallet scope is theirs
// to hand out (as with a first-party session on the API).
import { createApiKey, isExpired, listApiKeys, MAX_EXPIRE_DAYS, revokeApiKey, type ApiKey } from '../../api-keys/api-keys-service.ts';
import { ALL_SCOPES, isScope } from '../../api/scopes.ts';
import type { UserId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { insertReveal, takeReveals } from '../services/portal-store.ts';
import type { Problem } from '../domain/application.ts';
import type { PortalContext, PortalError } from './context.ts';

export type KeyField = 'name' | 'expiry' | 'custom_days' | 'scopes';

const text = (v: unknown): string => (typeof v === 'string' ? v : '').trim();
const list = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

export async function createPortalApiKey(
  ctx: PortalContext,
  userId: string,
  form: Record<string, unknown>,
): Promise<Result<ApiKey, PortalError & { keyFields?: Partial<Record<KeyField, readonly Problem[]>> }>> {
  const fields: Partial<Record<KeyField, readonly Problem[]>> = {};
  const name = text(form.name);
  if (!name) fields.name = [{ code: 'keyNameMissing' }];
  else if (name.length > 100) fields.name = [{ code: 'tooLong', limit: 100 }];
  const expiry = text(form.expiry);
  let days: number | null = null;
  if (expiry === '30' || expiry === '90') days = Number(expiry);
  else if (expiry === 'custom') {
    const custom = text(form.custom_days);
    days = /^\d{1,5}$/.test(custom) ? Number(custom) : NaN;
    if (!Number.isSafeInteger(days) || days < 1 || days > MAX_EXPIRE_DAYS) fields.custom_days = [{ code: 'daysRange', limit: MAX_EXPIRE_DAYS }];
  } else if (expiry !== 'never') fields.expiry = [{ code: 'expiryMissing' }];
  const raw = list(form.scopes);
  const scopes = ALL_SCOPES.filter((s) => raw.includes(s));
  if (raw.some((s) => !isScope(s))) fields.scopes = [{ code: 'scopesUnknown' }];
  else if (scopes.length === 0) fields.scopes = [{ code: 'scopesNone' }];
  if (Object.keys(fields).length) return err({ code: 'INVALID_INPUT', problem: { is: 'fields' }, keyFields: fields });

  const created = await createApiKey(ctx.db, { userId: userId as UserId, name, scopes, expireInDays: days, callerScopes: new Set(ALL_SCOPES) });
  if (!created.ok) return err({ code: 'INVALID_INPUT', problem: { is: 'keyRefused' } });
  await insertReveal(ctx.db, { userId, kind: 'api_key', ref: created.value.apiKey.id, sealed: ctx.box.seal(created.value.secret) });
  return ok(created.value.apiKey);
}

export interface KeyLists {
  active: ApiKey[];
  expired: ApiKey[];
  revoked: ApiKey[];
  /** Keys created just now, shown this once: id → key. */
  fresh: Map<string, string>;
}

export async function listPortalApiKeys(ctx: PortalContext, userId: string, now = new Date()): Promise<KeyLists> {
  const keys = await listApiKeys(ctx.db, userId as UserId);
  const fresh = new Map<string, string>();
  for (const r of await takeReveals(ctx.db, userId, 'api_key')) {
    const key = ctx.box.open(r.sealed);
    if (key) fresh.set(r.ref, key);
  }
  return {
    active: keys.filter((k) => !k.revokedAt && !isExpired(k, now)).reverse(),
    expired: keys.filter((k) => !k.revokedAt && isExpired(k, now)).reverse(),
    revoked: keys.filter((k) => k.revokedAt).reverse(),
    fresh,
  };
}

export async function revokePortalApiKey(ctx: PortalContext, userId: string, id: string): Promise<Result<void, PortalError>> {
  const revoked = await revokeApiKey(ctx.db, userId as UserId, id);
  return revoked.ok ? ok(undefined) : err({ code: 'NOT_FOUND', problem: { is: 'noSuchKey' } });
}
