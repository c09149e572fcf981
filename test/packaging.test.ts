// Issue 19 #13: the pinned Node 24 is a development tool, not a runtime dependency (production runs on a
// system Node 24 or the official image), and dependency install scripts are allow-listed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};

test('issue 19 #13: node is a devDependency; install scripts run only when allow-listed', () => {
  assert.equal(pkg.dependencies.node, undefined);
  assert.match(pkg.devDependencies.node ?? '', /^\^24\./);
  assert.equal(pkg.allowScripts.node, true, 'the pinned Node needs its preinstall (it fetches the binary) in development');
  // Every other allowed entry is a reviewed decision of its own; none is a blanket (`*`) approval.
  assert.ok(!Object.keys(pkg.allowScripts).some((name) => name === '*' || name.endsWith('@*')));
  assert.match(readFileSync(join(root, '.npmrc'), 'utf8'), /^strict-allow-scripts=true$/m, 'an unreviewed install script fails the install');
});

test('issue 19 #13: every installed package with an install script has been reviewed (allowScripts)', () => {
  const ls = spawnSync('npm', ['install-scripts', 'ls'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(ls.status, 0, ls.stderr);
  assert.match(ls.stdout, /No packages with unreviewed install scripts/, ls.stdout);
});
