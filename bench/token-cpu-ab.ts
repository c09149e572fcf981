// The token endpoint's CPU per request, source tree against source tree (issue 18): `lightgate start` (auth only)
// of each tree, sequential code exchanges and refreshes, the trees taking turns request by request in a shuffled
// order (a tree that always came first or last in a turn read a few % apart from an identical tree). Per request:
// the server's main thread (/proc/<pid>/task/<pid>/schedstat) and, on PostgreSQL, the backends serving its
// database (/proc/<pid>/schedstat), in ns. Codes are made by browserless flows before each round, outside the
// measurement. Pass one tree twice to see what two processes of the same code differ by (a few % here).
//   npx node bench/token-cpu-ab.ts [--rounds=8] [--ops=40] [--pglite] <tree> <tree> …
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { postgresAdminUrl } from '../test/support/databases.ts';
import { codeFlow, createClient, exchange, token, type Client } from './hydra-flow.ts';
import { mainThreadNs, median, startTreeServers, type TreeServer, seededShuffle } from './tree-servers.ts';

const { values, positionals: trees } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '8' }, ops: { type: 'string', default: '40' }, pglite: { type: 'boolean', default: false } } });
const ROUNDS = Number(values.rounds), OPS = Number(values.ops);
const READINGS = ['exchange main thread', 'refresh main thread', 'exchange PG backends', 'refresh PG backends'] as const;
type Reading = (typeof READINGS)[number];
type T = TreeServer & { client?: Client; backends: number[] };
const readings = () => Object.fromEntries(READINGS.map((k) => [k, [] as number[]])) as Record<Reading, number[]>;

const onCpu = (pid: number) => {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0; // a backend that ended
  }
};
// A fixed seed: the same orders every run.
const shuffled = seededShuffle(18);
const quantile = (a: number[], p: number) => a.toSorted((x, y) => x - y)[Math.floor((a.length - 1) * p)]!;

const { servers, close } = await startTreeServers<T>(trees, values.pglite);
const admin = new pg.Client({ connectionString: await postgresAdminUrl() });
await admin.connect();
const all = servers.map(readings), perRound = servers.map(readings);

/** CPU µs of one request: main thread and PG backends. */
async function measured<R>(t: T, request: () => Promise<R>): Promise<{ main: number; pg: number; result: R }> {
  const backends = () => t.backends.reduce((sum, pid) => sum + onCpu(pid), 0);
  const m0 = mainThreadNs(t.pid), b0 = backends();
  const result = await request();
  return { main: (mainThreadNs(t.pid) - m0) / 1000, pg: (backends() - b0) / 1000, result };
}

try {
  // Warm-up (JIT, prepared statements, pool connections), not counted.
  for (const t of servers) {
    t.client = await createClient(t);
    for (let i = 0; i < 30; i++) await token(t, t.client, { grant_type: 'refresh_token', refresh_token: (await exchange(t, t.client, await codeFlow(t, t.client, i))).refresh_token! });
  }
  for (let r = 0; r < ROUNDS; r++) {
    const codes: string[][] = [];
    for (const t of servers) codes.push(await Promise.all(Array.from({ length: OPS }, (_, n) => codeFlow(t, t.client!, n))));
    for (const t of servers) t.backends = values.pglite ? [] : (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [t.db])).rows.map((row) => row.pid);
    const round = servers.map(readings), refreshTokens = servers.map(() => [] as string[]);
    for (let n = 0; n < OPS; n++) {
      for (const i of shuffled(servers.length)) {
        const t = servers[i]!;
        const m = await measured(t, () => exchange(t, t.client!, codes[i]![n]!));
        refreshTokens[i]!.push(m.result.refresh_token!);
        round[i]!['exchange main thread'].push(m.main);
        round[i]!['exchange PG backends'].push(m.pg);
      }
    }
    for (let n = 0; n < OPS; n++) {
      for (const i of shuffled(servers.length)) {
        const t = servers[i]!;
        const m = await measured(t, () => token(t, t.client!, { grant_type: 'refresh_token', refresh_token: refreshTokens[i]![n]! }));
        round[i]!['refresh main thread'].push(m.main);
        round[i]!['refresh PG backends'].push(m.pg);
      }
    }
    for (const [i, got] of round.entries()) {
      for (const k of READINGS) {
        all[i]![k].push(...got[k]);
        perRound[i]![k].push(median(got[k]));
      }
    }
    process.stderr.write(`round ${r + 1}/${ROUNDS}, load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  console.log(`${values.pglite ? 'PGlite' : 'PostgreSQL'}: ${ROUNDS} rounds × ${OPS} exchanges and ${OPS} refreshes per tree, turns shuffled request by request; load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const k of READINGS) {
    if (values.pglite && k.endsWith('backends')) continue;
    console.log(`\n${k}, µs per request: p25 / p50 of all requests; ratio to T0: of the p50s, and the median of per-round ratios [rounds]`);
    for (const [i, tree] of trees.entries()) {
      const ratios = perRound[i]![k].map((x, r) => x / perRound[0]![k][r]!);
      const vsFirst = i ? `; ×${(quantile(all[i]![k], 0.5) / quantile(all[0]![k], 0.5)).toFixed(3)}, rounds ×${median(ratios).toFixed(3)} [${ratios.map((x) => x.toFixed(2)).join(' ')}]` : '';
      console.log(`T${i} ${tree}: ${quantile(all[i]![k], 0.25).toFixed(0)} / ${quantile(all[i]![k], 0.5).toFixed(0)}${vsFirst}`);
    }
  }
} finally {
  await admin.end();
  await close();
}
