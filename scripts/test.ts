// `npm test`: typecheck, lint, then every test file under test/ with node's test runner.
// Starts what the tests need: PostgreSQL must answer at 127.0.0.1:5432 (.ci/run starts it).
import { spawnSync } from 'node:child_process';

const steps: [string, string[]][] = [
  ['typecheck', ['npx', 'tsc', '--noEmit', '-p', '.']],
  ['lint', ['npx', 'eslint', '.']],
  ['tests', [process.execPath, '--test', '--test-concurrency=2', '--test-timeout=180000', ...(process.argv.slice(2).length ? process.argv.slice(2) : ['test/**/*.test.ts'])]],
];
for (const [name, [cmd, ...args]] of steps) {
  if (process.env.SKIP_CHECKS && name !== 'tests') continue;
  console.log(`\n== ${name}`);
  const r = spawnSync(cmd!, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed`);
    process.exit(r.status ?? 1);
  }
}
