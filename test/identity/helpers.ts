// Moved to test/support/ (issue 12): users.ts (outbox, codes) and config.ts (testConfig, movableClock).
// Kept as a re-export for tests written against the old path; import from test/support/ instead.
export * from '../support/config.ts';
export * from '../support/users.ts';
