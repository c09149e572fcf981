// The short fuzz pass of `npm test`: every property a few hundred times (npm run fuzz runs 100,000+).
import { after, before, test } from 'node:test';
import { startFuzzTarget, type FuzzTarget } from './harness.ts';
import { FUZZERS, fuzzAll } from './properties.ts';

const RUNS = 500;
let target: FuzzTarget;
before(async () => {
  target = await startFuzzTarget();
});
after(() => target?.close());

test(`${FUZZERS.length} endpoints x ${RUNS} generated requests: never a 5xx, never a hang, always a well-formed answer`, { timeout: 120_000 }, async (t) => {
  const total = await fuzzAll(target, RUNS, { log: (line) => t.diagnostic(line) });
  t.diagnostic(`${total} cases`);
});
