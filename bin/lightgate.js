#!/usr/bin/env node
// `npx lightgate …`: re-run the CLI under the project's pinned Node 24 (node_modules/.bin/node),
// which runs the TypeScript sources directly (type stripping).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
const node = existsSync(pinned) ? pinned : process.execPath;
// A young generation of 2 × 8 MB (V8 grows it to 2 × 64 MB under load on a large machine): issue 18, docs/benchmarks.md.
const result = spawnSync(node, ['--max-semi-space-size=8', join(root, 'src', 'cli', 'entry.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
