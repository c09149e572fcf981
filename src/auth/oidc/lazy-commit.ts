// Issue 18: the writes of a sign-in that only move a pending flow forward commit without waiting for their WAL
// flush (synchronous_commit off for that one transaction, set_config's is_local): the authorization request's new
// interaction (the adapter's upsert, commitsLazily) and the one-statement accepts of login and consent (the handled
// mark and the verifier, challenge-rows.ts), the steps where Hydra writes nothing. Visible at once. Durable with the
// next synchronous commit, WAL being written in order: the verifier leg that uses an accept commits synchronously
// (it takes the verifier, writes the session, the Grant, the code), so nothing an accept made possible is durable
// without it. A crash of PostgreSQL itself in between loses the flow's last step whole (a challenge unknown, or
// pending again with its verifier gone): never a mark without its verifier, nothing usable twice; the user starts
// again. Everything else commits as the database is configured. An engine that refuses the setting gets the plain
// statement from then on (sendLazily).
import { AsyncLocalStorage } from 'node:async_hooks';

const authorizing = new AsyncLocalStorage<true>();
const refusing = new WeakSet<object>();

/** Runs the rest of GET /oauth2/auth with its interaction's write committed lazily (middleware.ts). */
export function withLazyInteractionCommit<T>(next: () => T): T {
  return authorizing.run(true, next);
}

/** Whether this adapter write of `model` commits lazily: an Interaction in an authorization request. */
export function commitsLazily(model: string): boolean {
  return model === 'Interaction' && authorizing.getStore() === true;
}

/** Referenced by the statement's SELECT (`FROM lazy`): a CTE that nothing reads is never run. */
export const LAZY_COMMIT_CTE = `lazy AS (SELECT set_config('synchronous_commit', 'off', true))`;

// An unknown setting (42704), an unknown function (42883), a refused value (22023) or an unsupported feature (0A000).
const REFUSALS = new Set(['42704', '42883', '22023', '0A000']);

/** The lazy statement failed because the engine refuses the setting: this database writes plainly from now on. */
function refusedSetting(db: object, error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !REFUSALS.has(code)) return false;
  refusing.add(db);
  return true;
}

/** `send(true)`: the statement with LAZY_COMMIT_CTE; on an engine that refuses it, `send(false)`, now and from then on. */
export function sendLazily<T>(db: object, lazy: boolean, send: (lazy: boolean) => Promise<T>): Promise<T> {
  if (!lazy || refusing.has(db)) return send(false);
  return send(true).catch((error: unknown) => (refusedSetting(db, error) ? send(false) : Promise.reject(error)));
}
