import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { preparePrivateDir, tightenTree } from '../config/data-dir.ts';
import type { Database } from './database.ts';
import { migrate, migrationsDigest } from './migrate.ts';
import { copyTemplateAhead, defaultTemplateRoot } from './pglite-template.ts';

/**
 * What PGlite's kept template holds (src/db/pglite-template.ts): the migrated schema, in the one database PGlite
 * opens ('postgres'), without template0 and template1. Nothing here creates a database, and their ~600 files
 * were half of the copy every fresh data directory makes (creating a file costs 0.2-0.7 ms of system CPU on some
 * disks; issue 18). The digest names that content: a template of another layout is not reused.
 */
export function pgliteTemplate(): { digest: string; run(db: Database): Promise<void> } {
  return {
    digest: `${migrationsDigest()}-1db`,
    async run(fresh) {
      await migrate(fresh);
      // One statement each: DROP DATABASE refuses to run in a transaction block (a multi-statement query).
      for (const name of ['template0', 'template1']) {
        await fresh.exec(`ALTER DATABASE ${name} IS_TEMPLATE false`);
        await fresh.exec(`DROP DATABASE ${name}`);
      }
    },
  };
}

/** `lightgate start`, before the servers' modules load: a fresh PGlite data directory's copy begins (issue 18). */
export function prepareDatabaseAhead(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'pglite'>): void {
  if (config.databaseUrl || config.pglite.templateRoot === false) return;
  try {
    preparePrivateDir(config.dataDir); // as the start does first; when it refuses the directory, the start says so
  } catch {
    return;
  }
  copyTemplateAhead(join(config.dataDir, 'pglite'), config.pglite.templateRoot ?? defaultTemplateRoot(), pgliteTemplate().digest);
}

/** PostgreSQL when DATABASE_URL is set, else PGlite in <data dir>/pglite. Migrations run before use. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize' | 'pglite'>, options: { migrate?: boolean } = {}): Promise<Database> {
  const pgliteDir = config.databaseUrl ? undefined : join(config.dataDir, 'pglite');
  // Only the engine in use is loaded (issue 18: pg or PGlite's WASM glue, not both).
  const db = pgliteDir
    ? await (await import('./pglite.ts')).openPglite(pgliteDir, { ...config.pglite, prepare: pgliteTemplate() })
    : await (await import('./postgres.ts')).openPostgres(config.databaseUrl!, config.databasePoolSize);
  const applied = options.migrate !== false ? await migrate(db) : [];
  // Migrations create tables, and PGlite rewrites its relcache file 0644: private again (issue 19 #4). openPglite
  // has just done it after the open, so only when a migration ran (a walk of ~1,200 files: 5-9 ms; issue 18).
  if (pgliteDir && applied.length > 0) tightenTree(pgliteDir);
  return db;
}
