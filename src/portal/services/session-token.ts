// Portal session tokens: 256 random bits; only their SHA-256 is stored.
import { randomBytes } from 'node:crypto';

export const newSessionToken = (): string => randomBytes(32).toString('base64url');
