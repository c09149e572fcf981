// Issue 13: the portal's integration page shows Blink's guide's NextAuth provider filled in with the app's values,
// and that snippet runs. A developer applies for an app, an admin approves it, the developer copies the snippet
// from the page; the test loads it as a module and drives next-auth v4 (the POS example's copy) through csrf →
// sign-in → the real login and consent pages → callback → session, against a whole stack on PGlite. The session
// has what the guide's callbacks put there: sub, accessToken (a working token) and userData (the wallet API's me).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { formBody as form } from '../support/forms.ts';
import { createBrowser } from '../support/http-browser.ts';
import { signInThroughLoginUi } from '../support/ui-sign-in.ts';
import { ADMIN_EMAIL, csrfFrom, startPortalHarness, type PortalHarness } from './harness.ts';

// next-auth is a dependency of the POS example (an npm workspace), not of Lightgate: load it from there.
const NEXT_AUTH_CORE = '../../examples/pos/node_modules/next-auth/core/index.js';
type Cookie = { name: string; value: string };
type Internal = { status?: number; body?: unknown; redirect?: string; cookies?: Cookie[] };
type AuthHandler = (p: { req: Record<string, unknown>; options: unknown }) => Promise<Internal>;

const APP_ORIGIN = 'http://localhost:3999';
const CALLBACK = `${APP_ORIGIN}/api/auth/callback/blink`;
let h: PortalHarness;
let dir: string;

before(async () => {
  h = await startPortalHarness();
  dir = mkdtempSync(join(tmpdir(), 'lightgate-nextauth-'));
});
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h?.close();
});

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#96;/g, '`').replace(/&amp;/g, '&');

/** GET a page with the session, then POST a form with the page's CSRF token (and the review version it shows). */
async function post(session: string, page: string, url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
  const got = await h.portal.inject({ method: 'GET', url: page, headers: { cookie: session } });
  assert.equal(got.statusCode, 200, `GET ${page}`);
  const { cookie, token } = csrfFrom(got);
  const seen = new RegExp(`action="${url}"[^]*?name="version" value="([0-9]+)"|href="${url}\\?version=([0-9]+)"`).exec(got.body);
  const version = seen?.[1] ?? seen?.[2];
  return h.portal.inject({ method: 'POST', url, headers: { cookie: `${session}; ${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ ...(version ? { version } : {}), ...fields, _csrf: token }) });
}

/** Applies for an app with this client type, approves it, copies its snippet and signs a new user in with it. */
async function signInWithTheSnippet(authMethod: 'client_secret_basic' | 'none', email: string): Promise<void> {
  const dev = await h.session('snippet-dev@example.com');
  const admin = await h.session(ADMIN_EMAIL);
  const applied = await post(dev, '/apps/new', '/apps', {
    name: `Snippet Shop (${authMethod})`,
    purpose: 'Run the integration snippet',
    website: 'https://snippet.example',
    scopes: ['read', 'receive'],
    redirect_uris: CALLBACK,
    auth_method: authMethod,
  });
  assert.equal(applied.statusCode, 303, applied.body.slice(0, 300));
  const appPath = String(applied.headers.location);
  const approved = await post(admin, '/admin', `/admin/apps/${appPath.split('/')[2]}/approve`, {});
  assert.equal(approved.statusCode, 303, approved.body.slice(0, 300));
  const appPage = await h.portal.inject({ method: 'GET', url: appPath, headers: { cookie: dev } });
  const secret = /<code id="client-secret">([^<]+)<\/code>/.exec(appPage.body)?.[1];
  assert.equal(Boolean(secret), authMethod !== 'none', 'a confidential client\'s secret is shown once');

  const page = await h.portal.inject({ method: 'GET', url: `${appPath}/integration`, headers: { cookie: dev } });
  assert.equal(page.statusCode, 200);
  const snippet = unescape(/<pre class="code" id="nextauth-snippet"[^>]*>([^]*?)<\/pre>/.exec(page.body)?.[1] ?? '');
  const clientId = /CLIENT_ID: "([^"]+)"/.exec(snippet)?.[1];
  assert.ok(clientId, snippet);
  // The guide's provider and callbacks, with the app's values.
  for (const line of [
    'id: "blink",',
    'wellKnown: `${env.HYDRA_PUBLIC}/.well-known/openid-configuration`,',
    'params: { scope: "read receive" },',
    'idToken: false,',
    `HYDRA_PUBLIC: "${h.t.urls.issuer}",`,
    'session.sub = token.sub',
    'session.accessToken = token.accessToken',
    'session.userData = res.data',
  ]) assert.ok(snippet.includes(line), `snippet has ${line}`);
  if (authMethod === 'none') {
    assert.ok(snippet.includes('CLIENT_SECRET: undefined,') && snippet.includes('client: { token_endpoint_auth_method: "none" },') && snippet.includes('checks: ["pkce", "state"],'), 'a public client: no secret, PKCE');
  }

  // The developer's lib/auth.ts: the snippet as copied, with the secret in the environment.
  if (secret) process.env.CLIENT_SECRET = secret;
  process.env.NEXTAUTH_SECRET = 'a-nextauth-secret-for-the-test-only';
  process.env.NEXTAUTH_URL = APP_ORIGIN; // the app's own address, as a NextAuth app is configured
  const file = join(dir, `auth-${authMethod}.ts`);
  writeFileSync(file, snippet);
  const { authOptions } = (await import(pathToFileURL(file).href)) as { authOptions: unknown };
  const { AuthHandler } = (await import(NEXT_AUTH_CORE)) as { AuthHandler: AuthHandler };

  const jar: Record<string, string> = {};
  const handle = async (action: string, req: Record<string, unknown> = {}) => {
    const res = await AuthHandler({ req: { method: 'GET', headers: {}, query: {}, body: {}, cookies: { ...jar }, action, ...req }, options: authOptions });
    for (const c of res.cookies ?? []) jar[c.name] = c.value;
    return res;
  };
  const { body: csrf } = await handle('csrf');
  const signIn = await handle('signin', { method: 'POST', providerId: 'blink', body: { csrfToken: (csrf as { csrfToken: string }).csrfToken, callbackUrl: APP_ORIGIN } });
  assert.ok(signIn.redirect?.startsWith(`${h.t.urls.issuer}/oauth2/auth?`), `redirected to the authorization endpoint: ${signIn.redirect}`);

  const same = (u: URL) => u;
  const back = await signInThroughLoginUi(createBrowser(), { via: { start: same, afterLogin: same }, authorizeUrl: new URL(signIn.redirect!), redirectUri: CALLBACK, email, outboxes: [h.t.dataDir] });
  const callback = await handle('callback', { providerId: 'blink', query: Object.fromEntries(back.searchParams) });
  assert.equal(callback.redirect, APP_ORIGIN, `next-auth finished the sign-in: ${JSON.stringify(callback)}`);
  assert.ok(jar['next-auth.session-token'], 'a session cookie');

  const { body } = await handle('session');
  const session = body as { sub?: string; accessToken?: string; userData?: { me?: { id: string; defaultAccount: { wallets: unknown[] } } } };
  assert.equal(session.sub, await h.user(email), 'session.sub is the user');
  assert.ok(session.userData?.me, `session.userData is the wallet API's me: ${JSON.stringify(session)}`);
  assert.ok(session.userData.me.defaultAccount.wallets.length >= 1);
  const me = await fetch(`${h.t.urls.api}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'Oauth2-Token': session.accessToken ?? '' }, body: JSON.stringify({ query: '{ me { id } }' }) });
  assert.deepEqual(((await me.json()) as { data?: unknown }).data, { me: { id: session.userData.me.id } }, 'session.accessToken works on the wallet API');
}

test("a confidential app's integration snippet is the guide's, filled in, and signs a user in with next-auth", { timeout: 120_000 }, () => signInWithTheSnippet('client_secret_basic', 'snippet-user@example.com'));

test("a public app's snippet adds no secret and PKCE, and signs a user in with next-auth", { timeout: 120_000 }, () => signInWithTheSnippet('none', 'snippet-public@example.com'));
