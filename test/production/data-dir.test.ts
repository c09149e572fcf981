// Issue 19 #4: the data directory (PGlite, development secrets, outbox of live codes) is private to the
// user running Lightgate: created 0700, every file in it 0600, and a directory that other users can write
// to is refused at start. A real `lightgate start` child on PGlite.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { startLightgate } from './support/lightgate-process.ts';

/** Every entry under `dir` whose permission bits are not 0700 (directories) or 0600 (files). */
function looseModes(dir: string): string[] {
  const loose: string[] = [];
  const walk = (path: string) => {
    const st = lstatSync(path);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) loose.push(`${path} ${mode.toString(8)}`);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if (mode !== 0o600) loose.push(`${path} ${mode.toString(8)}`);
  };
  walk(dir);
  return loose;
}

test('issue 19 #4: a fresh start creates a 0700 data directory whose files (PGlite, outbox) are all 0600', { timeout: 90_000 }, async () => {
  const parent = mkdtempSync(join(tmpdir(), 'lg-datadir-'));
  chmodSync(parent, 0o755);
  const dataDir = join(parent, 'data');
  const p = await startLightgate({ env: { LIGHTGATE_SERVICES: 'auth,api' }, dataDir });
  try {
    const res = await fetch(`${p.urls.api}/auth/email/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'modes@example.com' }) });
    assert.equal(res.status, 200, await res.text());
    assert.ok(lstatSync(join(dataDir, 'outbox.jsonl')).isFile(), 'the code went to the outbox');
    assert.ok(readdirSync(join(dataDir, 'pglite')).length > 0, 'PGlite lives in the data directory');
    assert.deepEqual(looseModes(dataDir), [], 'while running');
  } finally {
    await p.stop();
  }
  assert.deepEqual(looseModes(dataDir), [], 'after stop');
  rmSync(parent, { recursive: true, force: true });
});

test('issue 19 #4: generated development secrets land in a 0700 directory as a 0600 file', () => {
  const parent = mkdtempSync(join(tmpdir(), 'lg-datadir-'));
  const dataDir = join(parent, 'fresh');
  const config = loadConfig({ LIGHTGATE_DATA_DIR: dataDir });
  assert.equal(config.secrets.generated, true);
  assert.deepEqual(looseModes(dataDir), []);
  rmSync(parent, { recursive: true, force: true });
});

for (const mode of [0o777, 0o775, 0o757]) {
  test(`issue 19 #4: start refuses a data directory other users can write to (mode ${mode.toString(8)})`, { timeout: 60_000 }, async () => {
    const parent = mkdtempSync(join(tmpdir(), 'lg-datadir-'));
    const dataDir = join(parent, 'shared');
    mkdirSync(dataDir);
    chmodSync(dataDir, mode);
    const started = await startLightgate({ env: { LIGHTGATE_SERVICES: 'auth' }, dataDir, readyTimeoutMs: 30_000 }).then(
      async (p) => {
        await p.stop();
        return 'started';
      },
      (e: Error) => e.message,
    );
    assert.match(started, /exited \(78\)/);
    assert.ok(started.includes(`chmod 700 ${dataDir}`), started);
    assert.deepEqual(readdirSync(dataDir), [], 'nothing was written into it');
    rmSync(parent, { recursive: true, force: true });
  });
}

test('issue 19 #4: start refuses a data directory that belongs to another user (the suite runs as root, as .ci/run does)', () => {
  const parent = mkdtempSync(join(tmpdir(), 'lg-datadir-'));
  const dataDir = join(parent, 'theirs');
  mkdirSync(dataDir, { mode: 0o700 });
  chownSync(dataDir, 65534, 65534);
  assert.throws(() => loadConfig({ LIGHTGATE_DATA_DIR: dataDir }), (e: Error) => /belongs to another user/.test(e.message) && e.message.includes(dataDir));
  rmSync(parent, { recursive: true, force: true });
});

test('issue 19 #4: a data directory only readable by others (an older 0755 one) is tightened to 0700', () => {
  const parent = mkdtempSync(join(tmpdir(), 'lg-datadir-'));
  const dataDir = join(parent, 'old');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  loadConfig({ LIGHTGATE_DATA_DIR: dataDir });
  assert.equal(lstatSync(dataDir).mode & 0o777, 0o700);
  rmSync(parent, { recursive: true, force: true });
});
