// Benchmark (issue 2): Lightgate's token endpoint (code exchange, refresh) and introspection beside a bare
// oidc-provider with its in-memory adapter (the baseline), measured by the same client in one run.
//
//   npx node bench/auth-token-baseline.ts [--quick] [--write]
//
// Lightgate runs on PostgreSQL (127.0.0.1:5432) and on PGlite; codes come from real browserless flows.
// The baseline's codes are minted in-process (its token endpoint is what is measured, not its interactions).
// Everything runs in this one process, so absolute numbers are pessimistic; the ratios are the point: the three
// targets take turns round by round (order alternating) and each ratio is the median of the per-round ratios.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, totalmem } from 'node:os';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';
import { adminApi, createClient, relyingParty } from '../test/support/clients.ts';
import { createBrowser, param, runFlow } from '../test/support/tokens.ts';
import { CALLBACK, UNREACHABLE_UI, type AuthTarget } from '../test/hydra/support/target.ts';
import { lightgateTarget } from '../test/auth/lightgate-target.ts';
import { freePort } from '../test/support/stack.ts';
import { benchCommitSetting } from '../test/support/databases.ts';

const quick = process.argv.includes('--quick');
// oidc-provider's in-memory adapter is an LRU of 1,000 entries: rounds of 100 codes keep the baseline inside it.
const N = 100;
// Rounds are short (100 operations at 8 in flight, 0.1-0.3 s): 10 of them for a steadier median of ratios.
const ROUNDS = quick ? 1 : 10;
const N_INTROSPECT = quick ? 1000 : 6000; // over all rounds
const CONCURRENCY = 8;

interface Measured {
  ops: number;
  seconds: number;
  p50: number;
  p95: number;
}

/** Runs `count` requests with CONCURRENCY in flight; every response must satisfy `check`. */
async function measure(count: number, request: (i: number) => Promise<Response>, check: (res: Response) => boolean): Promise<Measured> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const res = await request(i);
        const ok = check(res);
        await res.arrayBuffer();
        if (!ok) throw new Error(`request ${i} failed with ${res.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { ops: count / seconds, seconds, p50: latencies[Math.floor(latencies.length * 0.5)]!, p95: latencies[Math.floor(latencies.length * 0.95)]! };
}

interface Target {
  name: string;
  tokenUrl: string;
  basic: string;
  introspect: (token: string) => Promise<Response>;
  /** Fresh codes (N of them) for one round. */
  mint(): Promise<{ code: string; verifier: string }[]>;
  stop(): Promise<void>;
}

const form = (basic: string, body: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
  body: new URLSearchParams(body),
});

async function lightgate(kind: 'postgres' | 'pglite'): Promise<Target> {
  const t: AuthTarget = await lightgateTarget(kind)(UNREACHABLE_UI);
  const admin = adminApi(t);
  const client = await createClient(admin);
  const rp = await relyingParty(t, client);
  const mint = async () => {
    const codes: { code: string; verifier: string }[] = [];
    let made = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (made < N) {
          made++;
          const flow = await runFlow(createBrowser(), t, admin, rp);
          codes.push({ code: param(flow.callback, 'code'), verifier: flow.auth.codeVerifier });
        }
      }),
    );
    return codes;
  };
  return {
    name: `Lightgate on ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}`,
    tokenUrl: `${t.publicUrl}/oauth2/token`,
    basic: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
    introspect: (token) => fetch(`${t.adminUrl}/admin/oauth2/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) }),
    mint,
    stop: () => t.stop(),
  };
}

/** The baseline: oidc-provider as its README sets it up, with the in-memory adapter and one static client. */
async function bareOidcProvider(): Promise<Target> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const secret = randomBytes(32).toString('base64url');
  const provider = new Provider(issuer, {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] as never },
    clients: [{ client_id: 'bench', client_secret: secret, redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'openid offline_access read' }],
    scopes: ['openid', 'offline_access', 'read'],
    features: { devInteractions: { enabled: false }, introspection: { enabled: true }, revocation: { enabled: true } },
    issueRefreshToken: async () => true,
    rotateRefreshToken: true,
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  });
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const mint = async () => {
  const codes: { code: string; verifier: string }[] = [];
  for (let i = 0; i < N; i++) {
    const grant = new provider.Grant({ accountId: `user-${i}`, clientId: 'bench' });
    grant.addOIDCScope('openid offline_access read');
    const grantId = await grant.save();
    const verifier = randomBytes(32).toString('base64url');
    const client = await provider.Client.find('bench');
    const code = new provider.AuthorizationCode({
      accountId: `user-${i}`,
      client: client!,
      grantId,
      scope: 'openid offline_access read',
      redirectUri: CALLBACK,
      codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
      codeChallengeMethod: 'S256',
      authTime: Math.floor(Date.now() / 1000),
    } as never);
    codes.push({ code: await code.save(), verifier });
  }
  return codes;
  };
  const basic = `Basic ${Buffer.from(`bench:${secret}`).toString('base64')}`;
  return {
    name: 'bare oidc-provider (in-memory)',
    tokenUrl: `${issuer}/token`,
    basic,
    introspect: (token) => fetch(`${issuer}/token/introspection`, form(basic, { token })),
    mint,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One round of one target: fresh codes, their exchange, the refresh of each, then introspections. */
async function runRound(target: Target): Promise<Record<Operation, Measured>> {
  const codes = await target.mint();
  const refreshTokens: string[] = [];
  const exchange = await measure(
    codes.length,
    async (i) => {
      const res = await fetch(target.tokenUrl, form(target.basic, { grant_type: 'authorization_code', code: codes[i]!.code, redirect_uri: CALLBACK, code_verifier: codes[i]!.verifier }));
      if (res.status === 200) refreshTokens.push(((await res.clone().json()) as { refresh_token: string }).refresh_token);
      return res;
    },
    (res) => res.status === 200,
  );
  // Introspect a token that stays active: an access token from the refresh phase (each refresh retires older ones).
  let active = '';
  const refresh = await measure(
    refreshTokens.length,
    async (i) => {
      const res = await fetch(target.tokenUrl, form(target.basic, { grant_type: 'refresh_token', refresh_token: refreshTokens[i]! }));
      if (res.status === 200) active = ((await res.clone().json()) as { access_token: string }).access_token;
      return res;
    },
    (res) => res.status === 200,
  );
  const probe = (await (await target.introspect(active)).json()) as { active: boolean };
  if (!probe.active) throw new Error(`${target.name}: the introspected token is not active`);
  const introspection = await measure(N_INTROSPECT / ROUNDS, () => target.introspect(active), (res) => res.status === 200);
  return { 'code exchange': exchange, refresh, introspection };
}

async function main() {
  // All three up at once and measured round by round, the order alternating (A B C, then C B A), after one
  // round each not counted (JIT warm-up), so that the machine's state and load fall on all alike.
  const targets: Target[] = [];
  try {
    for (const make of [bareOidcProvider, () => lightgate('postgres'), () => lightgate('pglite')]) targets.push(await make());
    for (const target of targets) await runRound(target);
    const rounds = targets.map(() => [] as Record<Operation, Measured>[]);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...targets.keys()].reverse() : [...targets.keys()];
      for (const i of order) rounds[i]!.push(await runRound(targets[i]!));
      process.stderr.write(`round ${round + 1}/${ROUNDS}, load ${loadavg()[0]!.toFixed(1)}\n`);
    }
    const table = render(targets.map((t, i) => ({ name: t.name, rounds: rounds[i]! })), await benchCommitSetting());
    console.log(table);
    if (process.argv.includes('--write')) writeSection(table);
  } finally {
    for (const target of targets) await target.stop();
  }
}

/** Rounds combined: total operations over total time; latency percentiles as the median of the rounds'. */
function combine(rounds: Measured[]): Measured {
  const seconds = rounds.reduce((a, r) => a + r.seconds, 0);
  const ops = rounds.reduce((a, r) => a + r.ops * r.seconds, 0) / seconds;
  return { ops, seconds, p50: median(rounds.map((r) => r.p50)), p95: median(rounds.map((r) => r.p95)) };
}

type Operation = 'code exchange' | 'refresh' | 'introspection';
const OPERATIONS: Operation[] = ['code exchange', 'refresh', 'introspection'];
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Per target and operation: the rounds combined, and the ratio to the baseline as the median of the per-round ratios. */
function render(measured: { name: string; rounds: Record<Operation, Measured>[] }[], commitSetting: string): string {
  const [baseline] = measured;
  const ratios = (target: (typeof measured)[number], op: Operation) => target.rounds.map((r, k) => r[op].ops / baseline!.rounds[k]![op].ops);
  const spread = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${CONCURRENCY} concurrent clients, load generator in the same process; PostgreSQL synchronous_commit = ${commitSetting}; ${ROUNDS} rounds interleaved (order alternating), after one uncounted round each; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    '| operation | target | ops/s | p50 ms | p95 ms | ratio to baseline (median of rounds, min–max) |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const op of OPERATIONS) {
    for (const target of measured) {
      const m = combine(target.rounds.map((r) => r[op]));
      lines.push(`| ${op} | ${target.name} | ${m.ops.toFixed(0)} | ${m.p50.toFixed(1)} | ${m.p95.toFixed(1)} | ${spread(ratios(target, op))} |`);
    }
  }
  // Issue 18's goals against the bare engine: code exchange and refresh ≥ 0.8× on PostgreSQL, ≥ 0.5× on PGlite.
  lines.push('', 'Goals of issue 18 (measured vs goal):', '');
  for (const op of ['code exchange', 'refresh'] as const) {
    for (const [name, goal] of [['Lightgate on PostgreSQL', 0.8], ['Lightgate on PGlite', 0.5]] as const) {
      const ratio = median(ratios(measured.find((t) => t.name === name)!, op));
      lines.push(`- ${op}, ${name}: ${ratio.toFixed(2)}× vs goal ≥ ${goal}× — ${ratio >= goal ? 'met' : '**not met**'}`);
    }
  }
  return lines.join('\n');
}

const NOTE = [
  'How to read it: the baseline keeps everything in process memory; Lightgate stores every code, token and grant in SQL,',
  'two round trips per code exchange or refresh (the request-rate count, which reads the client and the code or refresh',
  'token with its grant along; then one statement spending it and writing the new tokens under the client\'s FOR SHARE)',
  'plus the same RS256 ID token signature, and its PostgreSQL backends share the two cores. Introspection is one indexed join on the admin port with no',
  'client authentication, which is why it beats the baseline\'s authenticated endpoint. Ratios come from one run on one',
  'machine; absolute numbers move with whatever else the two cores are doing, which is why the three targets take',
  'turns round by round and the ratio is the median of the per-round ratios.',
].join('\n');

const BEGIN = '<!-- auth-token-baseline:begin -->';
const END = '<!-- auth-token-baseline:end -->';

function writeSection(table: string) {
  const file = new URL('../docs/benchmarks.md', import.meta.url);
  let doc = '';
  try {
    doc = readFileSync(file, 'utf8');
  } catch {
    doc = '# Benchmarks\n';
  }
  const section = `${BEGIN}\n## Token endpoint and introspection vs bare oidc-provider (issue 2)\n\n\`npx node bench/auth-token-baseline.ts --write\`\n\n${table}\n\n${NOTE}\n${END}`;
  doc = doc.includes(BEGIN) ? doc.replace(new RegExp(`${BEGIN}[\\s\\S]*${END}`), section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, doc);
}

await main();
