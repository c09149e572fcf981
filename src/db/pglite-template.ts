// initdb and the migrations once per installation, not once per data directory (issue 18). PGlite's initdb
// (a second WASM instance running PostgreSQL's bootstrap) and the schema's migrations are most of a first
// start: ~4 s and ~1.5 s of CPU against ~0.5 s to open an existing cluster. Their result depends only on the
// PGlite version and the migration files, so it is kept, closed, in
// node_modules/.cache/lightgate/pglite-<version>-<digest of the migrations>/ and every fresh data directory
// starts as a copy of it (as a distribution's PostgreSQL package runs initdb once at install). It holds the
// schema only: secrets, signing keys and users are made in the data directory after the copy, so a migration
// must never insert a secret or a random value (every data directory of the installation would share it).
// A template others could have written is not used (it becomes the database). Without a writable cache:
// initdb and migrations in the data directory, as before.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
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

/** Owned by this user and writable by no one else (as the data directory itself must be, issue 19 #4). */
function isOwnAndClosed(dir: string): boolean {
  const st = statSync(dir);
  return (st.mode & 0o022) === 0 && (process.getuid === undefined || st.uid === process.getuid());
}

/** The kept template named by `digest`, when it exists and no one else could have written to it. */
function usableTemplate(templateRoot: string, digest: string): string | undefined {
  const template = join(templateRoot, `pglite-${pgliteVersion()}-${digest}`);
  return isCluster(template) && isOwnAndClosed(templateRoot) && isOwnAndClosed(template) ? template : undefined;
}

const ahead = new Map<string, Promise<boolean>>();

/**
 * Starts copying the template into a missing or empty `dataDir` in a child process (`cp -R`), so that the copy
 * (1,182 files; 0.1 s of file creation on a quiet disk, more on a busy one) runs on another core while `lightgate
 * start` loads its modules (issue 18). The copy goes to a sibling and is renamed into place whole, so a start
 * killed meanwhile leaves no half cluster. seedFromTemplate waits for it; when it failed, it copies as before.
 */
export function copyTemplateAhead(dataDir: string, templateRoot: string, digest: string): void {
  let template: string | undefined;
  try {
    if (isCluster(dataDir) || (existsSync(dataDir) && readdirSync(dataDir).length > 0)) return;
    template = usableTemplate(templateRoot, digest);
  } catch {
    return;
  }
  if (!template) return;
  const copying = `${dataDir}.copying`;
  rmSync(copying, { recursive: true, force: true }); // left by a start killed during its copy
  const copied = new Promise<boolean>((resolve) => {
    // Its own process group: a Ctrl-C during the start lets the copy finish, as the start itself does.
    const cp = spawn('cp', ['-R', '--', template, copying], { stdio: 'ignore', detached: true });
    cp.once('error', () => resolve(false));
    cp.once('exit', (code) => resolve(code === 0));
  });
  ahead.set(
    dataDir,
    copied.then((ok) => {
      try {
        if (ok) renameSync(copying, dataDir); // over the empty directory openPglite may have made meanwhile
        return ok;
      } catch {
        return false;
      } finally {
        rmSync(copying, { recursive: true, force: true });
      }
    }),
  );
}

/**
 * Seeds `dataDir` (missing or empty) from the template named by `digest` (what `build` puts in a cluster),
 * building it first with `build(dir)` (a new cluster in `dir`, closed). Returns false when `dataDir` already
 * holds a cluster or no template can be kept (the caller then initialises `dataDir` itself, as before).
 */
export async function seedFromTemplate(dataDir: string, templateRoot: string, digest: string, build: (dir: string) => Promise<void>): Promise<boolean> {
  if (isCluster(dataDir)) return false;
  const early = ahead.get(dataDir);
  ahead.delete(dataDir);
  if (early && (await early)) return true;
  const name = `pglite-${pgliteVersion()}-${digest}`;
  const template = join(templateRoot, name);
  if (!isCluster(template)) {
    let building: string;
    try {
      mkdirSync(templateRoot, { recursive: true });
      building = mkdtempSync(join(templateRoot, 'building-'));
    } catch {
      return false; // read-only install: initdb in the data directory itself
    }
    try {
      await build(building);
      // Atomic: a concurrent start that built one too keeps its own, and this one is dropped.
      renameSync(building, template);
      // Templates of older versions or migrations are not used again: renamed away first (atomic), so a
      // start copying one at this moment fails its copy (and initialises its data directory) rather than
      // copying half of it.
      for (const old of readdirSync(templateRoot).filter((n) => n.startsWith('pglite-') && n !== name)) {
        const trash = join(templateRoot, `trash-${old}-${process.pid}`);
        renameSync(join(templateRoot, old), trash);
        rmSync(trash, { recursive: true, force: true });
      }
    } catch {
      if (!isCluster(template)) return false;
    } finally {
      rmSync(building, { recursive: true, force: true });
    }
  }
  try {
    if (!usableTemplate(templateRoot, digest)) return false;
    cpSync(template, dataDir, { recursive: true, errorOnExist: true, force: false });
  } catch {
    for (const partial of readdirSync(dataDir)) rmSync(join(dataDir, partial), { recursive: true, force: true });
    return false;
  }
  return true;
}
