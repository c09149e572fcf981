// initdb once per installation, not once per data directory (issue 18). PGlite's initdb (a second WASM
// instance running PostgreSQL's bootstrap) is most of a first start: ~4 s of CPU against ~0.5 s to open an
// existing cluster. Its result depends only on the PGlite version, so the first initdb is kept, closed, in
// node_modules/.cache/lightgate/pglite-<version>/ and every fresh data directory starts as a copy of it (as a
// distribution's PostgreSQL package runs initdb once at install). Without a writable cache: initdb in place.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_ENTRY = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));

/** <project>/node_modules/.cache/lightgate: next to the installed PGlite, owned by whoever installed it. */
export function defaultTemplateRoot(): string {
  const nodeModules = PACKAGE_ENTRY.slice(0, PACKAGE_ENTRY.lastIndexOf('/node_modules/') + '/node_modules'.length);
  return join(nodeModules, '.cache', 'lightgate');
}

function pgliteVersion(): string {
  const manifest = JSON.parse(readFileSync(join(dirname(PACKAGE_ENTRY), '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

const isCluster = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/**
 * Seeds `dataDir` (missing or empty) from the template, building the template first with `initdb(dir)`
 * (open and close PGlite on `dir`). Returns false when `dataDir` already holds a cluster or no template can
 * be kept (the caller's PGlite then runs initdb in place, as before).
 */
export async function seedFromTemplate(dataDir: string, templateRoot: string, initdb: (dir: string) => Promise<void>): Promise<boolean> {
  if (isCluster(dataDir)) return false;
  const template = join(templateRoot, `pglite-${pgliteVersion()}`);
  if (!isCluster(template)) {
    let building: string;
    try {
      mkdirSync(templateRoot, { recursive: true });
      building = mkdtempSync(join(templateRoot, 'building-'));
    } catch {
      return false; // read-only install: initdb in the data directory itself
    }
    try {
      await initdb(building);
      // Atomic: a concurrent start that built one too keeps its own, and this one is dropped.
      renameSync(building, template);
    } catch {
      if (!isCluster(template)) return false;
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  }
  cpSync(template, dataDir, { recursive: true });
  return true;
}
