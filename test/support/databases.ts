// Real databases for tests: a fresh PGlite in memory, or a fresh database on the local PostgreSQL server.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Database } from '../../src/db/database.ts';
import { migrate, migrationsDigest } from '../../src/db/migrate.ts';
import { pgliteTemplate } from '../../src/db/open-database.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { ensureEmbeddedPostgres, postgresAnswers } from './embedded-postgres.ts';

export type DatabaseKind = 'pglite' | 'postgres';
export const DATABASE_KINDS: DatabaseKind[] = ['pglite', 'postgres'];
const CONFIGURED_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ASYNC_COMMIT = process.env.LIGHTGATE_TEST_ASYNC_COMMIT === '1';
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

/** How the databases made here commit (benchmarks print it): the test runner's `off`, else the server's setting. */
export async function benchCommitSetting(): Promise<string> {
  if (ASYNC_COMMIT) return 'off';
  const [row] = (await adminQuery("SELECT current_setting('synchronous_commit') AS s")) as { s: string }[];
  return row!.s;
}

/** A fresh PostgreSQL database on the shared server (empty, or a copy of `template`); drop() removes it. */
export async function createPostgresDatabase(template?: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lightgate_test_${randomBytes(6).toString('hex')}`;
  const adminUrl = await postgresAdminUrl();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  // In the test runner only (scripts/test.ts sets LIGHTGATE_TEST_ASYNC_COMMIT=1), as the embedded test server runs:
  // a commit does not wait for its WAL flush (0.1-3 ms each, by disk); visibility, locks and isolation are the
  // same, only a server crash could lose the last commits. Benchmarks leave it unset and measure the server as it
  // is configured (synchronous_commit on by default), as a deployment runs it.
  if (ASYNC_COMMIT) await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
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
  const db = await openPglite(join(dir, 'pglite'), { sharedBuffers: '16MB', prepare: pgliteTemplate() });
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

// A PostgreSQL test database is a copy (CREATE DATABASE … TEMPLATE) of one migrated once per server and schema
// digest: the migrations took ~1.1-2 s per database. Built under another name and renamed into place whole, so
// test processes starting together never clone a half-migrated one (the loser of the rename drops its own).
let postgresTemplate: Promise<string> | undefined;

async function adminQuery(sql: string, params: unknown[] = []): Promise<unknown[]> {
  const admin = new pg.Client({ connectionString: await postgresAdminUrl() });
  await admin.connect();
  try {
    return (await admin.query(sql, params)).rows;
  } finally {
    await admin.end();
  }
}

async function buildPostgresTemplate(): Promise<string> {
  const name = `lightgate_test_template_${migrationsDigest()}`;
  if ((await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length) return name;
  const building = await createPostgresDatabase();
  try {
    const db = await openPostgres(building.url, 1);
    await migrate(db).finally(() => db.close());
    await adminQuery(`ALTER DATABASE ${new URL(building.url).pathname.slice(1)} RENAME TO ${name}`);
  } catch (error) {
    await building.drop();
    if ((error as { code?: string }).code !== '42P04') throw error; // another process renamed its copy first
  }
  return name;
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') return createPgliteDatabase();
  postgresTemplate ??= buildPostgresTemplate();
  const { url, drop } = await createPostgresDatabase(await postgresTemplate);
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
