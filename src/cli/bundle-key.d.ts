// Types of bundle-key.js (plain JavaScript: src/cli/entry.js loads it before TypeScript can be stripped).
/** The bundle directory's name for the tree under root: bundle-<24 hex digits>. */
export function bundleKey(root: string): string;
