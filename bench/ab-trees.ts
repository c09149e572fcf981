// Payments per second over HTTP, commit against commit, in one run (issue 12; a lever check for issue 18):
//   npx node bench/ab-trees.ts --rounds 12 [--tx] <rev> <rev> [<rev>…]
// Each revision is exported (git archive) beside the others with this checkout's node_modules, gets
// bench/ab-setup.ts (a PostgreSQL database, 200 funded accounts with API keys, one `lightgate start` with
// LIGHTGATE_SERVICES=api) and then the trees take 2-second turns of 48 concurrent `intraLedgerPaymentSend`
// (fresh Idempotency-Key each), ABC then CBA, so that the machine's load hits all alike. Printed: the median
// payments/s of each tree and its ratio to the first, per-round ratios, and the API process's CPU time per
// payment (from /proc, less sensitive to load than throughput). AB_PROF=<dir> writes a --cpu-prof per tree.
import { execSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
const cpuTicks = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
const { values, positionals: revs } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '12' }, tx: { type: 'boolean', default: false } } });
const rounds = Number(values.rounds);
const repo = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'lightgate-ab-'));
const trees = revs.map((rev, i) => {
  const dir = join(work, `${i}-${rev.replace(/[^\w.-]/g, '_')}`);
  mkdirSync(dir);
  execSync(`git -C ${repo} archive ${rev} | tar -x -C ${dir}`);
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  copyFileSync(join(import.meta.dirname, 'ab-setup.ts'), join(dir, 'bench', 'ab-setup.ts'));
  return dir;
});
const SEL = values.tx ? 'status errors { code } transaction { id createdAt settlementAmount }' : 'status errors { code }';
const PAY = `mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 1 }) { ${SEL} } }`;
type Setup = { api: string; pid: number; accounts: { btc: string; apiKey: string }[] };
const children = trees.map((t) => spawn(process.execPath, [`${t}/bench/ab-setup.ts`], { cwd: t, stdio: ['pipe', 'pipe', 'inherit'] }));
const setups: Setup[] = await Promise.all(children.map((c) => new Promise<Setup>((res) => createInterface({ input: c.stdout! }).on('line', (l) => { if (l.startsWith('{')) res(JSON.parse(l)); }))));
const cpu = new Map<Setup, number[]>(setups.map((s) => [s, []]));
const agent = new Agent({ keepAlive: true, maxSockets: 48 });
function pay(s: Setup) {
  const a = Math.floor(Math.random() * s.accounts.length); let b = Math.floor(Math.random() * (s.accounts.length - 1)); if (b >= a) b++;
  const from = s.accounts[a]!, to = s.accounts[b]!;
  return new Promise<boolean>((resolve) => {
    const body = JSON.stringify({ query: PAY, variables: { w: from.btc, r: to.btc } });
    const req = request(`${s.api}/graphql`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': from.apiKey, 'idempotency-key': randomUUID() } }, (res) => {
      let text = ''; res.setEncoding('utf8'); res.on('data', (c: string) => (text += c)); res.on('end', () => resolve(res.statusCode === 200 && text.includes('"SUCCESS"')));
    });
    req.on('error', () => resolve(false)); req.end(body);
  });
}
async function slice(s: Setup, ms: number) {
  let ok = 0; const t0 = performance.now(); const end = t0 + ms; const c0 = cpuTicks(s.pid);
  await Promise.all(Array.from({ length: 48 }, async () => { while (performance.now() < end) if (await pay(s)) ok++; }));
  cpu.get(s)!.push(((cpuTicks(s.pid) - c0) * 10_000) / ok);
  return ok / ((performance.now() - t0) / 1000);
}
for (const s of setups) await slice(s, 1500); // warm-up
const rates: number[][] = trees.map(() => []);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...trees.keys()].reverse() : [...trees.keys()];
  for (const i of order) rates[i]!.push(await slice(setups[i]!, 2000));
  process.stderr.write(`round ${r}: ${order.map((i) => rates[i]!.at(-1)!.toFixed(0)).join(' ')} load ${loadavg()[0]!.toFixed(1)}\n`);
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const m = rates.map(med);
trees.forEach((t, i) => console.log(`${t}: median ${m[i]!.toFixed(0)}/s  ratio to first ${(m[i]! / m[0]!).toFixed(3)}  per-round ratios ${rates[i]!.map((x, k) => (x / rates[0]![k]!).toFixed(2)).join(' ')}`));
trees.forEach((t, i) => { const c = cpu.get(setups[i]!)!.slice(1); console.log(`${t}: API process CPU per payment, median ${med(c).toFixed(0)} µs, ratio to first ${(med(c) / med(cpu.get(setups[0]!)!.slice(1))).toFixed(3)}`); });
console.log(`load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const c of children) c.stdin!.end();
setTimeout(() => {
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}, 3000);
