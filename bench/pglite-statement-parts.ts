// Where a token request's statements spend their main-thread time on PGlite (issue 18): an in-process auth stack
// on a PGlite test database, sequential code exchanges and refreshes, and per statement (by its first words) the
// time of the whole db.query, of PGlite's execProtocolRawSync (the engine, and the callbacks it makes with its
// output) split by protocol message (bind, execute, sync with the commit), and of its file-system sync; then how
// often each prepared statement was planned (generic / custom). --explain: EXPLAIN (ANALYZE, BUFFERS) of each
// statement's text with its last parameters (a custom plan, not the kept generic one), in a transaction rolled back.
//   npx node bench/pglite-statement-parts.ts [--ops=200] [--explain]
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '../src/db/database.ts';
import { startWrappedAuthStack } from '../test/support/wrapped-auth-stack.ts';
import { codeFlow, createClient, exchange, token } from './hydra-flow.ts';
import { median } from './tree-servers.ts';

const { values } = parseArgs({ options: { ops: { type: 'string', default: '200' }, explain: { type: 'boolean', default: false } } });
const OPS = Number(values.ops);
// Wall µs: the parts timed run on the main thread without waiting (PGlite runs its engine synchronously), so
// their medians are their CPU; getrusage counts a thread's CPU in ticks and its own schedstat lags while it runs.
const cpu = () => performance.now() * 1000;

type Part = 'query' | 'engine' | 'sync' | 'bind' | 'execute' | 'commit';
let phase: string | undefined;
const parts = new Map<string, Record<Part, number[]>>();
const last = new Map<string, readonly unknown[]>();
let engine = 0, sync = 0;
const proto = PGlite.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
const rawSync = proto.execProtocolRawSync!, toFs = proto.syncToFs!;
// Each PostgresMainLoopOnce call reads one protocol message: bind, execute, sync (the commit) of an execution.
let steps: number[] = [];
proto.execProtocolRawSync = function (this: { mod: Record<string, () => unknown> & { timed?: boolean } }, ...a: unknown[]) {
  const mod = this.mod;
  if (!mod.timed) {
    const once = mod._PostgresMainLoopOnce!;
    mod._PostgresMainLoopOnce = () => {
      const s0 = cpu();
      try {
        return once();
      } finally {
        steps.push(cpu() - s0);
      }
    };
    mod.timed = true;
  }
  steps = [];
  const c0 = cpu();
  try {
    return rawSync.apply(this, a);
  } finally {
    engine += cpu() - c0;
  }
};
proto.syncToFs = async function (this: unknown, ...a: unknown[]) {
  const c0 = cpu();
  try {
    return await toFs.apply(this, a);
  } finally {
    sync += cpu() - c0;
  }
};
const label = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 60);
const wrap = (db: Database): Database =>
  Object.assign(Object.create(db) as Database, {
    query: async (sql: string, params?: readonly unknown[], options?: { name?: string }) => {
      if (!phase) return db.query(sql, params, options as never);
      const key = `${phase}: ${label(sql)}`;
      last.set(sql, params ?? []);
      engine = 0;
      sync = 0;
      const c0 = cpu();
      const rows = await db.query(sql, params, options as never);
      const got = parts.get(key) ?? { query: [], engine: [], sync: [], bind: [], execute: [], commit: [] };
      parts.set(key, got);
      got.query.push(cpu() - c0);
      got.engine.push(engine);
      got.sync.push(sync);
      if (steps.length === 3) (['bind', 'execute', 'commit'] as const).forEach((k, i) => got[k].push(steps[i]!));
      return rows;
    },
  });

const running = await startWrappedAuthStack('pglite', wrap);
const t = running.target;
try {
  const client = await createClient(t);
  for (let i = 0; i < 30; i++) await token(t, client, { grant_type: 'refresh_token', refresh_token: (await exchange(t, client, await codeFlow(t, client, i))).refresh_token! });
  for (let done = 0; done < OPS; done += 40) {
    const codes = await Promise.all(Array.from({ length: 40 }, (_, n) => codeFlow(t, client, n)));
    const refreshTokens: string[] = [];
    phase = 'exchange';
    for (const code of codes) refreshTokens.push((await exchange(t, client, code)).refresh_token!);
    phase = 'refresh';
    for (const refresh_token of refreshTokens) await token(t, client, { grant_type: 'refresh_token', refresh_token });
    phase = undefined;
  }
  console.log('µs of main-thread time per statement, medians: db.query / execProtocolRawSync (bind, execute, sync+commit) / syncToFs (count)');
  const m = (a: number[]) => median(a).toFixed(0).padStart(5);
  for (const [key, p] of parts) console.log(`${m(p.query)} ${m(p.engine)} (${m(p.bind)} ${m(p.execute)} ${m(p.commit)}) ${m(p.sync)}  (${p.query.length}) ${key}`);
  const db = running.database.db;
  // Plans made per statement: a statement planned on every execution pays PostgreSQL's planner each time.
  const plans = await db.query<{ generic_plans: number; custom_plans: number; statement: string }>('SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements ORDER BY custom_plans DESC');
  console.log('\ngeneric / custom plans of the prepared statements');
  for (const p of plans.slice(0, 12)) console.log(`${String(p.generic_plans).padStart(6)} ${String(p.custom_plans).padStart(6)}  ${label(p.statement)}`);
  if (values.explain) {
    for (const [sql, params] of last) {
      await db
        .transaction(async (tx) => {
          const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
          console.log(`\n${label(sql)}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
          throw new Error('rollback');
        })
        .catch((e: Error) => e.message === 'rollback' || console.log(`${label(sql)}: ${e.message}`));
    }
  }
} finally {
  await running.close();
}
