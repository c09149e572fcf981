// Rows a request already holds (issue 18): the verifier step takes its verifier with the flow's interaction
// (deleting it), its client and the browser's session, which oidc-provider's resume reads next; the admin API
// reads the interaction with its handled mark in one statement; the token endpoint reads a token's Grant and
// consent claims with the token.
// Within one request scope, those rows as this request read, wrote or deleted them are answered from here
// instead of a second SELECT. Nothing outlives the request (AsyncLocalStorage), and the single-use rows
// (verifier, handled challenge, codes, refresh tokens) are never kept: their defences stay in the database.
import { AsyncLocalStorage } from 'node:async_hooks';

type Row = Record<string, unknown>;
/**
 * The interaction (its row is this flow's own, and its single use is the verifier's, flow-verifiers.ts), its
 * client and the browser's session, and at the token endpoint the grant and consent claims read with the
 * token (grant-prefetch.ts).
 */
const KEPT = new Set(['Interaction', 'Session', 'Grant', 'IdTokenClaims', 'StoredClient']);
/** The oauth2_clients row (as JSON) that the verifier leg reads with its interaction (stored-clients.ts). */
export const STORED_CLIENT = 'StoredClient';
const scope = new AsyncLocalStorage<Map<string, Row | null>>();
/** Rows this request deleted in a statement of its own (challenge-rows.ts), until it writes them again. */
const gone = new WeakMap<Map<string, Row | null>, Set<string>>();
const key = (model: string, id: string) => `${model}\u0000${id}`;

/** Runs `work` with a fresh set of known rows (nested scopes start empty too). */
export function withKnownRows<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), work);
}

/** The row as this request last saw it (a copy, as from the database); null: deleted; undefined: not known. */
export function knownRow(model: string, id: string): Row | null | undefined {
  const row = scope.getStore()?.get(key(model, id));
  return row ? structuredClone(row) : row;
}

const unwritten = new AsyncLocalStorage<Set<string>>();
/**
 * Runs `save` (one adapter upsert of the row) without writing it: the row is only remembered for this request.
 * For a row this request deletes again (verifier-step.ts); any later save of it is written as usual.
 */
export function saveInRequestOnly(model: string, id: string, save: () => Promise<unknown>): Promise<unknown> {
  return unwritten.run(new Set([key(model, id)]), save);
}

/** Whether the adapter's upsert of this row is to be remembered only (inside saveInRequestOnly). */
export function writeSkipped(model: string, id: string): boolean {
  return scope.getStore() !== undefined && KEPT.has(model) && (unwritten.getStore()?.has(key(model, id)) ?? false);
}

/**
 * Records what this request read or wrote (the stored JSON text), or null when it deleted the row. `fresh`: a row
 * just parsed from the database that nothing else holds, kept as it is (no copy).
 */
export function rememberRow(model: string, id: string, stored: string | Row | null, fresh = false): void {
  const rows = scope.getStore();
  if (!rows || !KEPT.has(model)) return;
  rows.set(key(model, id), typeof stored === 'string' ? (JSON.parse(stored) as Row) : stored && (fresh ? stored : structuredClone(stored)));
}

/** Marks a row this request's own statement deleted: the adapter's destroy() of it sends nothing (see alreadyDeleted). */
export function deletedInDatabase(model: string, id: string): void {
  const rows = scope.getStore();
  if (!rows || !KEPT.has(model)) return;
  let set = gone.get(rows);
  if (!set) gone.set(rows, (set = new Set()));
  set.add(key(model, id));
}

/** Whether the row is already deleted in the database by this request and not written since (writtenInDatabase). */
export function alreadyDeleted(model: string, id: string): boolean {
  const rows = scope.getStore();
  return !!rows && (gone.get(rows)?.has(key(model, id)) ?? false);
}

/** The adapter wrote the row (again): a later destroy() of it deletes it. */
export function writtenInDatabase(model: string, id: string): void {
  const rows = scope.getStore();
  if (rows) gone.get(rows)?.delete(key(model, id));
}
