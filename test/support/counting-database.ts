// A Database that counts the statements (round trips) it sends, by their first words: tests pin how many a
// payment costs, benches report it, without log_statement or pg_stat_statements on a shared server.
// A transaction counts its BEGIN and COMMIT (the engine sends them as statements of their own).
import type { Database, Queryable } from '../../src/db/database.ts';

export interface StatementCounts {
  total: number;
  /** By a short label of the statement (its first words), most frequent first. */
  byLabel: [string, number][];
}

const label = (sql: string) =>
  sql
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^WITH (\w+) AS \(\s*(\w+ \w+ \w+).*/i, 'WITH $1: $2')
    .split(' ')
    .slice(0, 4)
    .join(' ')
    .slice(0, 60);

export function countingDatabase(db: Database): { db: Database; reset(): void; counts(): StatementCounts; /** The statements sent since the last reset, in order. */ log(): string[] } {
  const seen = new Map<string, number>();
  const sent: string[] = [];
  const note = (sql: string) => {
    seen.set(label(sql), (seen.get(label(sql)) ?? 0) + 1);
    if (sent.length < 10_000) sent.push(sql);
  };
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params, options) => (note(sql), q.query(sql, params, options)),
    exec: (sql) => (note(sql), q.exec(sql)),
  });
  const counted: Database = {
    ...db,
    ...wrap(db),
    transaction: (fn) => {
      note('BEGIN');
      return db.transaction(async (tx) => {
        const result = await fn(wrap(tx));
        note('COMMIT');
        return result;
      });
    },
    notify: (channel, payload) => (note('SELECT pg_notify'), db.notify(channel, payload)),
    ping: () => (note('SELECT 1'), db.ping()),
  };
  return {
    db: counted,
    reset: () => {
      seen.clear();
      sent.length = 0;
    },
    log: () => [...sent],
    counts: () => ({ total: [...seen.values()].reduce((a, b) => a + b, 0), byLabel: [...seen].sort((a, b) => b[1] - a[1]) }),
  };
}
