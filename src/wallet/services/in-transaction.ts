import type { Database, Queryable } from '../../db/database.ts';
import { err, type Result } from '../../shared/result.ts';

class Rollback<E> {
  readonly error: E;
  constructor(error: E) {
    this.error = error;
  }
}

type AfterCommit = (db: Database) => void;
const pending = new WeakMap<Queryable, AfterCommit[]>();

/**
 * Runs `fn` with the database once tx (a transaction of inTransaction) has committed; false, and nothing is
 * scheduled, when tx is not one (the caller then does the work inside the transaction).
 */
export function afterCommit(tx: Queryable, fn: AfterCommit): boolean {
  const list = pending.get(tx);
  list?.push(fn);
  return list !== undefined;
}

/** Runs fn in one transaction; an error value rolls it back and is returned as is (nothing half-done). */
export async function inTransaction<T, E>(db: Database, fn: (tx: Queryable) => Promise<Result<T, E>>): Promise<Result<T, E>> {
  let committed: AfterCommit[] = [];
  try {
    const result = await db.transaction(async (tx) => {
      committed = [];
      pending.set(tx, committed);
      const result = await fn(tx);
      if (!result.ok) throw new Rollback(result.error);
      return result;
    });
    for (const run of committed) {
      try {
        run(db);
      } catch {
        // Committed already: what runs after (a wake-up notice) must not turn the result into a failure.
      }
    }
    return result;
  } catch (error) {
    if (error instanceof Rollback) return err(error.error as E);
    throw error;
  }
}
