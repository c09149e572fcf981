// Differential probe (issue 8): runs one scripted sequence of raw HTTP calls against a real Ory Hydra
// and against Lightgate's auth server, normalises volatile values (ids, tokens, times, ports) and
// prints every difference in status code and JSON body, step by step.
//
//   npx node scripts/hydra/compare.ts            # markdown report on stdout
//   npx node scripts/hydra/compare.ts --json     # both raw observation lists
import { createHash, randomBytes } from 'node:crypto';
import { createBrowser, type Browser } from '../../test/support/http-browser.ts';
import { lightgateTarget } from '../../test/hydra/support/lightgate-target.ts';
import { CALLBACK, hydraTarget, POST_LOGOUT, UNREACHABLE_UI, type AuthTarget, type TargetFactory } from '../../test/hydra/support/target.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface Observation {
  step: string;
  status: number;
  body: Json;
}

interface Ctx {
  t: AuthTarget;
  out: Observation[];
  vars: Record<string, string>;
}

async function call(ctx: Ctx, step: string, method: string, url: string, body?: unknown, form?: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (form) {
    init.body = new URLSearchParams(form);
    (init.headers as Record<string, string>)['content-type'] = 'application/x-www-form-urlencoded';
  } else if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = text ? (JSON.parse(text) as Json) : '';
  } catch {
    parsed = `<${res.headers.get('content-type') ?? 'text'}>`;
  }
  ctx.out.push({ step, status: res.status, body: parsed });
  return { status: res.status, body: parsed };
}

const admin = (ctx: Ctx, step: string, method: string, path: string, body?: unknown) => call(ctx, step, method, ctx.t.adminUrl + path, body);

async function nav(ctx: Ctx, b: Browser, step: string, url: string): Promise<URL> {
  const origin = new URL(ctx.t.publicUrl).origin;
  const r = await b.follow(url, (u) => u.origin === origin);
  const u = r.url;
  const shown: Record<string, Json> = { at: `${u.origin}${u.pathname}` };
  for (const [k, v] of u.searchParams) shown[k] = v;
  ctx.out.push({ step: `browser: ${step}`, status: r.response?.status ?? r.hops.at(-1)!.status, body: shown });
  return u;
}

function claims(jwt: string | undefined): Json {
  if (!jwt) return null;
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Json;
}

function basic(id: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` };
}

async function scenario(t: AuthTarget): Promise<Observation[]> {
  const ctx: Ctx = { t, out: [], vars: {} };
  const P = t.publicUrl;
  const q = encodeURIComponent;

  // Clients
  await admin(ctx, 'create client {}', 'POST', '/admin/clients', {});
  await admin(ctx, 'create client: redirect with fragment', 'POST', '/admin/clients', { redirect_uris: ['http://x/cb#f'] });
  await admin(ctx, 'create client: unparsable redirect', 'POST', '/admin/clients', { redirect_uris: ['not a url'] });
  await admin(ctx, 'create client: unknown grant type', 'POST', '/admin/clients', { grant_types: ['foo'] });
  await admin(ctx, 'create client: short secret', 'POST', '/admin/clients', { client_secret: 'short' });
  await admin(ctx, 'create client: body not JSON object', 'POST', '/admin/clients', '"x"');
  await admin(ctx, 'create client: public (auth none)', 'POST', '/admin/clients', { token_endpoint_auth_method: 'none', redirect_uris: [CALLBACK] });
  await admin(ctx, 'create client: fixed id', 'POST', '/admin/clients', { client_id: 'cmp-fixed', redirect_uris: [CALLBACK] });
  await admin(ctx, 'create client: duplicate id', 'POST', '/admin/clients', { client_id: 'cmp-fixed', redirect_uris: [CALLBACK] });
  await admin(ctx, 'get unknown client', 'GET', '/admin/clients/nope');
  await admin(ctx, 'PUT client with partial body', 'PUT', '/admin/clients/cmp-fixed', { client_name: 'renamed', redirect_uris: [CALLBACK] });
  await admin(ctx, 'PATCH client', 'PATCH', '/admin/clients/cmp-fixed', [{ op: 'replace', path: '/client_name', value: 'patched' }]);
  await admin(ctx, 'DELETE client', 'DELETE', '/admin/clients/cmp-fixed');
  await admin(ctx, 'DELETE client again', 'DELETE', '/admin/clients/cmp-fixed');
  const created = await admin(ctx, 'create app client', 'POST', '/admin/clients', {
    client_name: 'app',
    redirect_uris: [CALLBACK],
    post_logout_redirect_uris: [POST_LOGOUT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'openid offline_access read',
    token_endpoint_auth_method: 'client_secret_basic',
  });
  const c = created.body as { client_id: string; client_secret: string };
  await admin(ctx, 'list clients by client_name', 'GET', '/admin/clients?client_name=app');

  // Challenges: unknown and missing
  await admin(ctx, 'get login: unknown challenge', 'GET', '/admin/oauth2/auth/requests/login?login_challenge=nope');
  await admin(ctx, 'get login: no challenge', 'GET', '/admin/oauth2/auth/requests/login');
  await admin(ctx, 'get consent: unknown challenge', 'GET', '/admin/oauth2/auth/requests/consent?consent_challenge=nope');
  await admin(ctx, 'get logout: unknown challenge', 'GET', '/admin/oauth2/auth/requests/logout?logout_challenge=nope');

  // Authorization code flow
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const auth = `${P}/oauth2/auth?response_type=code&client_id=${q(c.client_id)}&redirect_uri=${q(CALLBACK)}&scope=${q('openid offline_access read')}&state=state-123456&nonce=nonce-123456&code_challenge=${challenge}&code_challenge_method=S256`;
  const b = createBrowser();
  const lc = (await nav(ctx, b, 'authorize', auth)).searchParams.get('login_challenge') ?? '';
  await admin(ctx, 'get login', 'GET', `/admin/oauth2/auth/requests/login?login_challenge=${q(lc)}`);
  await admin(ctx, 'accept login: empty subject', 'PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${q(lc)}`, { subject: '' });
  const al = await admin(ctx, 'accept login', 'PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${q(lc)}`, {
    subject: 'user-1', remember: true, remember_for: 3600, acr: '1', amr: ['pwd'], context: { tier: 'gold' },
  });
  await admin(ctx, 'get login after accept', 'GET', `/admin/oauth2/auth/requests/login?login_challenge=${q(lc)}`);
  const cc = (await nav(ctx, b, 'login verifier', (al.body as { redirect_to: string }).redirect_to)).searchParams.get('consent_challenge') ?? '';
  await admin(ctx, 'get login after its verifier was used', 'GET', `/admin/oauth2/auth/requests/login?login_challenge=${q(lc)}`);
  await admin(ctx, 'accept login after its verifier was used', 'PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${q(lc)}`, { subject: 'user-1' });
  await admin(ctx, 'get consent', 'GET', `/admin/oauth2/auth/requests/consent?consent_challenge=${q(cc)}`);
  const ac = await admin(ctx, 'accept consent', 'PUT', `/admin/oauth2/auth/requests/consent/accept?consent_challenge=${q(cc)}`, {
    grant_scope: ['openid', 'offline_access', 'read'], remember: true, remember_for: 0,
    session: { id_token: { email: 'u1@example.com' }, access_token: { tier: 'gold' } },
  });
  const cbUrl = await nav(ctx, b, 'consent verifier', (ac.body as { redirect_to: string }).redirect_to);
  await nav(ctx, b, 'consent verifier replayed', (ac.body as { redirect_to: string }).redirect_to);
  await admin(ctx, 'get consent after use', 'GET', `/admin/oauth2/auth/requests/consent?consent_challenge=${q(cc)}`);
  await admin(ctx, 'accept consent after use', 'PUT', `/admin/oauth2/auth/requests/consent/accept?consent_challenge=${q(cc)}`, { grant_scope: ['openid'] });
  const code = cbUrl.searchParams.get('code') ?? '';
  const token = (step: string, form: Record<string, string>, id = c.client_id, secret = c.client_secret) =>
    call(ctx, step, 'POST', `${P}/oauth2/token`, undefined, form, basic(id, secret));
  const t1 = (await token('token: code', { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier })).body as Record<string, string>;
  ctx.out.push({ step: 'id_token claims (code)', status: 0, body: claims(t1.id_token) });
  await call(ctx, 'userinfo', 'GET', `${P}/userinfo`, undefined, undefined, { authorization: `Bearer ${t1.access_token}` });
  await call(ctx, 'userinfo: bad token', 'GET', `${P}/userinfo`, undefined, undefined, { authorization: 'Bearer nope' });
  await call(ctx, 'userinfo: no token', 'GET', `${P}/userinfo`);
  const introspect = (step: string, form: Record<string, string>) => call(ctx, step, 'POST', `${t.adminUrl}/admin/oauth2/introspect`, undefined, form);
  await introspect('introspect access', { token: t1.access_token ?? '' });
  await introspect('introspect refresh', { token: t1.refresh_token ?? '' });
  await introspect('introspect access, scope=read', { token: t1.access_token ?? '', scope: 'read' });
  await introspect('introspect access, scope=write', { token: t1.access_token ?? '', scope: 'write' });
  await introspect('introspect garbage', { token: 'garbage' });
  await introspect('introspect no token', {});
  const t2 = (await token('token: refresh', { grant_type: 'refresh_token', refresh_token: t1.refresh_token ?? '' })).body as Record<string, string>;
  ctx.out.push({ step: 'id_token claims (refresh)', status: 0, body: claims(t2.id_token) });
  await introspect('introspect old access after refresh', { token: t1.access_token ?? '' });
  await token('token: refresh reuse', { grant_type: 'refresh_token', refresh_token: t1.refresh_token ?? '' });
  await introspect('introspect new access after refresh reuse', { token: t2.access_token ?? '' });
  await token('token: code replay', { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier });
  await token('token: wrong secret', { grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK }, c.client_id, 'wrong');
  await token('token: unknown client', { grant_type: 'authorization_code', code: 'x', redirect_uri: CALLBACK }, 'nobody', 'wrong');
  await token('token: garbage code', { grant_type: 'authorization_code', code: 'garbage', redirect_uri: CALLBACK });
  await token('token: client_credentials not allowed', { grant_type: 'client_credentials' });
  await token('token: password grant', { grant_type: 'password', username: 'a', password: 'b' });

  // Remembered login and consent
  const lc2 = (await nav(ctx, b, 'authorize again (remembered)', auth)).searchParams.get('login_challenge') ?? '';
  await admin(ctx, 'get login (remembered)', 'GET', `/admin/oauth2/auth/requests/login?login_challenge=${q(lc2)}`);
  await admin(ctx, 'accept remembered login: other subject', 'PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${q(lc2)}`, { subject: 'user-2' });
  const al2 = await admin(ctx, 'accept remembered login: same subject', 'PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${q(lc2)}`, { subject: 'user-1' });
  const cc2 = (await nav(ctx, b, 'login verifier (remembered)', (al2.body as { redirect_to: string }).redirect_to)).searchParams.get('consent_challenge') ?? '';
  await admin(ctx, 'get consent (remembered)', 'GET', `/admin/oauth2/auth/requests/consent?consent_challenge=${q(cc2)}`);
  const ac2 = await admin(ctx, 'accept consent (remembered)', 'PUT', `/admin/oauth2/auth/requests/consent/accept?consent_challenge=${q(cc2)}`, { grant_scope: ['openid', 'offline_access', 'read'] });
  const code2 = (await nav(ctx, b, 'consent verifier (remembered)', (ac2.body as { redirect_to: string }).redirect_to)).searchParams.get('code') ?? '';
  const t3 = (await token('token: code (remembered)', { grant_type: 'authorization_code', code: code2, redirect_uri: CALLBACK, code_verifier: verifier })).body as Record<string, string>;

  // Sessions
  await admin(ctx, 'list consent sessions', 'GET', '/admin/oauth2/auth/sessions/consent?subject=user-1');
  await admin(ctx, 'list consent sessions: no subject', 'GET', '/admin/oauth2/auth/sessions/consent');
  await admin(ctx, 'revoke consent sessions: neither client nor all', 'DELETE', '/admin/oauth2/auth/sessions/consent?subject=user-1');
  await admin(ctx, 'revoke consent sessions: no subject', 'DELETE', '/admin/oauth2/auth/sessions/consent');
  await admin(ctx, 'revoke consent sessions for client', 'DELETE', `/admin/oauth2/auth/sessions/consent?subject=user-1&client=${q(c.client_id)}`);
  await admin(ctx, 'list consent sessions after revoke', 'GET', '/admin/oauth2/auth/sessions/consent?subject=user-1');
  await introspect('introspect after consent revoke', { token: t3.access_token ?? '' });
  await admin(ctx, 'revoke consent sessions all', 'DELETE', '/admin/oauth2/auth/sessions/consent?subject=user-1&all=true');
  await admin(ctx, 'revoke login sessions: no subject', 'DELETE', '/admin/oauth2/auth/sessions/login');
  await admin(ctx, 'revoke login sessions', 'DELETE', '/admin/oauth2/auth/sessions/login?subject=user-1');
  const lc3 = (await nav(ctx, b, 'authorize after login revoke', auth)).searchParams.get('login_challenge') ?? '';
  await admin(ctx, 'get login after login revoke', 'GET', `/admin/oauth2/auth/requests/login?login_challenge=${q(lc3)}`);
  const rj = await admin(ctx, 'reject login', 'PUT', `/admin/oauth2/auth/requests/login/reject?login_challenge=${q(lc3)}`, { error: 'access_denied', error_description: 'The user said no.' });
  await nav(ctx, b, 'login verifier after reject', (rj.body as { redirect_to: string }).redirect_to);

  // Authorization errors
  const lcx = (await nav(ctx, createBrowser(), 'authorize (for a bad accept body)', auth)).searchParams.get('login_challenge') ?? '';
  await admin(ctx, 'accept login: unknown field in body', 'PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${q(lcx)}`, { subject: 'user-1', bogus: 1 });
  await nav(ctx, createBrowser(), 'authorize: prompt=none without session', `${auth}&prompt=none`);
  await nav(ctx, createBrowser(), 'authorize: unregistered redirect_uri', auth.replace(q(CALLBACK), q('http://127.0.0.1:9/other')));
  await nav(ctx, createBrowser(), 'authorize: unknown client', auth.replace(q(c.client_id), 'nobody'));
  await nav(ctx, createBrowser(), 'authorize: scope not allowed', auth.replace(q('openid offline_access read'), q('openid admin')));

  // Logout
  const b2 = createBrowser();
  const lc4 = (await nav(ctx, b2, 'authorize (for logout)', auth.replace(q('openid offline_access read'), 'openid'))).searchParams.get('login_challenge') ?? '';
  const al4 = await admin(ctx, 'accept login (for logout)', 'PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${q(lc4)}`, { subject: 'user-3', remember: true });
  const cc4 = (await nav(ctx, b2, 'login verifier (for logout)', (al4.body as { redirect_to: string }).redirect_to)).searchParams.get('consent_challenge') ?? '';
  const ac4 = await admin(ctx, 'accept consent (for logout)', 'PUT', `/admin/oauth2/auth/requests/consent/accept?consent_challenge=${q(cc4)}`, { grant_scope: ['openid'] });
  const code4 = (await nav(ctx, b2, 'consent verifier (for logout)', (ac4.body as { redirect_to: string }).redirect_to)).searchParams.get('code') ?? '';
  const t4 = (await token('token (for logout)', { grant_type: 'authorization_code', code: code4, redirect_uri: CALLBACK, code_verifier: verifier })).body as Record<string, string>;
  const lo = (await nav(ctx, b2, 'RP-initiated logout', `${P}/oauth2/sessions/logout?id_token_hint=${t4.id_token}&post_logout_redirect_uri=${q(POST_LOGOUT)}&state=bye-state`)).searchParams.get('logout_challenge') ?? '';
  await admin(ctx, 'get logout', 'GET', `/admin/oauth2/auth/requests/logout?logout_challenge=${q(lo)}`);
  const alo = await admin(ctx, 'accept logout', 'PUT', `/admin/oauth2/auth/requests/logout/accept?logout_challenge=${q(lo)}`);
  await admin(ctx, 'get logout after accept', 'GET', `/admin/oauth2/auth/requests/logout?logout_challenge=${q(lo)}`);
  await admin(ctx, 'accept logout again', 'PUT', `/admin/oauth2/auth/requests/logout/accept?logout_challenge=${q(lo)}`);
  await nav(ctx, b2, 'logout verifier', (alo.body as { redirect_to: string }).redirect_to);
  await admin(ctx, 'get logout after verifier used', 'GET', `/admin/oauth2/auth/requests/logout?logout_challenge=${q(lo)}`);
  await introspect('introspect after logout', { token: t4.access_token ?? '' });
  await nav(ctx, createBrowser(), 'browser logout without session', `${P}/oauth2/sessions/logout`);

  await admin(ctx, 'delete tokens of client', 'DELETE', `/admin/oauth2/tokens?client_id=${q(c.client_id)}`);
  await admin(ctx, 'delete tokens: no client', 'DELETE', '/admin/oauth2/tokens');
  await introspect('introspect after client tokens deleted', { token: t4.access_token ?? '' });
  return ctx.out;
}

const RANDOM = /^[A-Za-z0-9._~+/=-]{20,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;

/** Volatile values become placeholders so both servers' answers compare by shape and stable values. */
export function normalise(v: Json, t: AuthTarget, key = ''): Json {
  if (Array.isArray(v)) return v.map((x) => normalise(x, t, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x, t, k)]));
  if (typeof v === 'number') return v > 1e9 ? '<epoch>' : v;
  if (typeof v !== 'string') return v;
  if (/^(error|error_description|error_hint|scope|token_type|token_use|subject|sub)$/.test(key)) return v;
  let s = v.split(t.publicUrl).join('<public>').split(t.adminUrl).join('<admin>');
  if (/^(challenge|login_challenge|consent_challenge|logout_challenge|code|login_verifier|consent_verifier|logout_verifier|session_id|login_session_id|sid|client_id|client_secret|registration_access_token|id_token_hint|id_token|access_token|refresh_token|jti|at_hash|nonce)$/.test(key)) return `<${key}>`;
  if (UUID.test(s)) return '<uuid>';
  if (DATE.test(s)) return '<date>';
  if (RANDOM.test(s)) return '<random>';
  if (s.includes('?')) s = s.replace(/=([^&]{20,})/g, '=<random>');
  return s;
}

function flatten(v: Json, path = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(v) && v.length && v.every((x) => x && typeof x === 'object')) v.forEach((x, i) => flatten(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object' && !Array.isArray(v)) {
    if (!Object.keys(v).length) out.set(path || '.', '{}');
    for (const [k, x] of Object.entries(v)) flatten(x, path ? `${path}.${k}` : k, out);
  } else out.set(path || '.', JSON.stringify(v));
  return out;
}

export function diff(a: Observation[], b: Observation[], ta: AuthTarget, tb: AuthTarget): string[] {
  const lines: string[] = [];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) {
      lines.push(`- step ${i}: only one server got here (${x?.step ?? y?.step})`);
      continue;
    }
    const rows: string[] = [];
    if (x.status !== y.status && (x.status >= 400 || y.status >= 400)) {
      // One side failed: the body diff would only list the other side's fields.
      const brief = (o: Observation) => {
        const b = o.body && typeof o.body === 'object' && !Array.isArray(o.body) ? o.body : {};
        return `${o.status} ${JSON.stringify(b.error ?? b.at ?? '')}`;
      };
      lines.push(`- **${x.step}**\n  - status ${brief(x)} vs ${brief(y)}`);
      continue;
    }
    if (x.status !== y.status) rows.push(`status ${x.status} vs ${y.status}`);
    const fx = flatten(normalise(x.body, ta));
    const fy = flatten(normalise(y.body, tb));
    for (const k of new Set([...fx.keys(), ...fy.keys()])) {
      const vx = fx.get(k);
      const vy = fy.get(k);
      if (vx === vy) continue;
      rows.push(`\`${k}\`: ${vx ?? '(absent)'} vs ${vy ?? '(absent)'}`);
    }
    if (rows.length) lines.push(`- **${x.step}**${x.step !== y.step ? ` / ${y.step}` : ''}\n  - ${rows.join('\n  - ')}`);
  }
  return lines;
}

async function observe(start: TargetFactory): Promise<{ t: AuthTarget; obs: Observation[] }> {
  const t = await start(UNREACHABLE_UI);
  try {
    return { t, obs: await scenario(t) };
  } finally {
    await t.stop();
  }
}

if (import.meta.main) {
  const h = await observe(hydraTarget);
  const l = await observe(lightgateTarget);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ hydra: h.obs, lightgate: l.obs }, null, 1));
  } else {
    const lines = diff(h.obs, l.obs, h.t, l.t);
    console.log(`# ${h.t.name} vs ${l.t.name}: ${lines.length} of ${h.obs.length} steps differ (left: Hydra, right: Lightgate)\n`);
    console.log(lines.join('\n'));
  }
  process.exit(0);
}
