import { PGlite } from '@electric-sql/pglite';
import { preparePrivateDir, tightenTree, withPrivateUmask } from '../config/data-dir.ts';
import type { Database, Queryable } from './database.ts';
import { pgliteStatements } from './pglite-statements.ts';
import { defaultTemplateRoot, seedFromTemplate } from './pglite-template.ts';
import { safeParams } from './text-params.ts';

export interface PgliteSettings {
  /** PostgreSQL's shared_buffers (PGLITE_SHARED_BUFFERS). */
  readonly sharedBuffers: string;
  /** Where the initdb template is kept (default node_modules/.cache/lightgate); false: initdb in place. */
  readonly templateRoot?: string | false;
  /** What a new cluster gets before it becomes the template (the migrations), named by a digest. */
  readonly prepare?: { readonly digest: string; run(db: Database): Promise<void> };
}

// The config's default. PGlite starts PostgreSQL with shared_buffers=128MB, all of it touched (RSS) in the
// WASM heap; an embedded single-connection database of this size lives in the OS page cache anyway (issue 18).
const DEFAULT_SETTINGS: PgliteSettings = { sharedBuffers: '16MB' };

/** The embedded engine: PostgreSQL compiled to WASM, one connection, data in a directory (or memory). */
export async function openPglite(dataDir: string | undefined, settings: PgliteSettings = DEFAULT_SETTINGS): Promise<Database> {
  const create = (dir: string | undefined) =>
    new PGlite(dir, { parsers: { 20: (value: string) => Number(value) }, startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${settings.sharedBuffers}`] });
  // Private files (issue 19 #4): umask 077 while PGlite creates its files, then 0600/0700 over the tree,
  // because PGlite's initdb and relcache files are chmod'ed 0666/0644 explicitly, past the umask.
  if (dataDir) preparePrivateDir(dataDir);
  const db = await withPrivateUmask(async () => {
    const templateRoot = settings.templateRoot ?? defaultTemplateRoot();
    const build = async (dir: string) => {
      const fresh = await openPglite(dir, { ...settings, templateRoot: false });
      try {
        await settings.prepare?.run(fresh);
      } finally {
        await fresh.close();
      }
    };
    if (dataDir && templateRoot !== false) await seedFromTemplate(dataDir, templateRoot, settings.prepare?.digest ?? 'initdb', build);
    const opened = create(dataDir);
    await opened.waitReady;
    return opened;
  });
  const tighten = () => dataDir && tightenTree(dataDir);
  tighten();
  const statements = pgliteStatements(db);
  const query = <Row,>(sql: string, params?: readonly unknown[]) => statements.run<Row>(sql, safeParams(params) ?? [], false);
  return {
    kind: 'pglite',
    query,
    exec: async (sql) => void (await db.exec(sql)),
    transaction: (fn) =>
      db.transaction(async (t) => {
        const tx: Queryable = {
          // t's own lock (the transaction PGlite opened) is held; statements run inside it.
          query: <Row,>(sql: string, params?: readonly unknown[]) => (t.closed ? t.query<Row>(sql, safeParams(params)).then((r) => r.rows) : statements.run<Row>(sql, safeParams(params) ?? [], true)),
          exec: async (sql: string) => void (await t.exec(sql)),
        };
        return fn(tx);
      }),
    async listen(channel, onMessage) {
      // A notification comes in the reply of the statement that commits it: PGlite's own calls (exec, BEGIN and
      // COMMIT) hand it to db.listen's listeners, the statements' run() to hear's. Each reply reaches one of them.
      const forget = statements.hear(channel, onMessage);
      try {
        const unlisten = await db.listen(channel, onMessage);
        return async () => {
          forget();
          await unlisten();
        };
      } catch (error) {
        forget();
        throw error;
      }
    },
    async notify(channel, payload) {
      await query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async ping() {
      await query('SELECT 1');
    },
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    async close() {
      await db.close();
      tighten();
    },
  };
}
