import pg from 'pg';
import { DatabaseUnavailableError, isConnectionError, type Database, type Queryable, type QueryOptions } from './database.ts';
import { safeParams } from './text-params.ts';

// int8 and numeric come back as numbers: money is integer sats/cents, far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

function wrap(error: unknown): unknown {
  return isConnectionError(error) ? new DatabaseUnavailableError(error) : error;
}

export async function openPostgres(connectionString: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 2000, types, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  const query = async <Row,>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]> => {
    try {
      const values = safeParams(params);
      const result = options?.name ? await pool.query({ name: options.name, text: sql, ...(values ? { values } : {}) }) : await pool.query(sql, values);
      return result.rows as Row[];
    } catch (error) {
      throw wrap(error);
    }
  };
  let listener: pg.Client | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const ensureListener = async (): Promise<pg.Client> => {
    if (listener) return listener;
    const client = new pg.Client({ connectionString, types });
    client.on('notification', (msg) => handlers.get(msg.channel)?.forEach((h) => h(msg.payload ?? '')));
    client.on('error', () => {
      // Reconnect lazily; caches fall back to their TTL meanwhile.
      if (listener === client) listener = undefined;
      setTimeout(() => void reListen(), 1000).unref();
    });
    await client.connect();
    listener = client;
    return client;
  };
  const reListen = async () => {
    try {
      const client = await ensureListener();
      for (const channel of handlers.keys()) await client.query(`LISTEN "${channel}"`);
    } catch {
      setTimeout(() => void reListen(), 1000).unref();
    }
  };
  return {
    kind: 'postgres',
    query,
    async exec(sql) {
      await query(sql);
    },
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw wrap(error);
      }
      const tx: Queryable = {
        async query<Row,>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
          try {
            const values = safeParams(params);
            // Named: prepared once per connection, as the pool's query above (issue 18: the payment's statements).
            return (options?.name ? await client.query({ name: options.name, text: sql, ...(values ? { values } : {}) }) : await client.query(sql, values)).rows as Row[];
          } catch (error) {
            throw wrap(error);
          }
        },
        async exec(sql: string) {
          await tx.query(sql);
        },
      };
      let broken = false;
      // A checked-out client has no pool listener: a connection lost between two statements (the server
      // stopping) would be an unhandled 'error' event and end the process. The next statement fails instead.
      const onLost = () => {
        broken = true;
      };
      client.on('error', onLost);
      try {
        await tx.query('BEGIN');
        const result = await fn(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw wrap(error);
      } finally {
        client.off('error', onLost);
        client.release(broken);
      }
    },
    async listen(channel, onMessage) {
      if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        try {
          await (await ensureListener()).query(`LISTEN "${channel}"`);
        } catch {
          setTimeout(() => void reListen(), 1000).unref();
        }
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
      };
    },
    async notify(channel, payload) {
      await query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async ping() {
      await query('SELECT 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      const l = listener;
      listener = undefined;
      handlers.clear();
      await l?.end().catch(() => {});
      await pool.end();
    },
  };
}
