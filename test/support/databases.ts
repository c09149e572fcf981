// Real databases for tests: a fresh PGlite in memory, or a fresh database on the local PostgreSQL server.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
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

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openPglite(undefined);
    await migrate(db);
    return { db, url: undefined, drop: () => db.close() };
  }
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
