// The entry under its older name (bin/lightgate.js, the README's production command): src/cli/entry.js, which
// `npm start` runs directly (a .ts entry loads Node's TypeScript stripper first; issue 18).
import './entry.js';
