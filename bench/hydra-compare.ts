// Benchmark (issue 8): Ory Hydra v2 vs Lightgate's auth server on this machine, each on its own fresh
// database of the same local PostgreSQL, driven by the same raw-HTTP client in one run.
//
//   npx node bench/hydra-compare.ts [--quick] [--write]
//
// Measures, with C concurrent clients: the whole browserless flow (authorize → accept login →
// consent → callback → code exchange), the code exchange alone, refresh, and introspection.
// --write replaces the Hydra section of docs/benchmarks.md with the table.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createBrowser } from '../test/hydra/support/browser.ts';
import { lightgateTarget } from '../test/hydra/support/lightgate-target.ts';
import { CALLBACK, hydraTarget, hydraTargetWith, UNREACHABLE_UI, type AuthTarget, type TargetFactory } from '../test/hydra/support/target.ts';

const quick = process.argv.includes('--quick');
const N = quick ? 60 : 400; // flows, exchanges, refreshes per target
const N_INTROSPECT = quick ? 500 : 4000;
const CONCURRENCY = 8;

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
async function codeFlow(t: AuthTarget, c: Client, n: number): Promise<string> {
  const b = createBrowser();
  const origin = new URL(t.publicUrl).origin;
  const stay = (u: URL) => u.origin === origin;
  const q = new URLSearchParams({
    response_type: 'code', client_id: c.id, redirect_uri: CALLBACK, scope: 'openid offline_access read',
    state: `state-${n}-${randomBytes(4).toString('hex')}`, nonce: `nonce-${n}-${randomBytes(4).toString('hex')}`,
    code_challenge: CHALLENGE, code_challenge_method: 'S256',
  });
  const atLogin = await b.follow(`${t.publicUrl}/oauth2/auth?${q}`, stay);
  const lc = atLogin.url.searchParams.get('login_challenge');
  if (!lc) throw new Error(`no login challenge: ${atLogin.url.href}`);
  const toVerifier = await put(`${t.adminUrl}/admin/oauth2/auth/requests/login/accept?login_challenge=${encodeURIComponent(lc)}`, { subject: `bench-${n}` });
  const atConsent = await b.follow(toVerifier, stay);
  const cc = atConsent.url.searchParams.get('consent_challenge');
  if (!cc) throw new Error(`no consent challenge: ${atConsent.url.href}`);
  const toCode = await put(`${t.adminUrl}/admin/oauth2/auth/requests/consent/accept?consent_challenge=${encodeURIComponent(cc)}`, {
    grant_scope: ['openid', 'offline_access', 'read'],
  });
  const cb = await b.follow(toCode, stay);
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

async function run(start: TargetFactory): Promise<{ name: string; results: Result[] }> {
  const t = await start(UNREACHABLE_UI);
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
    return { name: t.name, results };
  } catch (e) {
    console.error(`${t.name} failed; its log ends with:\n${t.output?.().slice(-3000) ?? '(no log)'}`);
    throw e;
  } finally {
    await t.stop();
  }
}

function table(runs: { name: string; results: Result[] }[]): string {
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
  return [head, rule, ...rows].join('\n');
}

// Hydra hashes client secrets with BCrypt (cost 10 by default): every token request pays for it.
// The second Hydra run uses the lowest cost (4) to show what is left without that price.
const runs = [
  await run(hydraTarget),
  await run(hydraTargetWith({ OAUTH2_HASHERS_BCRYPT_COST: '4' }, ', bcrypt cost 4')),
  await run(lightgateTarget),
];
const md = table(runs);
const meta = `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, concurrency ${CONCURRENCY}, ${N} flows/exchanges/refreshes and ${N_INTROSPECT} introspections per server${quick ? ' (--quick)' : ''}; both servers on one local PostgreSQL (separate fresh databases), client and server on the same machine; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end (other work on the machine skews the numbers).`;
console.log(`${md}\n\n${meta}`);

if (process.argv.includes('--write')) {
  const file = join(import.meta.dirname, '../docs/benchmarks.md');
  const begin = '<!-- hydra-compare:begin -->';
  const end = '<!-- hydra-compare:end -->';
  const section = `${begin}\n${md}\n\n${meta}\n${end}`;
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  if (doc.includes(begin)) doc = doc.slice(0, doc.indexOf(begin)) + section + doc.slice(doc.indexOf(end) + end.length);
  else doc += `\n## Lightgate vs Ory Hydra (bench/hydra-compare.ts)\n\n${section}\n`;
  writeFileSync(file, doc);
}
process.exit(0);
