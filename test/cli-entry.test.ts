// Issue 18: `npm start` and `npx lightgate` go through src/cli/entry.ts, which turns V8's compile cache on
// (next to the dependencies) before the CLI's modules load, then runs the CLI unchanged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..');

test('the entry runs the CLI with the compile cache in node_modules/.cache/lightgate/compile', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  // glibc's mmap threshold fixed at its 128 KiB default: V8's freed compiler memory leaves (docs/benchmarks.md, issue 18).
  assert.equal(scripts.start, 'MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=8 src/cli/entry.ts start');
  assert.match(readFileSync(join(root, 'bin', 'lightgate.js'), 'utf8'), /'entry\.ts'/);
  const run = spawnSync(process.execPath, [join(root, 'src', 'cli', 'entry.ts'), 'help'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LIGHTGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'lg-entry-')) },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Usage: lightgate <command>/);
  const cache = join(root, 'node_modules', '.cache', 'lightgate', 'compile');
  assert.ok(readdirSync(cache, { recursive: true }).length > 0, 'compiled modules are cached for the next start');
});
