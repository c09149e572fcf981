// Prepared statements on PGlite (issue 18). PGlite's query() makes five calls into its WASM engine per
// statement (parse, describe, bind, describe, execute, then sync) and PostgreSQL parses and plans the text
// each time. Here a statement's text is parsed once into a prepared statement (as pg does for the PostgreSQL
// engine's named statements) and each execution is one call: bind, execute, sync, its rows described by the
// RowDescription kept from the prepare. A statement costs 2-2.6x less CPU this way (docs/benchmarks.md).
// Parameters are serialized and rows parsed by PGlite's own serializers and parsers, so values are what
// query() gives.
import { parse, protocol, type PGlite } from '@electric-sql/pglite';

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
}

export function pgliteStatements(db: PGlite): PgliteStatements {
  const { serialize } = protocol;
  const prepared = new Map<string, Prepared>();
  let sequence = 0;

  async function prepare(sql: string): Promise<Prepared> {
    const name = `lightgate_pglite_${sequence++}`;
    const { messages } = await db.execProtocol(concat([serialize.parse({ name, text: sql, types: [] }), serialize.describe({ type: 'S', name }), serialize.sync()]));
    const described = messages.find((m) => m.name === 'parameterDescription') as unknown as { dataTypeIDs: number[] } | undefined;
    const statement = { name, types: described?.dataTypeIDs ?? [], rows: messages.filter((m) => m.name === 'rowDescription') };
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
    const { messages } = await db.execProtocol(concat([serialize.bind({ statement: statement.name, values }), serialize.execute({}), serialize.sync()]), { syncToFs: false });
    return (parse.parseResults([...statement.rows, ...messages], db.parsers)[0]?.rows ?? []) as Row[];
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
