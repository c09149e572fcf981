// The command's entry (`npm start`, `npx lightgate`): V8's compile cache on before the CLI's few hundred
// modules load (issue 18). A restart then skips type stripping and parsing of every unchanged module (about
// 0.4 s of CPU of the ~1 s import). The cache sits next to the dependencies, owned by whoever installed them;
// when it cannot be written Node runs without it. Entries are checked against each file's content.
// Plain JavaScript on purpose: Node reads the entry before the cache is on, and a .ts entry alone would load
// Node's TypeScript stripper (amaro, with its WASM) at every start, ~12 MiB of RSS (docs/benchmarks.md).
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';

enableCompileCache(join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'lightgate', 'compile'));
await import('./main.ts');
