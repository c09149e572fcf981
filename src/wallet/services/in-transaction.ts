import type { Database, Queryable } from '../../db/database.ts';
import { err, type Result } from '../../shared/result.ts';

class Rollback<E> {
  readonly error: E;
  constructor(error: E) {
    this.error = error;
  }
}

/** Runs fn in one transaction; an error value rolls it back and is returned as is (nothing half-done). */
export async function inTransaction<T, E>(db: Database, fn: (tx: Queryable) => Promise<Result<T, E>>): Promise<Result<T, E>> {
  try {
    return await db.transaction(async (tx) => {
      const result = await fn(tx);
      if (!result.ok) throw new Rollback(result.error);
      return result;
    });
  } catch (error) {
    if (error instanceof Rollback) return err(error.error as E);
    throw error;
  }
}
