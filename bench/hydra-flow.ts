// The browserless sign-in flow of bench/hydra-compare.ts, driven by raw HTTP against any AuthTarget
// (Ory Hydra or Lightgate): the login & consent app is played through the admin API, the browser by
// test/support/http-browser.ts. Each step can be timed (laps) and observed (onStep, e.g. a SQL counter).
import { createHash, randomBytes } from 'node:crypto';
import { createBrowser } from '../test/support/http-browser.ts';
import { CALLBACK, type AuthTarget } from '../test/support/auth-target.ts';

export interface Client {
  id: string;
  basic: string;
}

/** The steps of one flow, in order (the names of the tables' rows). */
export const STEPS = [
  'GET /oauth2/auth → login app',
  'PUT accept login',
  'login verifier → consent app',
  'PUT accept consent',
  'consent verifier → callback',
  'POST /oauth2/token (code)',
] as const;
export type Step = (typeof STEPS)[number];
export type Laps = Partial<Record<Step, number[]>>;
/** Called after each step with its name and duration (ms). */
export type OnStep = (step: Step, ms: number) => void;

const VERIFIER = randomBytes(32).toString('base64url');
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const SCOPE = 'openid offline_access read';

async function json(res: Response): Promise<Record<string, string>> {
  const body = (await res.json()) as Record<string, string>;
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function createClient(t: AuthTarget): Promise<Client> {
  const body = await json(
    await fetch(`${t.adminUrl}/admin/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: SCOPE, token_endpoint_auth_method: 'client_secret_basic' }),
    }),
  );
  return { id: body.client_id!, basic: `Basic ${Buffer.from(`${encodeURIComponent(body.client_id!)}:${encodeURIComponent(body.client_secret!)}`).toString('base64')}` };
}

async function put(url: string, body: unknown): Promise<string> {
  return (await json(await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))).redirect_to!;
}

async function step<T>(on: OnStep | undefined, name: Step, p: () => Promise<T>): Promise<T> {
  const s = performance.now();
  const v = await p();
  on?.(name, performance.now() - s);
  return v;
}

/** The authorization request alone, to the login app (bench/authorize-ab.ts). */
export async function authorizeOnly(t: AuthTarget, c: Client, n: number): Promise<void> {
  const origin = new URL(t.publicUrl).origin;
  const tag = `${n}-${randomBytes(4).toString('hex')}`;
  const q = new URLSearchParams({ response_type: 'code', client_id: c.id, redirect_uri: CALLBACK, scope: SCOPE, state: `state-${tag}`, nonce: `nonce-${tag}`, code_challenge: CHALLENGE, code_challenge_method: 'S256' });
  const atLogin = await createBrowser().follow(`${t.publicUrl}/oauth2/auth?${q}`, (u) => u.origin === origin);
  if (!atLogin.url.searchParams.get('login_challenge')) throw new Error(`no login challenge: ${atLogin.url.href}`);
}

/** Authorize → accept login → consent → callback; returns the code. */
export async function codeFlow(t: AuthTarget, c: Client, n: number, on?: OnStep): Promise<string> {
  const b = createBrowser();
  const origin = new URL(t.publicUrl).origin;
  const stay = (u: URL) => u.origin === origin;
  const tag = `${n}-${randomBytes(4).toString('hex')}`;
  const q = new URLSearchParams({ response_type: 'code', client_id: c.id, redirect_uri: CALLBACK, scope: SCOPE, state: `state-${tag}`, nonce: `nonce-${tag}`, code_challenge: CHALLENGE, code_challenge_method: 'S256' });
  const atLogin = await step(on, 'GET /oauth2/auth → login app', () => b.follow(`${t.publicUrl}/oauth2/auth?${q}`, stay));
  const lc = atLogin.url.searchParams.get('login_challenge');
  if (!lc) throw new Error(`no login challenge: ${atLogin.response?.status ?? atLogin.hops.at(-1)?.status} ${atLogin.response?.body.slice(0, 300) ?? atLogin.url.href}`);
  const toVerifier = await step(on, 'PUT accept login', () => put(`${t.adminUrl}/admin/oauth2/auth/requests/login/accept?login_challenge=${encodeURIComponent(lc)}`, { subject: `bench-${n}` }));
  const atConsent = await step(on, 'login verifier → consent app', () => b.follow(toVerifier, stay));
  const cc = atConsent.url.searchParams.get('consent_challenge');
  if (!cc) throw new Error(`no consent challenge: ${atConsent.url.href}`);
  const toCode = await step(on, 'PUT accept consent', () => put(`${t.adminUrl}/admin/oauth2/auth/requests/consent/accept?consent_challenge=${encodeURIComponent(cc)}`, { grant_scope: SCOPE.split(' ') }));
  const cb = await step(on, 'consent verifier → callback', () => b.follow(toCode, stay));
  const code = cb.url.searchParams.get('code');
  if (!code) throw new Error(`no code: ${cb.url.href}`);
  return code;
}

export async function token(t: AuthTarget, c: Client, form: Record<string, string>): Promise<Record<string, string>> {
  return json(await fetch(`${t.publicUrl}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: c.basic }, body: new URLSearchParams(form) }));
}

export const exchange = (t: AuthTarget, c: Client, code: string, on?: OnStep) =>
  step(on, 'POST /oauth2/token (code)', () => token(t, c, { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: VERIFIER }));

export async function introspect(t: AuthTarget, tok: string): Promise<void> {
  const body = await json(await fetch(`${t.adminUrl}/admin/oauth2/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: tok }) }));
  if (String(body.active) !== 'true') throw new Error('token inactive');
}

/** A lap recorder for codeFlow/exchange. */
export const lapsInto = (laps: Laps): OnStep => (name, ms) => void (laps[name] ??= []).push(ms);
