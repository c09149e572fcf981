// Issue 18: oidc-provider's Session.save() deletes the session's old row (after resetIdentifier(), its
// session-fixation defence at every login and consent resume) and then writes the row under the new id: two
// statements, one after the other. Here the delete goes into the write's statement instead (one statement is
// one transaction: the old id stops working when the new one starts). patches.ts wraps Session.save with
// replacingRow; sql-adapter.ts defers the destroy() and adds the delete to the upsert.
import { AsyncLocalStorage } from 'node:async_hooks';
import { placeholders } from './id-params.ts';

type Replacing = { model: string; id: string; rowIds?: string[] };
const replacing = new AsyncLocalStorage<Replacing>();

/**
 * Runs `save` (one model save: destroy(id), then upsert) with the destroy of `id` carried by the upsert. If no
 * upsert took it (the save failed before writing), `destroy` deletes the old row on its own, as before.
 */
export async function replacingRow<T>(model: string, id: string, save: () => Promise<T>, destroy: () => Promise<void>): Promise<T> {
  const store: Replacing = { model, id };
  try {
    return await replacing.run(store, save);
  } finally {
    if (store.rowIds) await destroy();
  }
}

/** In destroy(): whether this deletion waits for the upsert that follows (nothing is sent now). */
export function deferDelete(model: string, id: string, rowIds: string[]): boolean {
  const store = replacing.getStore();
  if (!store || store.model !== model || store.id !== id) return false;
  store.rowIds = rowIds;
  return true;
}

/** A CTE deleting the replaced row, with its parameters (the model, then the candidate ids) from $first on. */
export type ReplacedRow = { cte: string; params: string[] };

/** In upsert(): the CTE deleting the row this write replaces, taken once; undefined when there is none. */
export function replacedRowCte(model: string, first: number): ReplacedRow | undefined {
  const store = replacing.getStore();
  const rowIds = store?.model === model ? store.rowIds : undefined;
  if (!store || !rowIds) return undefined;
  store.rowIds = undefined;
  return { cte: `replaced AS (DELETE FROM oidc_payloads WHERE model = $${first} AND id IN (${placeholders(first + 1, rowIds.length)}))`, params: [model, ...rowIds] };
}
