#!/usr/bin/env node
// `npx lightgate …`: re-run the CLI under the project's pinned Node 24 (node_modules/.bin/node),
// which runs the TypeScript sources directly (type stripping).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = join(root, 'node_modules', 'node', 'bin', 'node');
const node = existsSync(pinned) ? pinned : process.execPath;
// npm start's footprint levers (issue 18, docs/benchmarks.md), here for free since this is a child anyway:
// a young generation of 2 × 8 MB (V8 grows it to 2 × 64 MB under load on a large machine), an old generation
// let grow to 1.5× its live data between full collections (not V8's up to 4×, whose peaks RSS kept) from a first
// limit of 64 MB (the start-up's full collections of a heap growing from 10 to 30 MB cost ~0.1 s), and
// glibc's mmap threshold fixed at its 128 KiB default so V8's freed WASM compiler zones leave the thread
// arenas (a value already in the environment wins). entry.js, not entry.ts: a .ts entry loads Node's
// TypeScript stripper.
const env = { MALLOC_MMAP_THRESHOLD_: '131072', ...process.env };
const child = spawn(node, ['--max-semi-space-size=8', '--heap-growing-percent=50', '--initial-heap-size=64', join(root, 'src', 'cli', 'entry.js'), ...process.argv.slice(2)], { stdio: 'inherit', env });
// A supervisor (systemd, Docker, Kubernetes) signals this process only: the CLI gets the signal and drains, and
// this one exits when it has, with its status (a second SIGINT from a terminal's process group is harmless).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
