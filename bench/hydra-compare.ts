// Benchmark (issue 8): Ory Hydra v2 vs Lightgate's auth server on this machine, each on its own fresh
// database of the same local PostgreSQL, driven by the same raw-HTTP client in one run.
//
//   npx node bench/hydra-compare.ts [--quick] [--write] [--concurrency=8]
//
// Measures, with C concurrent clients: the whole browserless flow (authorize → accept login →
// consent → callback → code exchange), the code exchange alone, refresh, and introspection.
// --write replaces the Hydra section of docs/benchmarks.md with the table.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { createBrowser } from '../test/support/http-browser.ts';
import { lightgateTarget } from '../test/hydra/support/lightgate-target.ts';
import { CALLBACK, hydraTarget, hydraTargetWith, UNREACHABLE_UI, type AuthTarget, type TargetFactory } from '../test/hydra/support/target.ts';

const quick = process.argv.includes('--quick');
const N = quick ? 60 : 400; // flows, exchanges, refreshes per target
const N_INTROSPECT = quick ? 500 : 4000;
const CONCURRENCY = Number(process.argv.find((a) => a.startsWith('--concurrency='))?.split('=')[1] ?? 8);

interface Client {
  id: string;
  secret: string;
  basic: string;
}

interface Result {
  name: string;
  ops: number;
  seconds: number;
  p50: number;
  p95: number;
}

const VERIFIER = randomBytes(32).toString('base64url');
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

async function json(res: Response): Promise<Record<string, string>> {
  const body = (await res.json()) as Record<string, string>;
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function createClient(t: AuthTarget): Promise<Client> {
  const body = await json(
    await fetch(`${t.adminUrl}/admin/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid offline_access read',
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    }),
  );
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(body.client_id!)}:${encodeURIComponent(body.client_secret!)}`).toString('base64')}`;
  return { id: body.client_id!, secret: body.client_secret!, basic };
}

async function put(url: string, body: unknown): Promise<string> {
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await json(res)).redirect_to!;
}

/** Authorize → login → consent → callback; returns the code. */
type Laps = Record<string, number[]>;

async function timed<T>(laps: Laps | undefined, step: string, p: () => Promise<T>): Promise<T> {
  const s = performance.now();
  const v = await p();
  if (laps) (laps[step] ??= []).push(performance.now() - s);
  return v;
}

async function codeFlow(t: AuthTarget, c: Client, n: number, laps?: Laps): Promise<string> {
  const b = createBrowser();
  const origin = new URL(t.publicUrl).origin;
  const stay = (u: URL) => u.origin === origin;
  const q = new URLSearchParams({
    response_type: 'code', client_id: c.id, redirect_uri: CALLBACK, scope: 'openid offline_access read',
    state: `state-${n}-${randomBytes(4).toString('hex')}`, nonce: `nonce-${n}-${randomBytes(4).toString('hex')}`,
    code_challenge: CHALLENGE, code_challenge_method: 'S256',
  });
  const atLogin = await timed(laps, 'GET /oauth2/auth → login app', () => b.follow(`${t.publicUrl}/oauth2/auth?${q}`, stay));
  const lc = atLogin.url.searchParams.get('login_challenge');
  if (!lc) throw new Error(`no login challenge: ${atLogin.url.href}`);
  const toVerifier = await timed(laps, 'PUT accept login', () => put(`${t.adminUrl}/admin/oauth2/auth/requests/login/accept?login_challenge=${encodeURIComponent(lc)}`, { subject: `bench-${n}` }));
  const atConsent = await timed(laps, 'login verifier → consent app', () => b.follow(toVerifier, stay));
  const cc = atConsent.url.searchParams.get('consent_challenge');
  if (!cc) throw new Error(`no consent challenge: ${atConsent.url.href}`);
  const toCode = await timed(laps, 'PUT accept consent', () =>
    put(`${t.adminUrl}/admin/oauth2/auth/requests/consent/accept?consent_challenge=${encodeURIComponent(cc)}`, { grant_scope: ['openid', 'offline_access', 'read'] }),
  );
  const cb = await timed(laps, 'consent verifier → callback', () => b.follow(toCode, stay));
  const code = cb.url.searchParams.get('code');
  if (!code) throw new Error(`no code: ${cb.url.href}`);
  return code;
}

async function token(t: AuthTarget, c: Client, form: Record<string, string>): Promise<Record<string, string>> {
  return json(
    await fetch(`${t.publicUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: c.basic },
      body: new URLSearchParams(form),
    }),
  );
}

const exchange = (t: AuthTarget, c: Client, code: string) =>
  token(t, c, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: VERIFIER });

async function introspect(t: AuthTarget, tok: string): Promise<void> {
  const body = await json(
    await fetch(`${t.adminUrl}/admin/oauth2/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tok }),
    }),
  );
  if (String(body.active) !== 'true') throw new Error('token inactive');
}

/** Runs op(0..count-1) on `concurrency` workers; wall time and latency percentiles in ms. */
async function measure(name: string, count: number, op: (i: number) => Promise<unknown>): Promise<Result> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const s = performance.now();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${name}: operation ${i} took over 30 s`)), 30_000);
        });
        await Promise.race([op(i), timeout]).finally(() => clearTimeout(timer));
        lat.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  console.error(`  ${name}: ${count} in ${seconds.toFixed(1)} s`);
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))]!;
  return { name, ops: count / seconds, seconds, p50: pct(50), p95: pct(95) };
}

interface Run {
  name: string;
  results: Result[];
  /** Sequential median of each step of one flow, ms. */
  steps: Record<string, number>;
}

async function run(start: TargetFactory, prepare?: (t: AuthTarget) => Promise<void>): Promise<Run> {
  const t = await start(UNREACHABLE_UI);
  await prepare?.(t);
  console.error(`${t.name}: public ${t.publicUrl}, admin ${t.adminUrl}`);
  try {
    const c = await createClient(t);
    // Warm-up (JIT, pools, keys).
    for (let i = 0; i < 10; i++) await exchange(t, c, await codeFlow(t, c, -i));

    const results: Result[] = [];
    results.push(await measure('whole flow (authorize → login → consent → code → tokens)', N, async (i) => exchange(t, c, await codeFlow(t, c, i))));

    const codes: string[] = [];
    await measure('prepare codes', N, async (i) => codes.push(await codeFlow(t, c, N + i)));
    const refreshes: string[] = [];
    const accessTokens: string[] = [];
    results.push(
      await measure('token: code exchange', N, async (i) => {
        const r = await exchange(t, c, codes[i]!);
        refreshes.push(r.refresh_token!);
        accessTokens.push(r.access_token!);
      }),
    );
    results.push(await measure('token: refresh', N, async (i) => token(t, c, { grant_type: 'refresh_token', refresh_token: refreshes[i]! })));

    const live = (await exchange(t, c, await codeFlow(t, c, 3 * N))).access_token!;
    results.push(await measure('introspection (admin)', N_INTROSPECT, () => introspect(t, live)));
    const laps: Laps = {};
    for (let i = 0; i < 25; i++) {
      const code = await codeFlow(t, c, 4 * N + i, laps);
      await timed(laps, 'POST /oauth2/token (code)', () => exchange(t, c, code));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const steps = Object.fromEntries(Object.entries(laps).map(([k, v]) => [k, median(v)]));
    return { name: t.name, results, steps };
  } catch (e) {
    console.error(`${t.name} failed; its log ends with:\n${t.output?.().slice(-3000) ?? '(no log)'}`);
    throw e;
  } finally {
    await t.stop();
  }
}

function table(runs: Run[]): string {
  const f = (x: number) => x.toFixed(x < 10 ? 1 : 0);
  const lg = runs.at(-1)!;
  const hydras = runs.slice(0, -1);
  const head = `| operation | ${runs.map((r) => `${r.name}: ops/s (p50 / p95 ms)`).join(' | ')} | ${hydras.map((h) => `Lightgate ÷ ${h.name}`).join(' | ')} |`;
  const rule = `| --- | ${runs.map(() => '---:').join(' | ')} | ${hydras.map(() => '---:').join(' | ')} |`;
  const rows = lg.results.map((lr, i) => {
    const cells = runs.map((r) => `${f(r.results[i]!.ops)} (${f(r.results[i]!.p50)} / ${f(r.results[i]!.p95)})`);
    const ratios = hydras.map((h) => (lr.ops / h.results[i]!.ops).toFixed(2));
    return `| ${lr.name} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`;
  });
  const steps = Object.keys(lg.steps).map((k) => `| ${k} | ${runs.map((r) => `${f(r.steps[k] ?? NaN)} ms`).join(' | ')} |`);
  return [
    head, rule, ...rows, '',
    `Sequential medians of one flow's steps (25 flows):`, '',
    `| step | ${runs.map((r) => r.name).join(' | ')} |`, `| --- | ${runs.map(() => '---:').join(' | ')} |`, ...steps,
  ].join('\n');
}

/** Replaces Hydra's ID token signing key (RSA-4096 by default) with an RSA-2048 one, like Lightgate's. */
async function rsa2048IdTokenKey(t: AuthTarget): Promise<void> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'rsa-2048', use: 'sig', alg: 'RS256' };
  const res = await fetch(`${t.adminUrl}/admin/keys/hydra.openid.id-token`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ keys: [jwk] }),
  });
  if (!res.ok) throw new Error(`could not set Hydra's ID token key: ${res.status} ${await res.text()}`);
}

// Hydra's defaults cost it per token request: client secrets hashed with BCrypt cost 10 and ID tokens
// signed with RSA-4096. The second Hydra run lowers both (BCrypt cost 4, RSA-2048 like Lightgate).
const runs = [
  await run(hydraTarget),
  await run(hydraTargetWith({ OAUTH2_HASHERS_BCRYPT_COST: '4' }, ' tuned (bcrypt 4, RSA-2048)'), rsa2048IdTokenKey),
  await run(lightgateTarget),
];
const md = table(runs);
const meta = `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, concurrency ${CONCURRENCY}, ${N} flows/exchanges/refreshes and ${N_INTROSPECT} introspections per server${quick ? ' (--quick)' : ''}; both servers on one local PostgreSQL (separate fresh databases), client and server on the same machine; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end (other work on the machine skews the numbers).`;
console.log(`${md}\n\n${meta}`);

if (process.argv.includes('--write')) {
  const file = join(import.meta.dirname, '../docs/benchmarks.md');
  // One section per concurrency level, so sequential and concurrent runs sit side by side.
  const begin = `<!-- hydra-compare-c${CONCURRENCY}:begin -->`;
  const end = `<!-- hydra-compare-c${CONCURRENCY}:end -->`;
  const section = `${begin}\n${md}\n\n${meta}\n${end}`;
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  if (doc.includes(begin)) doc = doc.slice(0, doc.indexOf(begin)) + section + doc.slice(doc.indexOf(end) + end.length);
  else doc += `\n### ${CONCURRENCY} concurrent client${CONCURRENCY === 1 ? '' : 's'}\n\n${section}\n`;
  writeFileSync(file, doc);
}
process.exit(0);
