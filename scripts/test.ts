// `npm test`: typecheck, lint, then every test file under test/ with node's test runner.
// PostgreSQL: the one at TEST_POSTGRES_URL (default 127.0.0.1:5432, which .ci/run starts); where none answers,
// the tests start an embedded one (test/support/embedded-postgres.ts), stopped here if this run started it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stopEmbeddedPostgres } from '../test/support/embedded-postgres.ts';

const steps: [string, string[]][] = [
  ['typecheck', ['npx', 'tsc', '--noEmit', '-p', '.']],
  ['lint', ['npx', 'eslint', '.']],
  ['tests', [process.execPath, '--test', '--test-concurrency=2', '--test-timeout=180000', ...(process.argv.slice(2).length ? process.argv.slice(2) : ['test/**/*.test.ts'])]],
];
const COMPILE_CACHE = join(import.meta.dirname, '..', 'node_modules', '.cache', 'lightgate', 'compile');
const runStart = Date.now();
for (const [name, [cmd, ...args]] of steps) {
  if (process.env.SKIP_CHECKS && name !== 'tests') continue;
  console.log(`\n== ${name}`);
  // The tests' PostgreSQL databases commit without waiting for WAL flushes (test/support/databases.ts). Each test
  // file is a process that loads most of src/: V8's compile cache (the one `npm start` keeps) spares every file
  // after the first the type stripping and parsing (~0.2 s each; ~8 % of a run of short files).
  const env = { ...process.env, LIGHTGATE_TEST_ASYNC_COMMIT: '1', NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE };
  const r = spawnSync(cmd!, args, { stdio: 'inherit', env });
  if (name === 'tests') await stopEmbeddedPostgres(runStart);
  if (r.status !== 0) {
    console.error(`\n${name} failed`);
    process.exit(r.status ?? 1);
  }
}
