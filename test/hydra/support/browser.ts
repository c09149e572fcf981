// Moved to test/support/http-browser.ts (issue 12); kept as a re-export for the old path.
export * from '../../support/http-browser.ts';
