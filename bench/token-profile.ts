// Where the token endpoint's main-thread CPU goes (issue 18): one tree's `lightgate start` (auth only) under
// --cpu-prof, sequential code exchanges and refreshes, and a windows file of when each ran, for
// bench/cpuprofile-summary.ts --windows <dir>/windows.json --phase exchange|refresh. Codes are made by
// browserless flows before each batch, outside the windows. Also prints the main thread's CPU per request.
// epoch-windows.json: the same windows in epoch µs (strace -ttt).
//   npx node bench/token-profile.ts [--batches=6] [--ops=40] [--pglite] [--no-profile] --out=<dir> <tree>
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { codeFlow, createClient, exchange, token } from './hydra-flow.ts';
import { mainThreadNs, median, startTreeServers } from './tree-servers.ts';

const { values, positionals: [tree] } = parseArgs({ allowPositionals: true, options: { batches: { type: 'string', default: '6' }, ops: { type: 'string', default: '40' }, pglite: { type: 'boolean', default: false }, out: { type: 'string' }, 'no-profile': { type: 'boolean', default: false } } });
if (!tree || !values.out) throw new Error('usage: token-profile.ts [--batches=6] [--ops=40] [--pglite] --out=<dir> <tree>');
const BATCHES = Number(values.batches), OPS = Number(values.ops), out = values.out;
mkdirSync(out, { recursive: true });
if (!values['no-profile']) process.env.AB_PROF = out;

const now = () => Number(process.hrtime.bigint() / 1000n);
/** Epoch µs, for tools that stamp by the wall clock (strace -ttt). */
const epoch = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
const windows: Record<'exchange' | 'refresh', [number, number][]> = { exchange: [], refresh: [] };
const epochs: Record<'exchange' | 'refresh', [number, number][]> = { exchange: [], refresh: [] };
const cpu: Record<'exchange' | 'refresh', number[]> = { exchange: [], refresh: [] };
const { servers, close } = await startTreeServers([tree], values.pglite);
const t = servers[0]!;
try {
  console.log(`server pid ${t.pid}`);
  const client = await createClient(t);
  for (let i = 0; i < 30; i++) await token(t, client, { grant_type: 'refresh_token', refresh_token: (await exchange(t, client, await codeFlow(t, client, i))).refresh_token! });
  for (let b = 0; b < BATCHES; b++) {
    const codes = await Promise.all(Array.from({ length: OPS }, (_, n) => codeFlow(t, client, n)));
    const refreshTokens: string[] = [];
    for (const code of codes) {
      const m0 = mainThreadNs(t.pid), w0 = now(), e0 = epoch();
      refreshTokens.push((await exchange(t, client, code)).refresh_token!);
      windows.exchange.push([w0, now()]);
      epochs.exchange.push([e0, epoch()]);
      cpu.exchange.push((mainThreadNs(t.pid) - m0) / 1000);
    }
    for (const refresh_token of refreshTokens) {
      const m0 = mainThreadNs(t.pid), w0 = now(), e0 = epoch();
      await token(t, client, { grant_type: 'refresh_token', refresh_token });
      windows.refresh.push([w0, now()]);
      epochs.refresh.push([e0, epoch()]);
      cpu.refresh.push((mainThreadNs(t.pid) - m0) / 1000);
    }
  }
  const perBatch = (k: 'exchange' | 'refresh') => Array.from({ length: BATCHES }, (_, b) => median(cpu[k].slice(b * OPS, (b + 1) * OPS)).toFixed(0)).join(' ');
  console.log(`per batch: exchange ${perBatch('exchange')}; refresh ${perBatch('refresh')}`);
  console.log(`main thread µs per request (median): exchange ${median(cpu.exchange).toFixed(0)}, refresh ${median(cpu.refresh).toFixed(0)}; ${cpu.exchange.length} each`);
} finally {
  await close();
}
writeFileSync(`${out}/windows.json`, JSON.stringify(windows));
writeFileSync(`${out}/epoch-windows.json`, JSON.stringify(epochs));
console.log(values['no-profile'] ? `windows: ${out}/windows.json` : `profile: ${out}/0/${readdirSync(`${out}/0`)[0]}; windows: ${out}/windows.json`);
