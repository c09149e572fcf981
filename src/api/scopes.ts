// The wallet API's scopes (Blink's Scope enum, lower-case on the wire of OAuth and in storage): what a token,
// an API key or a session may do. API keys store them; the credential checker and the resolvers enforce them.
export type Scope = 'read' | 'receive' | 'write';
export const ALL_SCOPES: readonly Scope[] = ['read', 'receive', 'write'];

export const isScope = (s: string): s is Scope => (ALL_SCOPES as readonly string[]).includes(s);

/** The wallet scopes in an OAuth scope string; anything else (openid, offline_access…) is ignored. */
export function parseScopeString(scope: string | undefined): Scope[] {
  return ALL_SCOPES.filter((s) => (scope ?? '').split(' ').includes(s));
}
