// A whole sign-in through the real login & consent app over plain HTTP, as a browser without
// JavaScript would: follow redirects, read the form (its hidden CSRF fields included), post it. `via`
// maps each URL before it is fetched, so a flow can hop between processes that share one issuer. Also
// the PKCE pair and authorization URL such a flow starts with.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { Browser } from './http-browser.ts';
import { lastCode } from './users.ts';

export interface Form {
  action: string;
  fields: URLSearchParams;
}

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>') : undefined;
};

/** The first form posting to `action` (path), with its hidden inputs and checked boxes. */
export function readForm(html: string, action: string): Form {
  const forms = html.match(/<form[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((f) => attr(f.slice(0, f.indexOf('>') + 1), 'action') === action);
  assert.ok(form, `no form posting to ${action} in:\n${html.slice(0, 2000)}`);
  const fields = new URLSearchParams();
  for (const input of form.match(/<input[^>]*>/g) ?? []) {
    const type = attr(input, 'type') ?? 'text';
    const name = attr(input, 'name');
    if (!name) continue;
    if (type === 'hidden' || ((type === 'checkbox' || type === 'radio') && /\schecked[\s>]/.test(input))) fields.append(name, attr(input, 'value') ?? 'on');
  }
  return { action, fields };
}

export interface Hop {
  status: number;
  url: URL;
  body: string;
}

/** Fetches `url` (mapped through `via`) and follows redirects until a page answers or `stop` says so. */
export async function go(b: Browser, url: URL, via: (u: URL) => URL, stop: (u: URL) => boolean, init?: RequestInit): Promise<Hop> {
  let target = url;
  let options = init;
  for (let i = 0; i < 20; i++) {
    const mapped = via(target);
    const res = await b.fetch(mapped, options);
    options = undefined;
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.arrayBuffer();
      target = new URL(location, mapped);
      if (stop(target)) return { status: res.status, url: target, body: '' };
      continue;
    }
    return { status: res.status, url: mapped, body: await res.text() };
  }
  throw new Error('too many redirects');
}

export async function post(b: Browser, page: URL, form: Form, via: (u: URL) => URL, stop: (u: URL) => boolean): Promise<Hop> {
  return go(b, new URL(form.action, page), via, stop, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.fields.toString() });
}

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface SignIn {
  /** Maps the URLs of each step: the authorization request, the login app, the auth server after login, the consent app. */
  via: { start: (u: URL) => URL; afterLogin: (u: URL) => URL };
  authorizeUrl: URL;
  redirectUri: string;
  email: string;
  /** Data dirs whose outbox may hold the code. */
  outboxes: string[];
  /** Scopes to leave unticked on the consent page (none by default). */
}

/** Authorization request → e-mail code sign-in → consent allowed → the callback URL with the code. */
export async function signInThroughLoginUi(b: Browser, s: SignIn): Promise<URL> {
  const atCallback = (u: URL) => u.href.startsWith(s.redirectUri);
  let leg = s.via.start;
  const via = (u: URL) => leg(u);
  const login = await go(b, s.authorizeUrl, via, atCallback);
  assert.equal(login.status, 200, `login page: ${login.status} ${login.url.href} ${login.body.slice(0, 300)}`);
  const form = readForm(login.body, '/login');
  form.fields.set('email', s.email);
  const codePage = await post(b, login.url, form, via, atCallback);
  assert.equal(codePage.status, 200, `code page: ${codePage.status} ${codePage.body.slice(0, 300)}`);
  const codeForm = readForm(codePage.body, '/login/code');
  let code: string | undefined;
  for (const dir of s.outboxes) {
    try {
      code = lastCode(dir, s.email);
    } catch {
      // not sent from this process
    }
  }
  assert.ok(code, 'a sign-in code was sent');
  codeForm.fields.set('code', code);
  // From here the browser goes back to the auth server with the login verifier: the second leg.
  leg = s.via.afterLogin;
  const consent = await post(b, codePage.url, codeForm, via, atCallback);
  if (atCallback(consent.url)) return consent.url;
  assert.equal(consent.status, 200, `consent page: ${consent.status} ${consent.url.href} ${consent.body.slice(0, 300)}`);
  const consentForm = readForm(consent.body, '/consent');
  for (const m of consent.body.matchAll(/<input[^>]*name="scope"[^>]*>/g)) {
    const value = attr(m[0], 'value');
    if (value && !consentForm.fields.getAll('scope').includes(value)) consentForm.fields.append('scope', value);
  }
  consentForm.fields.set('action', 'allow');
  const done = await post(b, consent.url, consentForm, via, atCallback);
  assert.ok(atCallback(done.url), `expected the callback, got ${done.status} ${done.url.href} ${done.body.slice(0, 300)}`);
  return done.url;
}

export function authorizeUrl(issuerBase: string, clientId: string, redirectUri: string, scope: string, p: Pkce, state = randomBytes(8).toString('hex')): URL {
  const u = new URL(`${issuerBase}/oauth2/auth`);
  u.search = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state, nonce: randomBytes(8).toString('hex'), code_challenge: p.challenge, code_challenge_method: 'S256' }).toString();
  return u;
}
