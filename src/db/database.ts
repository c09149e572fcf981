// The storage port: one SQL dialect (PostgreSQL), two engines (PGlite embedded, PostgreSQL server).
export interface QueryOptions {
  /** A named (prepared) statement on PostgreSQL: parsed and planned once per connection, for hot statements
   *  (one name per SQL text). PGlite prepares every statement (pglite-statements.ts). */
  name?: string;
}

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel (cross-process cache invalidation); resolves to an unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  /** Pool use, for metrics: total and idle connections, waiting clients. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

/** Thrown (wrapped) when the database cannot be reached; transports map it to 503. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  constructor(cause: unknown) {
    super('database unavailable', { cause });
  }
}

// Network errors, server shutdown (57P0x), connection exceptions (08xxx), a database refusing connections
// (55000 "not currently accepting connections", 3D000 gone) or credentials (28xxx): the database is unusable.
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '55000', '3D000', '28000', '28P01']);

export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const e = error as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code && CONNECTION_ERROR_CODES.has(e.code)) return true;
  // 'timeout exceeded when trying to connect': pg's pool found no free connection in time (a burst), a 503 too.
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/i.test(e.message ?? '');
}
