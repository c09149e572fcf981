// A Database that logs every statement it sends, in order (BEGIN and COMMIT of a transaction as their own round
// trips), with an optional hook awaited before each: the token tests count round trips with it and hold a
// request at a chosen statement to force a race.
import type { Database, Queryable } from '../../src/db/database.ts';

export interface StatementHooks {
  /** Awaited before each statement is sent. */
  statement?: (sql: string) => Promise<void>;
}

/** `entry`: what is logged for a statement (its text by default). */
export function loggingDatabase(db: Database, log: string[], hooks: StatementHooks = {}, entry: (sql: string, params?: readonly unknown[]) => string = (sql) => sql): Database {
  const q = (target: Queryable): Queryable['query'] => async (sql, params, options) => {
    log.push(entry(sql, params));
    await hooks.statement?.(sql);
    return target.query(sql, params, options);
  };
  return Object.assign(Object.create(db) as Database, {
    query: q(db),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      db.transaction((tx) => {
        log.push('BEGIN');
        return fn({ query: q(tx), exec: (s) => tx.exec(s) }).then((v) => (log.push('COMMIT'), v));
      }),
  });
}
