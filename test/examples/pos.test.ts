// The POS example (examples/pos: Next.js + NextAuth v4 with Blink's provider) against a whole stack: its client
// registered from examples/pos/client.tf, the production build served by `next start`, and chromium signing a
// merchant in through the real login & consent pages, charging a customer, and seeing the invoice paid.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startStackHarness, type StackHarness } from '../sdk/harness.ts';
import { freePort } from '../support/stack.ts';
import { launchBrowser } from '../support/browser.ts';
import { applyClientFile, ROOT, run, shot, signInThroughPages, type Proc } from './support.ts';

const POS = join(ROOT, 'examples', 'pos');
const fromPos = createRequire(join(POS, 'package.json'));
const NEXT = fromPos.resolve('next/dist/bin/next');
// NextAuth's own JWT helpers (the POS's copy), to read and age the session cookie as the app would see it.
const jwt = fromPos('next-auth/jwt') as {
  encode(params: { token: Record<string, unknown>; secret: string }): Promise<string>;
  decode(params: { token: string; secret: string }): Promise<Record<string, unknown> | null>;
};

/** Newest modification time of the app's sources, to skip `next build` when .next is up to date. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.next' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

async function buildOnce(): Promise<void> {
  const buildId = join(POS, '.next', 'BUILD_ID');
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSource(POS)) return;
  const build = run(process.execPath, [NEXT, 'build'], { cwd: POS, env: { NEXT_TELEMETRY_DISABLED: '1' } });
  const code = await build.exited;
  assert.equal(code, 0, `next build failed:\n${build.output().slice(-4000)}`);
}

describe('POS example: NextAuth with the Blink provider, invoices paid through the API', () => {
  let h: StackHarness;
  let pos: Proc;
  let posUrl: string;
  let browser: Browser;

  const secret = randomBytes(32).toString('base64url');
  const started: Proc[] = [];

  /** Serves the build on a free port with a client registered for it: from client.tf, or a copy of it. */
  async function startPos(register: 'client.tf' | 'copy', env: Record<string, string> = {}, scope = 'read offline_access'): Promise<{ url: string; proc: Proc; clientId: string }> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let client: { client_id: string; client_secret?: string | undefined } | undefined;
    if (register === 'client.tf') {
      const applied = await applyClientFile(h.stack.stack.listening.admin!, 'examples/pos/client.tf', ['--var', `pos_url=${url}`]);
      client = applied.secrets['hydra_oauth2_client.galoy_pay'];
      assert.ok(client?.client_secret, `the POS client was created with a secret:\n${applied.lines.join('\n')}`);
    } else {
      // A second POS beside the first: the same client settings, its own redirect URI.
      client = await h.createClient({
        client_name: 'Lightgate POS (refresh)',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope,
        redirect_uris: [`${url}/api/auth/callback/blink`],
      });
    }
    assert.ok(client.client_secret);
    const proc = run(process.execPath, [NEXT, 'start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: POS,
      env: {
        NEXT_TELEMETRY_DISABLED: '1',
        HYDRA_PUBLIC: h.issuer,
        CLIENT_ID: client.client_id,
        CLIENT_SECRET: client.client_secret,
        BLINK_API: h.graphqlUrl,
        NEXTAUTH_URL: url,
        NEXTAUTH_SECRET: secret,
        ...env,
      },
    });
    started.push(proc);
    await proc.waitFor(/Ready in|started server/i, 30_000);
    return { url, proc, clientId: client.client_id };
  }

  before(
    async () => {
      const [harness] = await Promise.all([startStackHarness(), buildOnce()]);
      h = harness;
      ({ url: posUrl, proc: pos } = await startPos('client.tf'));
      browser = await launchBrowser();
    },
    { timeout: 240_000 },
  );
  after(async () => {
    await browser?.close();
    await Promise.all(started.map((p) => p.stop()));
    await h?.close();
  });

  async function withPage(name: string, body: (page: Page, context: BrowserContext) => Promise<void>, server: Proc = pos) {
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      await body(page, context);
    } catch (error) {
      await shot(page, `pos-${name}-failure`).catch(() => {});
      const text = (await page.locator('body').innerText().catch(() => '')).slice(0, 500);
      throw new Error(`${(error as Error).message}\nat ${page.url()}\n${text}\nPOS output:\n${server.output().slice(-2000)}`, { cause: error });
    } finally {
      await context.close();
    }
  }

  test('a merchant signs in, is asked for a username, charges a customer, and sees the invoice paid', { timeout: 120_000 }, async () => {
    const email = `merchant-${Date.now()}@example.com`;
    const customer = await h.signUp(`customer-${Date.now()}@example.com`);
    await h.fund(customer.btcWalletId, 20_000);

    await withPage('sale', async (page) => {
      await page.goto(posUrl);
      await page.getByRole('button', { name: 'Sign in with Blink' }).waitFor();
      await shot(page, 'pos-01-signed-out');
      await page.getByRole('button', { name: 'Sign in with Blink' }).click();
      // NextAuth sends the browser to the authorization server, which hands it to the login & consent app.
      await page.waitForURL((u) => u.origin === h.stack.urls.ui);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.ok(await page.getByText('Blink POS').first().isVisible(), 'the login page names the POS (the guide\'s client)');
      // A first sign-in creates the wallet; the account has no username yet.
      // The guide's client skips the consent page.
      await signInThroughPages(page, h.stack.dataDir, email, 'pos-02', { consent: false });
      await page.waitForURL((u) => u.origin === posUrl);

      await page.getByRole('heading', { name: 'Set a username first' }).waitFor();
      const refusal = await page.locator('main').innerText();
      assert.match(refusal, /Settings → Username/);
      assert.match(refusal, /userUpdateUsername/);
      assert.equal(await page.getByRole('button', { name: 'Create invoice' }).count(), 0, 'no register without a username');
      await shot(page, 'pos-03-no-username');
      // The API route refuses too, whatever the page shows.
      assert.equal((await page.request.post(`${posUrl}/api/invoice`, { data: { amount: 100 } })).status(), 403);

      // The merchant picks a username in the wallet app; the POS reads it on the next session read.
      const merchant = await h.accountOf(email);
      const username = `satoshis_cafe_${Date.now() % 100000}`;
      await h.setUsernameOf(merchant, username);
      await page.reload();
      await page.getByRole('heading', { name: `${username}’s POS` }).waitFor();
      const wallets = page.getByRole('list', { name: 'Wallets' });
      assert.match(await wallets.innerText(), /BTC wallet · default\s+0 sats/);
      assert.match(await wallets.innerText(), /USD wallet\s+\$0\.00/);
      assert.equal(await page.locator(`[data-wallet-id="${merchant.btcWalletId}"]`).count(), 1, 'shows the merchant’s own wallets');
      await shot(page, 'pos-04-register');

      // The page watches the invoice over the API's WebSocket (a GraphQL subscription), not by polling.
      const frames: string[] = [];
      page.on('websocket', (ws) => {
        if (ws.url() === `${h.graphqlUrl.replace(/^http/, 'ws')}`) ws.on('framereceived', (f) => frames.push(String(f.payload)));
      });
      await page.getByLabel('Amount (sats)').fill('2100');
      await page.getByLabel('Note for the customer').fill('Two coffees');
      await page.getByRole('button', { name: 'Create invoice' }).click();
      await page.getByRole('img', { name: 'Lightning invoice QR code' }).waitFor();
      const paymentRequest = (await page.getByTestId('payment-request').innerText()).trim();
      assert.match(paymentRequest, /^lnbc(rt|tb|tbs)?21u1/, 'a 2,100 sat BOLT11 invoice (amount 21u = 2,100 sats)');
      assert.match(await page.getByRole('status').innerText(), /Waiting for payment/);
      const qrSrc = await page.getByRole('img', { name: 'Lightning invoice QR code' }).getAttribute('src');
      assert.match(qrSrc ?? '', /^data:image\/png;base64,/);
      await shot(page, 'pos-05-invoice');

      const status = await h.gql('query($i: LnInvoicePaymentStatusInput!) { lnInvoicePaymentStatus(input: $i) { status } }', { i: { paymentRequest } });
      assert.equal(status.body.data.lnInvoicePaymentStatus.status, 'PENDING');

      // The customer pays from their own wallet, through the API with their session.
      const paid = await h.gql(
        'mutation($input: LnInvoicePaymentInput!) { lnInvoicePaymentSend(input: $input) { status errors { message } } }',
        { input: { walletId: customer.btcWalletId, paymentRequest } },
        { authorization: `Bearer ${customer.session}` },
      );
      assert.equal(paid.body.data?.lnInvoicePaymentSend.status, 'SUCCESS', JSON.stringify(paid.body));

      await page.getByText('Paid ✓').waitFor();
      assert.ok(frames.some((f) => f.includes('"lnInvoicePaymentStatusByPaymentRequest"') && f.includes('"PAID"')), `the PAID status came over the subscription: ${frames.join(' | ')}`);
      // The money is in the merchant's wallet (lnInvoiceCreateOnBehalfOfRecipient used their wallet id); the POS
      // reads the session again once paid, and the sale stays on screen.
      await page.locator(`[data-wallet-id="${merchant.btcWalletId}"]`).getByText('2,100 sats').waitFor();
      assert.equal(await page.getByTestId('payment-request').innerText(), paymentRequest);
      await shot(page, 'pos-06-paid');

      await page.getByRole('button', { name: 'New sale' }).click();
      await page.getByRole('button', { name: 'Create invoice' }).waitFor();
    });
  });

  /** NextAuth's session cookie (a JWE under NEXTAUTH_SECRET), decrypted as the POS itself would. */
  async function sessionCookie(context: BrowserContext, url: string): Promise<Record<string, unknown>> {
    const cookie = (await context.cookies(url)).find((c) => c.name === 'next-auth.session-token');
    assert.ok(cookie, 'signed in: NextAuth set its session cookie');
    const decoded = await jwt.decode({ token: cookie.value, secret });
    assert.ok(decoded);
    return decoded as Record<string, unknown>;
  }
  /** The refresh tokens the authorization server holds for a client: how many, how many used (rotated). */
  async function refreshTokensOf(clientId: string): Promise<{ all: number; used: number }> {
    const [row] = await h.stack.stack.db.query<{ all: number; used: number }>(
      "SELECT count(*)::int AS all, count(consumed_at)::int AS used FROM oidc_payloads WHERE model = 'RefreshToken' AND client_id = $1",
      [clientId],
    );
    return row!;
  }
  /** What NextAuth may keep in the browser's session cookie: who, when, and the id of the server-side token record. */
  const COOKIE_CLAIMS = new Set(['sub', 'name', 'email', 'picture', 'sid', 'iat', 'exp', 'jti', 'error']);

  test("the session is the guide's (sub, accessToken, userData) on the server; the browser's copy holds no token (issue 19 #16); sign-out revokes the token", { timeout: 60_000 }, async () => {
    const email = `session-${Date.now()}@example.com`;
    await withPage('session', async (page, context) => {
      await page.goto(posUrl);
      await page.getByRole('button', { name: 'Sign in with Blink' }).click();
      await page.waitForURL((u) => u.origin === h.stack.urls.ui);
      await signInThroughPages(page, h.stack.dataDir, email, undefined, { consent: false });
      await page.waitForURL((u) => u.origin === posUrl);
      await page.getByRole('heading', { name: 'Set a username first' }).waitFor();

      const res = await page.request.get(`${posUrl}/api/auth/session`);
      assert.equal(res.status(), 200);
      const session = (await res.json()) as { sub?: string; accessToken?: string; userData?: { me?: { id: string } }; merchant?: unknown };
      // What the guide's session callback sets: the user id, the access token and the wallet API's `me`; the
      // browser's copy (GET /api/auth/session) leaves the access token out.
      const account = await h.accountOf(email);
      assert.equal(session.sub, account.userId, 'session.sub is the user');
      assert.ok(session.userData?.me?.id, `session.userData is the wallet API's me: ${JSON.stringify(session)}`);
      assert.ok(session.merchant, 'and the merchant the page shows');
      const text = JSON.stringify(session);
      for (const field of ['accessToken', 'access_token', 'refreshToken', 'refresh_token']) assert.ok(!text.includes(field), `no ${field} in ${text}`);
      const liveAccessTokens = async () =>
        (await h.stack.stack.db.query<{ n: number }>("SELECT count(*)::int AS n FROM oidc_payloads WHERE model = 'AccessToken' AND subject = $1 AND expires_at > now()", [account.userId]))[0]!.n;
      assert.ok((await liveAccessTokens()) > 0, 'the POS holds a live access token for this user');

      const claims = await sessionCookie(context, posUrl);
      assert.deepEqual(Object.keys(claims).filter((k) => !COOKIE_CLAIMS.has(k)), [], `cookie claims: ${JSON.stringify(claims)}`);
      assert.match(String(claims.sid), /^[0-9a-f-]{36}$/, 'a random session id');
      for (const cookie of await context.cookies(posUrl)) {
        if (cookie.name !== 'next-auth.session-token') assert.ok(cookie.value.length < 200, `${cookie.name} is small`);
      }
      // The invoice route uses the server's session (getServerSession): its accessToken read the wallet.
      assert.equal((await page.request.post(`${posUrl}/api/invoice`, { data: { amount: 100 } })).status(), 403, 'signed in (no username yet)');

      // Signing out revokes the token and forgets it: the old cookie and the session's token no longer work.
      const cookie = (await context.cookies(posUrl)).find((c) => c.name === 'next-auth.session-token')!;
      const csrf = ((await (await page.request.get(`${posUrl}/api/auth/csrf`)).json()) as { csrfToken: string }).csrfToken;
      await page.request.post(`${posUrl}/api/auth/signout`, { form: { csrfToken: csrf, json: 'true' } });
      const replay = await fetch(`${posUrl}/api/invoice`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `next-auth.session-token=${cookie.value}` }, body: JSON.stringify({ amount: 100 }) });
      assert.equal(replay.status, 401, 'a copied session cookie is dead after sign-out');
      // Revoked at the authorization server (RFC 7009): no live access token of this user remains.
      let revoked = false;
      for (let i = 0; i < 20 && !revoked; i++) {
        revoked = (await liveAccessTokens()) === 0;
        if (!revoked) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(revoked, 'the access token was revoked at sign-out');
    });
  });

  test('with BLINK_SCOPE="read offline_access" an expired access token is refreshed and the refresh token rotated', { timeout: 60_000 }, async () => {
    // TOKEN_REFRESH_MARGIN_SECONDS longer than the token's life: every session read finds it expiring and refreshes.
    const { url, proc, clientId } = await startPos('copy', { BLINK_SCOPE: 'read offline_access', TOKEN_REFRESH_MARGIN_SECONDS: '86400' });
    const email = `refresh-${Date.now()}@example.com`;
    await withPage('refresh', async (page) => {
      await page.goto(url);
      await page.getByRole('button', { name: 'Sign in with Blink' }).click();
      await page.waitForURL((u) => u.origin === h.stack.urls.ui);
      await signInThroughPages(page, h.stack.dataDir, email);
      await page.waitForURL((u) => u.origin === url);
      const account = await h.accountOf(email);
      const username = `refresher_${Date.now() % 100000}`;
      await h.setUsernameOf(account, username);
      const before = await refreshTokensOf(clientId);
      assert.ok(before.all >= 1, 'offline_access granted: a refresh token was issued');
      await page.reload();
      await page.getByRole('heading', { name: `${username}’s POS` }).waitFor();
      const after = await refreshTokensOf(clientId);
      assert.ok(after.used > before.used, `the refresh token was used and rotated: ${JSON.stringify({ before, after })}`);
      assert.ok(after.all > before.all, 'a new refresh token was issued and kept');
      // The refreshed token works for the invoice route.
      const invoice = await page.request.post(`${url}/api/invoice`, { data: { amount: 10 } });
      assert.equal(invoice.status(), 200, await invoice.text());
    }, proc);
  });

  test('with Blink’s scope "read" alone an expired access token ends the session with a clear message', { timeout: 60_000 }, async () => {
    const { url, proc } = await startPos('copy', { TOKEN_REFRESH_MARGIN_SECONDS: '86400' });
    const email = `expired-${Date.now()}@example.com`;
    await withPage('expired', async (page) => {
      await page.goto(url);
      await page.getByRole('button', { name: 'Sign in with Blink' }).click();
      await page.waitForURL((u) => u.origin === h.stack.urls.ui);
      await signInThroughPages(page, h.stack.dataDir, email);
      await page.waitForURL((u) => u.origin === url);
      // No offline_access, no refresh token (Hydra's rule): the first session read finds the token expiring.
      await page.getByRole('alert').getByText('Your session has ended.').waitFor();
      await page.getByRole('button', { name: 'Sign in again' }).waitFor();
      await shot(page, 'pos-07-session-ended');
      // An expired token is refused by the invoice route as well.
      assert.equal((await page.request.post(`${url}/api/invoice`, { data: { amount: 10 } })).status(), 401);
    }, proc);
  });

  test('issue 15: with BLINK_SCOPE="read write" and POS_BUDGET_SATS_PER_DAY the POS asks for a budget; the consent page words it, the merchant lowers it, the grant keeps the lowered one', { timeout: 60_000 }, async () => {
    const { url, proc } = await startPos('copy', { BLINK_SCOPE: 'read write', POS_BUDGET_SATS_PER_DAY: '5000', POS_BUDGET_SATS_PER_PAYMENT: '1000' }, 'read write');
    const email = `budget-${Date.now()}@example.com`;
    await withPage('budget', async (page) => {
      await page.goto(url);
      await page.getByRole('button', { name: 'Sign in with Blink' }).click();
      await page.waitForURL((u) => u.origin === h.stack.urls.ui);
      await signInThroughPages(page, h.stack.dataDir, email, undefined, { consent: false });
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      assert.match(await page.locator('main').innerText(), /up to 5,000 sats \(≈ \$5\.00\) per day, at most 1,000 sats per payment/);
      await page.getByLabel(/Most it may send per day/).fill('2000');
      await shot(page, 'pos-budget-consent');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((u) => u.origin === url);
      const { userId } = await h.accountOf(email);
      const sessions = await h.stack.stack.hydra!.listConsentSessions(userId);
      assert.ok(sessions.ok);
      assert.deepEqual(
        sessions.value.map((s) => (s as unknown as { grant_authorization_details?: unknown }).grant_authorization_details),
        [[{ type: 'wallet_spend', limit: { amount: 2000, currency: 'BTC' }, period: 'P1D', per_payment_max: 1000 }]],
      );
    }, proc);
  });

  test('the invoice API needs a signed-in merchant', async () => {
    const res = await fetch(`${posUrl}/api/invoice`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 100 }) });
    assert.equal(res.status, 401);
  });
});
