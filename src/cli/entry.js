// The command's entry (`npm start`, `npx lightgate`): V8's compile cache on before the CLI's few hundred
// modules load (issue 18). A restart then skips type stripping and parsing of every unchanged module (about
// 0.4 s of CPU of the ~1 s import). The cache sits next to the dependencies, owned by whoever installed them;
// when it cannot be written Node runs without it. Entries are checked against each file's content.
// Plain JavaScript on purpose: Node reads the entry before the cache is on, and a .ts entry alone would load
// Node's TypeScript stripper (amaro, with its WASM) at every start, ~12 MiB of RSS (docs/benchmarks.md).
// With a bundle built for this very tree (`npm run build`, scripts/build-bundle.ts) the CLI runs from it: ~40
// files to load instead of ~1,300 modules. Any other tree (an edit, a dependency, another Node) runs src/.
import { openSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleKey } from './bundle-key.js';

const root = join(import.meta.dirname, '..', '..');
const cache = join(root, 'node_modules', '.cache', 'lightgate');
enableCompileCache(join(cache, 'compile'));
let bundle;
try {
  bundle = join(cache, bundleKey(root), 'main.mjs');
  // Held open for the process's life, unread: a build keeps the bundles in use (their lazy chunks load later).
  openSync(bundle, 'r');
} catch {
  // No bundle for this tree, or an unreadable corner of src/ (no key): the sources.
  bundle = undefined;
}
await (bundle ? import(pathToFileURL(bundle).href) : import('./main.ts'));
