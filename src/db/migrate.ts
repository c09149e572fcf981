// Versioned migrations: src/db/migrations/NNNN-<module>-<what>.sql, applied in file-name order, once each,
// under an advisory lock so that processes starting together do not race.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 4_444_4445;

export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f)).sort();
}

/** Names the schema the migrations build (their names and contents): the key of PGlite's template (issue 18). */
export function migrationsDigest(): string {
  const hash = createHash('sha256');
  for (const file of migrationFiles()) hash.update(`${file}\0${readFileSync(join(MIGRATIONS_DIR, file), 'utf8')}\0`);
  return hash.digest('hex').slice(0, 16);
}

export async function migrate(db: Database): Promise<string[]> {
  // Every start checks. Up to date (the usual case): one read, no transaction, lock or DDL (issue 18). A missing
  // table (a new database) or anything else takes the locked path, which reports real errors.
  const files = migrationFiles();
  const done = await db.query<{ name: string }>('SELECT name FROM schema_migrations').then((rows) => new Set(rows.map((r) => r.name)), () => undefined);
  if (done && files.every((f) => done.has(f))) return [];
  const applied: string[] = [];
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const current = new Set((await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name));
    for (const file of files) {
      if (current.has(file)) continue;
      await tx.exec(readFileSync(join(MIGRATIONS_DIR, file), 'utf8'));
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      applied.push(file);
    }
  });
  return applied;
}
