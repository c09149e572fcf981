import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.ts';
import { safeParams } from './text-params.ts';

/** The embedded engine: PostgreSQL compiled to WASM, one connection, data in a directory (or memory). */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = new PGlite(dataDir, { parsers: { 20: (value: string) => Number(value) } });
  await db.waitReady;
  const query = async <Row,>(sql: string, params?: readonly unknown[]) => (await db.query<Row>(sql, safeParams(params))).rows;
  return {
    kind: 'pglite',
    query,
    exec: async (sql) => void (await db.exec(sql)),
    transaction: (fn) =>
      db.transaction(async (t) => {
        const tx: Queryable = {
          query: async <Row,>(sql: string, params?: readonly unknown[]) => (await t.query<Row>(sql, safeParams(params))).rows,
          exec: async (sql: string) => void (await t.exec(sql)),
        };
        return fn(tx);
      }),
    async listen(channel, onMessage) {
      return db.listen(channel, onMessage);
    },
    async notify(channel, payload) {
      await query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async ping() {
      await query('SELECT 1');
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: () => db.close(),
  };
}
