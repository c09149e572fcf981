// PGlite's CPU per statement, source tree against source tree (issue 18): each tree's openPglite on its own data
// directory, in one process, the trees taking turns round by round (order alternating); per statement kind the
// median of its executions' time on the main thread (PGlite runs synchronously on it, nothing else runs here).
//   npx node bench/pglite-statements-ab.ts [--rounds=6] [--n=1500] <tree> <tree> …
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from '../src/db/database.ts';
import { median } from './tree-servers.ts';

const { values, positionals: trees } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '6' }, n: { type: 'string', default: '1500' } } });
const ROUNDS = Number(values.rounds), N = Number(values.n);
const SCHEMA = `CREATE TABLE t (id int PRIMARY KEY, n int, label text);
  INSERT INTO t SELECT g, 0, 'row ' || g FROM generate_series(1, 1000) g;
  CREATE TABLE p (model text, id text, payload jsonb, grant_id text, expires_at timestamptz, PRIMARY KEY (model, id));
  CREATE INDEX ON p (grant_id);`;
const PAYLOAD = JSON.stringify({ accountId: 'user-123456', jti: 'x'.repeat(43), scope: 'openid offline_access read', extra: 'y'.repeat(200) });
const key = () => 1 + Math.floor(Math.random() * 1000);
let serial = 0;
const CASES: [string, string, () => unknown[]][] = [
  ['SELECT 1', 'SELECT 1 AS one', () => []],
  ['a row by key', 'SELECT * FROM t WHERE id = $1', () => [key()]],
  ['20 rows', 'SELECT * FROM t WHERE id BETWEEN $1 AND $1 + 19', () => [key()]],
  ['update', 'UPDATE t SET n = n + 1 WHERE id = $1', () => [key()]],
  ['insert jsonb, returning', 'INSERT INTO p VALUES ($1, $2, $3, $4, $5) RETURNING model, id, payload, expires_at', () => ['AccessToken', `id-${serial++}`, PAYLOAD, `g${key()}`, new Date()]],
];

const dbs: { tree: string; db: Database; dir: string }[] = [];
for (const tree of trees) {
  const { openPglite } = (await import(join(tree, 'src/db/pglite.ts'))) as typeof import('../src/db/pglite.ts');
  const dir = mkdtempSync(join(tmpdir(), 'lg-pglite-ab-'));
  const db = await openPglite(dir, { sharedBuffers: '16MB', templateRoot: false });
  await db.exec(SCHEMA);
  dbs.push({ tree, db, dir });
}
const times = dbs.map(() => CASES.map(() => [] as number[]));
try {
  for (let round = -1; round < ROUNDS; round++) {
    const order = round % 2 ? [...dbs.keys()] : [...dbs.keys()].reverse();
    for (const i of order) {
      for (const [c, [, sql, params]] of CASES.entries()) {
        for (let k = 0; k < N; k++) {
          const p = params();
          const t0 = performance.now();
          await dbs[i]!.db.query(sql, p);
          // Round -1 warms up (prepares, tiers the engine up).
          if (round >= 0) times[i]![c]!.push((performance.now() - t0) * 1000);
        }
      }
    }
    if (round >= 0) process.stderr.write(`round ${round + 1}/${ROUNDS}, load ${loadavg()[0]!.toFixed(1)}\n`);
  }
  console.log(`µs per statement, median of ${ROUNDS} × ${N}; load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  for (const [c, [name]] of CASES.entries()) {
    const base = median(times[0]![c]!);
    console.log(`${name.padEnd(26)} ${dbs.map((_, i) => `${median(times[i]![c]!).toFixed(0).padStart(5)}${i ? ` (×${(median(times[i]![c]!) / base).toFixed(2)})` : ''}`).join('  ')}`);
  }
} finally {
  for (const { db, dir } of dbs) {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
