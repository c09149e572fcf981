// Moved to test/support/ (issue 12): clients.ts (admin API, client registration, relying party) and
// tokens.ts (authorization code flow, token requests, introspection). Kept as a re-export for the
// compatibility suite and tests written against the old path.
export * from '../../support/clients.ts';
export * from '../../support/tokens.ts';
