// API keys: "lg_<8 hex>_<43 base64url>". The first part is the visible prefix shown in lists; the
// whole key is stored only as SHA-256 (a 256-bit random secret needs no slow hash).
import { createHash, randomBytes } from 'node:crypto';
import type { UserId } from '../../shared/brand.ts';
import type { Scope } from '../../api/scopes.ts';

export interface ApiKey {
  id: string;
  userId: UserId;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export const MAX_API_KEY_NAME = 100;
export const MAX_EXPIRE_DAYS = 3650;
export const KEY_SHAPE = /^lg_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = `lg_${randomBytes(4).toString('hex')}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const isExpired = (k: Pick<ApiKey, 'expiresAt'>, now = new Date()): boolean => k.expiresAt !== null && k.expiresAt <= now;
