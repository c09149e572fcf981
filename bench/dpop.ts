// The cost of DPoP at the wallet API (issue 16): `me { id }` with a DPoP-bound token and a fresh proof per
// request (signature check, htm/htu/iat/ath/jkt, one unique insert of the jti) against the same call with a
// Bearer token (Oauth2-Token), in one run on PostgreSQL, interleaved round by round. Goal: at most 20 % fewer
// requests per second.
//   npx node bench/dpop.ts [--duration 3] [--connections 16] [--rounds 5] [--light]
// The call is api-me.ts's `me { defaultAccount { wallets { balance } } }` (two indexed queries); --light
// measures `me { id }` instead (no query at all: the proof check is then most of the work).
// Proofs are signed before each run (outside the measurement) and handed out one per request. The load
// generator runs in this process: both runs build every request the same way (autocannon's setupRequest),
// the Bearer run with an ignored header of the proof's size, so the difference is the server's proof check.
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
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type AutocannonFn = (options: Record<string, unknown>, done: (error: Error | null, result: AutocannonResult) => void) => unknown;
const autocannonFn = createRequire(import.meta.url)('autocannon') as AutocannonFn;
const autocannon = (options: Record<string, unknown>) => new Promise<AutocannonResult>((resolve, reject) => autocannonFn(options, (e, r) => (e ? reject(e) : resolve(r))));

const { values } = parseArgs({ options: { duration: { type: 'string', default: '3' }, connections: { type: 'string', default: '16' }, rounds: { type: 'string', default: '5' }, light: { type: 'boolean', default: false } } });
const duration = Number(values.duration);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
const loadAtStart = loadavg()[0]!.toFixed(1);
const QUERY = JSON.stringify({ query: values.light ? '{ me { id } }' : '{ me { defaultAccount { wallets { balance } } } }' });

// Request-rate limits off: the bench measures the proof check, not the limiter.
const h = await startHarness({ kind: 'postgres', env: { RATE_LIMIT_IP: '0', RATE_LIMIT_CLIENT: '0' } });
try {
  const api = new URL(`${h.stack.config.urls.api}/graphql`);
  await h.app.listen({ host: '127.0.0.1', port: Number(api.port) });
  const target: AuthTarget = { kind: 'lightgate', name: 'bench', ...UNREACHABLE_UI, publicUrl: h.stack.urls.issuer, adminUrl: h.stack.stack.listening.admin!, stop: async () => {} };
  const admin = adminApi(target);
  const user = await h.signUp();
  const client = await createClient(admin, { scope: 'openid read' });
  const rp = await relyingParty(target, client);
  const tokens = async (key?: CryptoKeyPair) => {
    const flow = await runFlow(createBrowser(), target, admin, rp, { subject: user.userId, scope: 'openid read' });
    const checks = { pkceCodeVerifier: flow.auth.codeVerifier, expectedState: flow.auth.state, expectedNonce: flow.auth.nonce };
    return oidc.authorizationCodeGrant(rp, flow.callback, checks, undefined, key ? { DPoP: oidc.getDPoPHandle(rp, key) } : undefined);
  };
  const key = await dpopKey();
  const bound = await tokens({ privateKey: key.privateKey, publicKey: key.publicKey });
  const bearer = await tokens();
  if (bound.token_type !== 'dpop' || bearer.token_type !== 'bearer') throw new Error('token types');

  const run = async (kind: 'bearer' | 'dpop') => {
    const headers = { 'content-type': 'application/json', ...(kind === 'bearer' ? { 'oauth2-token': bearer.access_token } : { authorization: `DPoP ${bound.access_token}` }) };
    // Enough fresh proofs for the run at well above the rates seen (iat is checked within 60 s).
    const proofs = await Promise.all(Array.from({ length: 6000 * duration }, () => dpopProof(key, { htm: 'POST', htu: api.href, accessToken: bound.access_token })));
    const header = kind === 'dpop' ? 'dpop' : 'x-bench-padding';
    let next = 0;
    const result = await autocannon({
      url: api.href,
      method: 'POST',
      headers,
      body: QUERY,
      connections,
      duration,
      requests: [{ setupRequest: (req: { headers: Record<string, string> }) => ({ ...req, headers: { ...req.headers, [header]: proofs[next++ % proofs.length]! } }) }],
    });
    if (result.non2xx || result.errors) throw new Error(`${kind}: ${result.non2xx} non-2xx, ${result.errors} errors (proofs used ${next} of ${proofs.length})`);
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
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}; PostgreSQL; ${values.light ? '`me { id }`' : '`me { defaultAccount { wallets { balance } } }`'}; ${connections} connections; ${rounds} rounds of ${duration} s runs, Bearer and DPoP interleaved; medians; 1-minute load average ${loadAtStart} at start, ${loadavg()[0]!.toFixed(1)} at end; ${new Date().toISOString().slice(0, 10)}.`);
  console.log('');
  console.log('| token | req/s | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const kind of ['bearer', 'dpop'] as const) {
    console.log(`| ${kind === 'bearer' ? 'Bearer (Oauth2-Token)' : 'DPoP-bound (Authorization: DPoP + proof)'} | ${median(pairs.map((p) => p[kind].requests.average)).toFixed(0)} | ${median(pairs.map((p) => p[kind].latency.p50))} | ${median(pairs.map((p) => p[kind].latency.p99))} |`);
  }
  const ratio = median(pairs.map((p) => p.dpop.requests.average / p.bearer.requests.average));
  console.log('');
  console.log(`DPoP ÷ Bearer requests per second (median of the per-round ratios): ${ratio.toFixed(2)} (goal ≥ 0.80)`);

  // The credential check alone, in process (no HTTP, no GraphQL): what the proof adds to a request, one at a
  // time and 16 at once (the replay inserts of concurrent proofs share a statement).
  const checker = await createCredentialChecker({ db: h.stack.database.db, hydra: h.stack.stack.hydra!, identity: h.identity, cacheTtlSeconds: h.stack.config.cacheTtlSeconds, dpop: apiDpop(h.stack.config, h.stack.database.db) });
  const N = 2000;
  const proofs = await Promise.all(Array.from({ length: 2 * N + 400 }, () => dpopProof(key, { htm: 'POST', htu: api.href, accessToken: bound.access_token })));
  let used = 0;
  const check = async (kind: 'bearer' | 'dpop') => {
    const r = await checker.check(kind === 'bearer' ? { 'oauth2-token': bearer.access_token } : { authorization: `DPoP ${bound.access_token}`, dpop: proofs[used++]! });
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
} finally {
  await h.close();
}
