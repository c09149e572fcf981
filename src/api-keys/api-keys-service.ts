// The API-keys module's face: what the API server (credential check, GraphQL) and the portal use.
export { listApiKeys } from './app/api-key-store.ts';
export { createApiKey, type ApiKeyError } from './app/create-api-key.ts';
export { API_KEY_REVOKED_CHANNEL, revokeApiKey } from './app/revoke-api-key.ts';
export { touchApiKey, verifyApiKey, type VerifiedApiKey } from './app/verify-api-key.ts';
export { isExpired, MAX_EXPIRE_DAYS, type ApiKey } from './domain/api-key.ts';
