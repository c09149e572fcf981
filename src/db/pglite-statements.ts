// Prepared statements on PGlite (issue 18). PGlite's query() makes five calls into its WASM engine per
// statement (parse, describe, bind, describe, execute, then sync) and PostgreSQL parses and plans the text
// each time. Here a statement's text is parsed once into a prepared statement (as pg does for the PostgreSQL
// engine's named statements) and each execution is one call: bind, execute, sync, its rows described by the
// RowDescription kept from the prepare. A statement costs 2-2.6x less CPU this way (docs/benchmarks.md).
// Parameters are serialized by PGlite's own serializers; the engine's raw reply is read by pglite-rows.ts (rows
// with PGlite's parsers, errors and notifications as PGlite's execProtocol has them), so values are what
// query() gives.
import { protocol, type PGlite } from '@electric-sql/pglite';
import { channelName, fastRows, readReply, rowShape, type Listeners, type RowShape } from './pglite-rows.ts';

type BackendMessage = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];

/** Prepared statements kept per database (texts are the code's own, so few; the least recently used goes). */
const MAX_STATEMENTS = 500;
/** PostgreSQL: "cached plan must not change result type" after a table a prepared statement reads changed. */
const STALE_PLAN = '0A000';

interface Prepared {
  name: string;
  /** The parameters' type OIDs, as PostgreSQL inferred them (ParameterDescription). */
  types: number[];
  /** The statement's RowDescription, described once with it (the portal's is the same while the plan is). */
  rows: BackendMessage[];
  /** The rows' columns and parsers (undefined: rows read by readReply). */
  shape: RowShape | undefined;
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

export interface PgliteStatements {
  /** Runs sql with params; inTransaction: the caller holds PGlite's transaction (its BEGIN is open). */
  run<Row>(sql: string, params: readonly unknown[], inTransaction: boolean): Promise<Row[]>;
  /**
   * Hands `channel`'s notifications that arrive in run()'s replies to `listener` (PGlite's listen() only sees
   * those of its own execProtocol); returns its removal. The caller LISTENs with PGlite's listen() too.
   */
  hear(channel: string, listener: (payload: string) => void): () => void;
}

export function pgliteStatements(db: PGlite): PgliteStatements {
  const { serialize } = protocol;
  const prepared = new Map<string, Prepared>();
  const listeners: Listeners = new Map();
  // Every execution ends with the same Execute (unnamed portal, all rows) and Sync.
  const tail = concat([serialize.execute({}), serialize.sync()]);
  let sequence = 0;

  async function prepare(sql: string): Promise<Prepared> {
    const name = `lightgate_pglite_${sequence++}`;
    const { messages } = await db.execProtocol(concat([serialize.parse({ name, text: sql, types: [] }), serialize.describe({ type: 'S', name }), serialize.sync()]));
    const described = messages.find((m) => m.name === 'parameterDescription') as unknown as { dataTypeIDs: number[] } | undefined;
    const rows = messages.filter((m) => m.name === 'rowDescription');
    const statement = { name, types: described?.dataTypeIDs ?? [], rows, shape: rowShape(rows) };
    if (prepared.size >= MAX_STATEMENTS) {
      const [oldestSql, oldest] = prepared.entries().next().value!;
      prepared.delete(oldestSql);
      await db.execProtocol(concat([serialize.close({ type: 'S', name: oldest.name }), serialize.sync()]));
    }
    prepared.set(sql, statement);
    return statement;
  }

  async function execute<Row>(sql: string, params: readonly unknown[]): Promise<Row[]> {
    let statement = prepared.get(sql);
    if (statement) {
      prepared.delete(sql);
      prepared.set(sql, statement);
    } else {
      statement = await prepare(sql);
    }
    const { types } = statement;
    const values = params.map((value, i) => (value === null || value === undefined ? null : ((db.serializers[types[i]!] ?? String)(value) as string)));
    // No Describe of the portal: the prepared RowDescription heads the rows. Synced to the file system by run().
    // The reply comes raw (PGlite's execProtocol would parse it into messages first); the chunks are copies, the
    // engine's memory being reused.
    const chunks: Uint8Array[] = [];
    await db.execProtocolRawStream(concat([serialize.bind({ statement: statement.name, values }), tail]), { syncToFs: false, onRawData: (chunk) => void chunks.push(chunk.slice()) });
    const reply = chunks.length === 1 ? chunks[0]! : concat(chunks);
    return ((statement.shape && fastRows(reply, statement.shape, db.parsers)) ?? readReply(reply, statement.rows, db.parsers, listeners)) as Row[];
  }

  /** Outside a transaction a statement whose plan went stale (its table changed) is prepared again, once. */
  async function executeOrReprepare<Row>(sql: string, params: readonly unknown[]): Promise<Row[]> {
    try {
      return await execute<Row>(sql, params);
    } catch (error) {
      const e = error as { code?: string; message?: string };
      if (e.code !== STALE_PLAN || !/cached plan/.test(e.message ?? '')) throw error;
      prepared.delete(sql);
      return execute<Row>(sql, params);
    }
  }

  return {
    hear(channel, listener) {
      const name = channelName(channel);
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set.add(listener));
      return () => {
        set.delete(listener);
        if (!set.size && listeners.get(name) === set) listeners.delete(name);
      };
    },
    async run<Row>(sql: string, params: readonly unknown[], inTransaction: boolean): Promise<Row[]> {
      // The locks query() takes: outside a transaction, wait for any open one (one connection); always one
      // protocol exchange at a time.
      if (inTransaction) return db._runExclusiveQuery(() => execute<Row>(sql, params));
      await db._checkReady();
      return db._runExclusiveTransaction(() =>
        db._runExclusiveQuery(async () => {
          const rows = await executeOrReprepare<Row>(sql, params);
          await db.syncToFs();
          return rows;
        }),
      );
    },
  };
}
