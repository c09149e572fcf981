// The cost of DPoP at the wallet API (issue 16): `me { id }` with a DPoP-bound token and a fresh proof per
// request (signature check, htm/htu/iat/ath/jkt, one unique insert of the jti) against the same call with a
// Bearer token (Oauth2-Token), in one run on PostgreSQL, interleaved round by round. Goal: at most 20 % fewer
// requests per second.
//   npx node bench/dpop.ts [--duration 3] [--connections 16] [--rounds 5] [--light | --write [--payers 8]] [--alg ES256|PS256|EdDSA] [--profile <dir>]
// The call is api-me.ts's `me { defaultAccount { wallets { balance } } }` (two indexed queries); --light
// measures `me { id }` instead (no query at all: the proof check is then most of the work); --write a payment
// (intraLedgerPaymentSend of 1 sat, `write` scope) from each of --payers users to the next, round robin.
// Proofs are signed before each run (outside the measurement) and handed out one per request. The load
// generator runs in this process: both runs build every request the same way (autocannon's setupRequest),
// the Bearer run with an ignored header of the proof's size, so the difference is the server's proof check.
// Each run also reports its CPU time per request, of this process (server and load generator) and of the
// PostgreSQL backends serving its database (read from /proc: the server is local): on a machine shared with
// other work the rates swing with the load, the CPU a request costs much less. Their ratio is the rate ratio
// this machine would show with its cores to itself.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as oidc from 'openid-client';
import { UNREACHABLE_UI, type AuthTarget } from '../test/support/auth-target.ts';
import { adminApi, createClient, relyingParty } from '../test/support/clients.ts';
import { dpopKey, dpopProof } from '../test/support/dpop.ts';
import { createBrowser, runFlow } from '../test/support/tokens.ts';
import { startHarness } from '../test/api/harness.ts';
import { createCredentialChecker } from '../src/api/credentials.ts';
import { apiDpop } from '../src/api/dpop.ts';

interface AutocannonResult {
  /** CPU µs per request: this process, and the PostgreSQL backends of the bench's database. */
  cpu: { process: number; postgres: number };
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Request = { headers: Record<string, string>; body?: string };
type AutocannonFn = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => unknown;
const autocannonFn = createRequire(import.meta.url)('autocannon') as AutocannonFn;
const autocannon = (options: Record<string, unknown>) => new Promise<AutocannonResult>((resolve, reject) => autocannonFn(options, (e, r) => (e ? reject(e) : resolve(r))));

const { values } = parseArgs({ options: { duration: { type: 'string', default: '3' }, connections: { type: 'string', default: '16' }, rounds: { type: 'string', default: '5' }, light: { type: 'boolean', default: false }, write: { type: 'boolean', default: false }, payers: { type: 'string', default: '8' }, profile: { type: 'string' }, alg: { type: 'string', default: 'ES256' } } });
const duration = Number(values.duration);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
const loadAtStart = loadavg()[0]!.toFixed(1);
const CALL = values.write ? 'intraLedgerPaymentSend (1 sat)' : values.light ? '`me { id }`' : '`me { defaultAccount { wallets { balance } } }`';
const QUERY = JSON.stringify({ query: values.light ? '{ me { id } }' : '{ me { defaultAccount { wallets { balance } } } }' });
const PAY = 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 1 }) { status errors { code } } }';
const SCOPE = values.write ? 'openid read write' : 'openid read';

// Request-rate limits off: the bench measures the proof check, not the limiter. A Bearer token may hold `write`.
const h = await startHarness({ kind: 'postgres', env: { RATE_LIMIT_IP: '0', RATE_LIMIT_CLIENT: '0', REQUIRE_DPOP_FOR_WRITE: 'false' } });
try {
  const api = new URL(`${h.stack.config.urls.api}/graphql`);
  await h.app.listen({ host: '127.0.0.1', port: Number(api.port) });
  const target: AuthTarget = { kind: 'lightgate', name: 'bench', ...UNREACHABLE_UI, publicUrl: h.stack.urls.issuer, adminUrl: h.stack.stack.listening.admin!, stop: async () => {} };
  const admin = adminApi(target);
  const client = await createClient(admin, { scope: SCOPE });
  const rp = await relyingParty(target, client);
  const tokens = async (userId: string, key?: CryptoKeyPair) => {
    const flow = await runFlow(createBrowser(), target, admin, rp, { subject: userId, scope: SCOPE, grantScope: SCOPE.split(' ') });
    const checks = { pkceCodeVerifier: flow.auth.codeVerifier, expectedState: flow.auth.state, expectedNonce: flow.auth.nonce };
    return oidc.authorizationCodeGrant(rp, flow.callback, checks, undefined, key ? { DPoP: oidc.getDPoPHandle(rp, key) } : undefined);
  };
  /** CPU µs so far of the PostgreSQL backends connected to the bench's database (0 where /proc cannot tell). */
  const postgresCpu = async () => {
    const backends = await h.stack.database.db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
    let ticks = 0;
    for (const { pid } of backends) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (in clock ticks of 10 ms)
      } catch {
        // Gone, or another machine's process.
      }
    }
    return ticks * 10_000;
  };
  const key = await dpopKey(values.alg as 'ES256' | 'PS256' | 'EdDSA');
  // One user for the reads; --payers funded users for the payments (each pays the next).
  const users = await Promise.all(Array.from({ length: values.write ? Number(values.payers) : 1 }, () => h.signUp()));
  for (const u of values.write ? users : []) await h.fund(u.btcWalletId, 100_000_000);
  const payers: { bound: string; bearer: string; body: string }[] = [];
  for (const [i, u] of users.entries()) {
    const bound = await tokens(u.userId, { privateKey: key.privateKey, publicKey: key.publicKey });
    const bearer = await tokens(u.userId);
    if (bound.token_type !== 'dpop' || bearer.token_type !== 'bearer') throw new Error('token types');
    const body = values.write ? JSON.stringify({ query: PAY, variables: { w: u.btcWalletId, r: users[(i + 1) % users.length]!.btcWalletId } }) : QUERY;
    payers.push({ bound: bound.access_token, bearer: bearer.access_token, body });
  }

  let profiled = 0;
  const run = async (kind: 'bearer' | 'dpop') => {
    // Enough fresh proofs for the run at well above the rates seen (iat is checked within 60 s).
    const proofs = await Promise.all(Array.from({ length: 6000 * duration }, (_, i) => dpopProof(key, { htm: 'POST', htu: api.href, accessToken: payers[i % payers.length]!.bound })));
    const header = kind === 'dpop' ? 'dpop' : 'x-bench-padding';
    let next = 0;
    let failed = 0;
    const postgres0 = await postgresCpu();
    const process0 = process.cpuUsage();
    const profiler = values.profile ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const result = await autocannon({
      url: api.href,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: QUERY,
      connections,
      duration,
      requests: [
        {
          setupRequest: (req: Request) => {
            const n = next++;
            const p = payers[n % payers.length]!;
            const credential = kind === 'bearer' ? { 'oauth2-token': p.bearer } : { authorization: `DPoP ${p.bound}` };
            const idempotency = values.write ? { 'idempotency-key': randomUUID() } : {};
            return { ...req, body: p.body, headers: { ...req.headers, ...credential, ...idempotency, [header]: proofs[n % proofs.length]! } };
          },
          onResponse: (_status: number, body: string) => {
            if (values.write && !body.includes('"SUCCESS"')) failed++;
          },
        },
      ],
    });
    const cpu = process.cpuUsage(process0);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      mkdirSync(values.profile!, { recursive: true });
      writeFileSync(`${values.profile}/${kind}-${++profiled}.cpuprofile`, JSON.stringify(profile));
      profiler.disconnect();
    }
    const n = result.requests.total;
    result.cpu = { process: (cpu.user + cpu.system) / n, postgres: ((await postgresCpu()) - postgres0) / n };
    if (result.non2xx || result.errors || failed) throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors, ${failed} payments failed (proofs used ${next} of ${proofs.length})`);
    return result;
  };
  const pairs: { bearer: AutocannonResult; dpop: AutocannonResult }[] = [];
  for (let r = 0; r < rounds; r++) {
    const order: ('bearer' | 'dpop')[] = r % 2 === 0 ? ['bearer', 'dpop'] : ['dpop', 'bearer'];
    const got: Partial<Record<'bearer' | 'dpop', AutocannonResult>> = {};
    for (const kind of order) got[kind] = await run(kind);
    pairs.push(got as { bearer: AutocannonResult; dpop: AutocannonResult });
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
  };
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}; PostgreSQL; ${CALL}; proofs ${values.alg}; ${connections} connections; ${rounds} rounds of ${duration} s runs, Bearer and DPoP interleaved; medians; 1-minute load average ${loadAtStart} at start, ${loadavg()[0]!.toFixed(1)} at end; ${new Date().toISOString().slice(0, 10)}.`);
  console.log('');
  console.log('| token | req/s | p50 ms | p99 ms | CPU µs per request: process + PostgreSQL |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const cpuOf = (r: AutocannonResult) => r.cpu.process + r.cpu.postgres;
  for (const kind of ['bearer', 'dpop'] as const) {
    const cpu = `${median(pairs.map((p) => p[kind].cpu.process)).toFixed(0)} + ${median(pairs.map((p) => p[kind].cpu.postgres)).toFixed(0)} = ${median(pairs.map((p) => cpuOf(p[kind]))).toFixed(0)}`;
    console.log(`| ${kind === 'bearer' ? 'Bearer (Oauth2-Token)' : 'DPoP-bound (Authorization: DPoP + proof)'} | ${median(pairs.map((p) => p[kind].requests.average)).toFixed(0)} | ${median(pairs.map((p) => p[kind].latency.p50))} | ${median(pairs.map((p) => p[kind].latency.p99))} | ${cpu} |`);
  }
  const ratio = median(pairs.map((p) => p.dpop.requests.average / p.bearer.requests.average));
  const cpuRatio = median(pairs.map((p) => cpuOf(p.bearer) / cpuOf(p.dpop)));
  // All rounds together: CPU per request over every request of a kind.
  const overall = (kind: 'bearer' | 'dpop') => pairs.reduce((sum, p) => sum + cpuOf(p[kind]) * p[kind].requests.total, 0) / pairs.reduce((sum, p) => sum + p[kind].requests.total, 0);
  console.log('');
  console.log(`DPoP ÷ Bearer requests per second (median of the per-round ratios): ${ratio.toFixed(2)} (goal ≥ 0.80)`);
  console.log(`Bearer ÷ DPoP CPU per request (median of the per-round ratios; the rate ratio with the cores to itself): ${cpuRatio.toFixed(2)}; over all rounds: ${(overall('bearer') / overall('dpop')).toFixed(2)} (goal ≥ 0.80)`);

  // The credential check alone, in process (no HTTP, no GraphQL): what the proof adds to a request, one at a
  // time and 16 at once (the replay inserts of concurrent proofs share a statement).
  const checker = await createCredentialChecker({ db: h.stack.database.db, hydra: h.stack.stack.hydra!, identity: h.identity, cacheTtlSeconds: h.stack.config.cacheTtlSeconds, dpop: apiDpop(h.stack.config, h.stack.database.db) });
  const N = 2000;
  const proofs = await Promise.all(Array.from({ length: 2 * N + 400 }, () => dpopProof(key, { htm: 'POST', htu: api.href, accessToken: payers[0]!.bound })));
  let used = 0;
  const check = async (kind: 'bearer' | 'dpop') => {
    const r = await checker.check(kind === 'bearer' ? { 'oauth2-token': payers[0]!.bearer } : { authorization: `DPoP ${payers[0]!.bound}`, dpop: proofs[used++]! });
    if (!r.ok || !r.value) throw new Error(`${kind}: ${JSON.stringify(r)}`);
  };
  console.log('');
  console.log('| credential check alone (in process) | µs per check, one at a time | µs per check, 16 at once |');
  console.log('| --- | ---: | ---: |');
  for (const kind of ['bearer', 'dpop'] as const) {
    for (let i = 0; i < 200; i++) await check(kind);
    let start = performance.now();
    for (let i = 0; i < N / 2; i++) await check(kind);
    const serial = ((performance.now() - start) * 1000) / (N / 2);
    start = performance.now();
    for (let i = 0; i < N / 32; i++) await Promise.all(Array.from({ length: 16 }, () => check(kind)));
    const parallel = ((performance.now() - start) * 1000) / (N / 2);
    console.log(`| ${kind === 'bearer' ? 'Bearer (Oauth2-Token)' : 'DPoP-bound + proof'} | ${serial.toFixed(0)} | ${parallel.toFixed(0)} |`);
  }
  await checker.close();

  // The proof check alone by the client's algorithm (the signature is most of it): ES256 is what the SDK and
  // most clients use; PS256 and EdDSA are the others FAPI 2.0 allows. Each round alternates the algorithms.
  const verifier = apiDpop(h.stack.config, h.stack.database.db)!.verify;
  const algs = ['ES256', 'PS256', 'EdDSA'] as const;
  const sets = await Promise.all(
    algs.map(async (alg) => {
      const k = await dpopKey(alg);
      return { alg, k, proofs: await Promise.all(Array.from({ length: 3 * N }, () => dpopProof(k, { htm: 'POST', htu: api.href, accessToken: 'bench-token' }))) };
    }),
  );
  const perAlg = new Map<string, { cpu: number[]; main: number[]; wall: number[] }>(algs.map((a) => [a, { cpu: [], main: [], wall: [] }]));
  for (let round = 0; round < 3; round++) {
    for (const { alg, k, proofs: mine } of sets) {
      const c0 = process.cpuUsage();
      const m0 = process.threadCpuUsage();
      const t0 = performance.now();
      let i = round * N;
      for (let b = 0; b < N / 16; b++) {
        await Promise.all(Array.from({ length: 16 }, async () => {
          const r = await verifier({ proof: mine[i++]!, method: 'POST', url: api.href, accessToken: 'bench-token', jkt: k.jkt });
          if (!r.ok) throw new Error(`${alg}: ${JSON.stringify(r)}`);
        }));
      }
      const c = process.cpuUsage(c0);
      const m = process.threadCpuUsage(m0);
      perAlg.get(alg)!.cpu.push((c.user + c.system) / N);
      perAlg.get(alg)!.main.push((m.user + m.system) / N);
      perAlg.get(alg)!.wall.push(((performance.now() - t0) * 1000) / N);
    }
  }
  console.log('');
  // The event loop's share is what limits one process's requests per second; the rest runs on libuv's pool.
  console.log('| proof check alone, 16 at once (signature, claims, replay insert) | CPU µs per proof (this process) | of it on the event loop | wall µs per proof | proof bytes |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const { alg, proofs: mine } of sets) console.log(`| ${alg} | ${median(perAlg.get(alg)!.cpu).toFixed(0)} | ${median(perAlg.get(alg)!.main).toFixed(0)} | ${median(perAlg.get(alg)!.wall).toFixed(0)} | ${mine[0]!.length} |`);
} finally {
  await h.close();
}
