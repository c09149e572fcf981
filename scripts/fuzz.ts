// `npm run fuzz`: every fuzz property of test/fuzz against the in-process servers, at least 100,000
// generated requests in all (FUZZ_CASES to change; FUZZ_SEED to replay). Prints the count per endpoint.
import { startFuzzTarget } from '../test/fuzz/harness.ts';
import { FUZZERS, fuzzAll } from '../test/fuzz/properties.ts';

const env = process.env; // the script's own knobs (scripts are not application code)
const total = Math.max(1, Number(env.FUZZ_CASES ?? 100_000));
const seed = env.FUZZ_SEED === undefined ? undefined : Number(env.FUZZ_SEED);
const each = Math.ceil(total / FUZZERS.length);

const target = await startFuzzTarget();
const started = Date.now();
try {
  const ran = await fuzzAll(target, each, { ...(seed !== undefined ? { seed } : {}), log: (line) => console.log(line) });
  console.log(`\n${ran} cases, no 5xx, no hang, every answer well formed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
} catch (error) {
  console.error(String((error as Error).message));
  process.exitCode = 1;
} finally {
  await target.close();
}
