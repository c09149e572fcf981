// Real databases for tests: a fresh PGlite in memory, or a fresh database on the local PostgreSQL server.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../../src/db/database.ts';
import { migrate, migrationsDigest } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { ensureEmbeddedPostgres, postgresAnswers } from './embedded-postgres.ts';

export type DatabaseKind = 'pglite' | 'postgres';
export const DATABASE_KINDS: DatabaseKind[] = ['pglite', 'postgres'];
const CONFIGURED_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let adminUrl: Promise<string> | undefined;

/** The server's admin URL: TEST_POSTGRES_URL (default 127.0.0.1:5432) when a PostgreSQL answers there, else a
 *  PostgreSQL the tests start themselves from the embedded-postgres package, shared by all test files. */
export function postgresAdminUrl(): Promise<string> {
  adminUrl ??= postgresAnswers(CONFIGURED_URL).then((answers) => (answers ? CONFIGURED_URL : ensureEmbeddedPostgres()));
  return adminUrl;
}

export interface TestDatabase {
  db: Database;
  /** postgres:// URL of the fresh database (postgres kind only), for a second process or a real server. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database on the shared server; drop() removes it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lightgate_test_${randomBytes(6).toString('hex')}`;
  const adminUrl = await postgresAdminUrl();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

// A PGlite test database is a data directory seeded from the installation's migrated template, as `npm start`
// opens one (src/db/pglite-template.ts): an in-memory PGlite ran initdb and the migrations for every test
// database, ~4 s of CPU each. On tmpfs where there is one; removed by drop(), or at exit if a test forgot.
const PGLITE_PARENT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const pgliteDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of pgliteDirs) rmSync(dir, { recursive: true, force: true });
});

async function createPgliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(PGLITE_PARENT, 'lightgate-test-pglite-'));
  pgliteDirs.add(dir);
  const db = await openPglite(join(dir, 'pglite'), { sharedBuffers: '16MB', prepare: { digest: migrationsDigest(), run: async (fresh) => void (await migrate(fresh)) } });
  await migrate(db);
  return {
    db,
    url: undefined,
    async drop() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
      pgliteDirs.delete(dir);
    },
  };
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') return createPgliteDatabase();
  const { url, drop } = await createPostgresDatabase();
  const db = await openPostgres(url, 10);
  await migrate(db);
  return {
    db,
    url,
    async drop() {
      await db.close();
      await drop();
    },
  };
}
