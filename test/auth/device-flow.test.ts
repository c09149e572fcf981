// The device authorization grant (RFC 8628) on Hydra's API (issue 16), black-box: openid-client as the
// terminal (device authorization, polling), Chromium as the phone (verification page, the login & consent
// app), the whole stack over real HTTP on PGlite (the PostgreSQL engine adds nothing here: no new SQL).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { createTokenIds } from '../../src/auth/oidc/token-ids.ts';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import type { OAuth2Client } from '../../src/hydra-port/types.ts';
import { launchBrowser, screenshots, signInOnLoginPage } from '../support/browser.ts';
import { csrfToken, formBody } from '../support/forms.ts';
import { createBrowser } from '../support/http-browser.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { lastCode, uniqueEmail } from '../support/users.ts';
import { applyClientFile, run } from '../examples/support.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const shot = screenshots('device-flow');

describe('device authorization grant (RFC 8628) on Hydra API', () => {
  let s: TestStack;
  let browser: Browser;
  let client: OAuth2Client;
  let terminal: oidc.Configuration;

  before(async () => {
    s = await startTestStack({
      env: { LIGHTGATE_SERVICES: 'auth,ui,api', DEVICE_POLL_INTERVAL: '1', DEVICE_CODE_TRIES_PER_CHALLENGE: '3', DEVICE_CODE_ADDRESS_LIMIT: '10', DEVICE_CODE_GLOBAL_LIMIT: '13' },
    });
    browser = await launchBrowser();
    const created = await s.stack.hydra!.createClient({
      client_name: 'Till 7',
      grant_types: [DEVICE_GRANT, 'refresh_token'],
      scope: 'openid offline_access read',
      token_endpoint_auth_method: 'none',
    });
    assert.ok(created.ok, JSON.stringify(created));
    client = created.value;
    terminal = await oidc.discovery(new URL(s.urls.issuer), client.client_id, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  async function onPhone<T>(name: string, body: (page: Page) => Promise<T>): Promise<T> {
    const context = await browser.newContext();
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    try {
      return await body(page);
    } catch (error) {
      await shot(page, `${name}-failure`);
      throw new Error(`${(error as Error).message}\nat ${page.url()}`, { cause: error });
    } finally {
      await context.close();
    }
  }

  test('discovery advertises the device endpoint and grant, and no registration endpoint unless enabled', async () => {
    const meta = terminal.serverMetadata();
    assert.equal(meta.device_authorization_endpoint, `${s.urls.issuer}/oauth2/device/auth`);
    assert.ok(meta.grant_types_supported?.includes(DEVICE_GRANT));
    // Dynamic client registration is off unless DCR_ENABLED: neither advertised nor served.
    assert.equal((meta as Record<string, unknown>).registration_endpoint, undefined);
    const register = await fetch(`${s.urls.issuer}/oauth2/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(register.status, 404);
  });

  test('the terminal polls while the person signs in on the phone, then gets tokens', async () => {
    const device = await oidc.initiateDeviceAuthorization(terminal, { scope: 'openid offline_access read' });
    assert.match(device.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(device.verification_uri, `${s.urls.issuer}/oauth2/device/verify`);
    assert.equal(device.interval, 1);
    let loginChallenge = '';
    const polling = oidc.pollDeviceAuthorizationGrant(terminal, device, undefined, { signal: AbortSignal.timeout(30_000) });
    const email = uniqueEmail();
    await onPhone('e2e', async (page) => {
      // Scanned from the terminal's QR code: the code is filled in, the person confirms it.
      await page.goto(device.verification_uri_complete!);
      assert.equal(new URL(page.url()).origin, s.urls.ui);
      assert.equal(await page.getByLabel('Code shown on the device').inputValue(), device.user_code);
      await shot(page, 'code-page');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(/login_challenge=/);
      loginChallenge = new URL(page.url()).searchParams.get('login_challenge')!;
      await signInOnLoginPage(page, email, (to) => lastCode(s.dataDir, to));
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByRole('heading', { name: 'Your device is signed in' }).waitFor();
      await shot(page, 'done');
    });
    const tokens = await polling;
    // Hydra's answer to a handled challenge: 410 and where to start again (the device verification page).
    const again = await s.stack.hydra!.acceptLoginRequest(loginChallenge, { subject: 'someone-else' });
    assert.ok(!again.ok && again.error.status === 410);
    assert.equal(again.error.redirect_to, `${s.urls.issuer}/oauth2/device/verify`);
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token, 'offline_access gives the terminal a refresh token');
    const claims = tokens.claims();
    const introspected = await s.stack.hydra!.introspect(tokens.access_token);
    assert.ok(introspected.ok && introspected.value.active);
    assert.equal(introspected.value.client_id, client.client_id);
    assert.equal(introspected.value.sub, claims?.sub);
    assert.deepEqual(introspected.value.scope?.split(' ').sort(), ['offline_access', 'openid', 'read']);
  });

  test('the CLI example signs a terminal in with --device (examples/cli/client.tf)', { timeout: 60_000 }, async () => {
    const applied = await applyClientFile(s.stack.listening.admin!, 'examples/cli/client.tf', ['--source', 'cli-example']);
    const cliClient = /client_id=(\S+)/.exec(applied.lines.find((l) => l.includes('hydra_oauth2_client.cli: client_id=')) ?? '')?.[1];
    assert.ok(cliClient, applied.lines.join('\n'));
    const cli = run(process.execPath, ['examples/cli/src/main.ts', '--device', '--client-id', cliClient, '--issuer', s.urls.issuer, '--api', `${s.urls.api}/graphql`, '--timeout', '60']);
    try {
      const [, uri] = await cli.waitFor(/^\s+(http\S+\/oauth2\/device\/verify)$/m, 15_000);
      const [, userCode] = await cli.waitFor(/enter the code ([A-Z]{4}-[A-Z]{4})/, 5_000);
      await onPhone('cli', async (page) => {
        await page.goto(uri!);
        await page.getByLabel('Code shown on the device').fill(userCode!);
        await page.getByRole('button', { name: 'Continue' }).click();
        await signInOnLoginPage(page, uniqueEmail(), (to) => lastCode(s.dataDir, to));
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.getByRole('heading', { name: 'Your device is signed in' }).waitFor();
      });
      await cli.waitFor(/Signed in as .* user /, 15_000);
      assert.equal(await cli.exited, 0, cli.output());
      assert.match(cli.output(), /BTC wallet .*: 0 sats/);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill();
    }
  });

  /** RFC 6749 token request of the terminal (a public client). */
  async function poll(deviceCode: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${s.urls.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: client.client_id }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  test('polling faster than the interval gets slow_down, and the interval grows', async () => {
    const device = await oidc.initiateDeviceAuthorization(terminal, { scope: 'read' });
    // Three polls at once (so they fall within one interval even on a loaded machine): one is pending, the rest too fast.
    const answers = await Promise.all([1, 2, 3].map(() => poll(device.device_code)));
    assert.deepEqual(answers.map((a) => a.body.error).sort(), ['authorization_pending', 'slow_down', 'slow_down']);
    assert.ok(answers.every((a) => a.status === 400));
    // Right away again: still too fast for the longer interval.
    assert.equal((await poll(device.device_code)).body.error, 'slow_down');
  });

  test('device and user codes are stored hashed; an expired device code gets expired_token, and its user code is no longer accepted', async () => {
    const device = await oidc.initiateDeviceAuthorization(terminal, { scope: 'read' });
    // At rest: neither the device code nor the user code in the clear (keyed hashes only).
    const plain = device.user_code.replace('-', '');
    const leaks = await s.database.db.query(`SELECT 1 FROM oidc_payloads WHERE id = $1 OR user_code = $2 OR payload::text LIKE '%' || $1 || '%' OR payload::text LIKE '%' || $2 || '%'`, [device.device_code, plain]);
    assert.equal(leaks.length, 0);
    // The clock moved on: the code's lifetime (TTL_DEVICE_USER_CODE) is over.
    await s.database.db.query(
      `UPDATE oidc_payloads SET expires_at = now() - interval '1 second', payload = jsonb_set(payload, '{exp}', to_jsonb(extract(epoch FROM now())::int - 1))
       WHERE model = 'DeviceCode' AND id = ANY($1::text[])`,
      [createTokenIds(s.config.secrets.system).candidates(device.device_code)],
    );
    const expired = await poll(device.device_code);
    assert.equal(expired.status, 400);
    assert.equal(expired.body.error, 'expired_token');
    const res = await fetch(`${s.urls.issuer}/oauth2/device/verify`, { redirect: 'manual' });
    const challenge = new URL(res.headers.get('location')!).searchParams.get('device_challenge')!;
    const refused = await s.stack.hydra!.acceptUserCodeRequest(challenge, { user_code: device.user_code });
    assert.ok(!refused.ok && refused.error.status === 400);
  });

  test('the device verifier works only in the browser that entered the code; elsewhere it denies the device', async () => {
    const device = await oidc.initiateDeviceAuthorization(terminal, { scope: 'read' });
    const context = await browser.newContext();
    context.setDefaultTimeout(8000);
    const phone = await context.newPage();
    let verifierUrl = '';
    // Stop at the login app's answer (its redirect would be followed at once): keep the verifier URL.
    await phone.route(/\/device$/, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const answer = await route.fetch({ maxRedirects: 0 });
      verifierUrl = answer.headers().location ?? '';
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>held</title><main>held</main>' });
    });
    try {
      await phone.goto(device.verification_uri);
      // Typed on a phone: lower case, a space instead of the dash.
      await phone.getByLabel('Code shown on the device').fill(device.user_code.toLowerCase().replace('-', ' '));
      await phone.getByRole('button', { name: 'Continue' }).click();
      await phone.getByText('held').waitFor();
      assert.match(verifierUrl, /^http:\/\/127\.0\.0\.1:\d+\/oauth2\/device\/verify\?device_verifier=/);
    } finally {
      await context.close();
    }
    // Another browser (no device cookie): refused, and the device is denied.
    await onPhone('other-browser', async (other) => {
      const answer = await other.goto(verifierUrl);
      assert.equal(answer?.status(), 403);
      assert.match(await other.locator('main').innerText(), /another browser/);
    });
    const denied = await poll(device.device_code);
    assert.equal(denied.body.error, 'access_denied');
  });

  test('the HTTP adapter speaks Hydra\'s device accept call; the verifier then continues in the browser holding the challenge', async () => {
    const hydra = createHttpHydraAdmin(s.stack.listening.admin!);
    const device = await oidc.initiateDeviceAuthorization(terminal, { scope: 'read' });
    const phone = createBrowser();
    const opened = await phone.fetch(device.verification_uri, { redirect: 'manual' });
    const challenge = new URL(opened.headers.get('location')!).searchParams.get('device_challenge')!;
    const unknown = await hydra.acceptUserCodeRequest('no-such-challenge', { user_code: device.user_code });
    assert.ok(!unknown.ok && unknown.error.status === 404);
    const accepted = await hydra.acceptUserCodeRequest(challenge, { user_code: device.user_code });
    assert.ok(accepted.ok, JSON.stringify(accepted));
    const next = await phone.fetch(accepted.value.redirect_to, { redirect: 'manual' });
    assert.equal(next.status, 303);
    assert.equal(new URL(next.headers.get('location')!).pathname, '/login');
  });

  test('bad input: 4xx pages and errors, never a 500', async () => {
    const issuer = s.urls.issuer;
    // oidc-provider's own user-code forms are never served; nobody posts codes here.
    assert.equal((await fetch(`${issuer}/oauth2/device/verify`, { method: 'POST', body: formBody({ user_code: 'BBBB-BBBB', xsrf: 'x', confirm: 'yes' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 405);
    assert.equal((await fetch(`${issuer}/oauth2/device/verify?device_verifier=forged`, { redirect: 'manual' })).status, 403);
    assert.equal((await fetch(`${issuer}/oauth2/device/verify?login_verifier=forged`, { redirect: 'manual' })).status, 403);
    // The login app's page: a challenge is required, and its form needs its CSRF token.
    assert.equal((await fetch(`${s.urls.ui}/device`)).status, 400);
    // In the person's language (the login app's English and Spanish).
    const spanish = await fetch(`${s.urls.ui}/device?device_challenge=c&user_code=%3Cb%3E`, { headers: { 'accept-language': 'es' } });
    const page = await spanish.text();
    assert.match(page, /Código que muestra el dispositivo/);
    assert.ok(!page.includes('<b>') && page.includes('&lt;b&gt;'), 'the code from the URL is escaped');
    const noCsrf = await fetch(`${s.urls.ui}/device`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody({ device_challenge: 'c', user_code: 'BBBB-BBBB' }) });
    assert.equal(noCsrf.status, 403);
    // Hydra's admin call: strict body, a challenge and a code are required, an unknown challenge is 404.
    const admin = s.stack.listening.admin!;
    const accept = (query: string, body: unknown) => fetch(`${admin}/admin/oauth2/auth/requests/device/accept${query}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await accept('?device_challenge=x', { user_code: 'BBBB-BBBB', extra: 1 })).status, 400);
    assert.equal((await accept('', { user_code: 'BBBB-BBBB' })).status, 400);
    assert.equal((await accept('?device_challenge=x', {})).status, 400);
    assert.equal((await accept('?device_challenge=unknown', { user_code: 'BBBB-BBBB' })).status, 404);
    // The device authorization endpoint: an unknown client, a scope the client is not registered for.
    const deviceAuth = (body: Record<string, string>) => fetch(`${issuer}/oauth2/device/auth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody(body) });
    assert.equal((await deviceAuth({ client_id: 'nobody', scope: 'read' })).status, 401);
    const extra = await deviceAuth({ client_id: client.client_id, scope: 'read write' });
    assert.equal(extra.status, 400);
    assert.equal(((await extra.json()) as { error: string }).error, 'invalid_scope');
  });

  describe('user codes are throttled against guessing', () => {
    /** A device challenge bound to a fresh cookie jar, and the login app's form for it. */
    async function openVerification() {
      const b = createBrowser();
      const res = await b.fetch(`${s.urls.issuer}/oauth2/device/verify`, { redirect: 'manual' });
      assert.equal(res.status, 303);
      const page = new URL(res.headers.get('location')!);
      const challenge = page.searchParams.get('device_challenge')!;
      const form = await b.fetch(page);
      const csrf = csrfToken(await form.text())!;
      const submit = async (userCode: string) => {
        const answer = await b.fetch(`${s.urls.ui}/device`, {
          method: 'POST',
          redirect: 'manual',
          // A forged X-Forwarded-For changes nothing: TRUST_PROXY is off, the one resolver counts the peer.
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 250) + 1}` },
          body: formBody({ _csrf: csrf, device_challenge: challenge, user_code: userCode }),
        });
        await answer.arrayBuffer();
        return answer.status;
      };
      return { challenge, submit };
    }

    test('per device challenge, per requester address (forwarded headers ignored) and over all challenges', async () => {
      // 3 tries per challenge: the 4th is refused and the challenge is gone.
      const one = await openVerification();
      for (let i = 0; i < 3; i += 1) assert.equal(await one.submit('BBBB-BBBB'), 400, `try ${i}`);
      assert.equal(await one.submit('BBBB-BBBB'), 429);
      // 10 tries per address: 7 so far (3 in the tests above); 3 more on a new challenge, then this address is refused.
      const two = await openVerification();
      for (let i = 0; i < 3; i += 1) assert.equal(await two.submit('CCCC-CCCC'), 400);
      assert.equal(await (await openVerification()).submit('DDDD-DDDD'), 429);
      // 13 wrong codes over all challenges and addresses (7 so far, one the expired code above): the port itself, as another login app would.
      const hydra = s.stack.hydra!;
      for (let n = 0; n < 2; n += 1) {
        const { challenge } = await openVerification();
        for (let i = 0; i < 3; i += 1) {
          const wrong = await hydra.acceptUserCodeRequest(challenge, { user_code: 'FFFF-FFFF' });
          assert.ok(!wrong.ok && wrong.error.status === 400);
        }
      }
      // Now even the right code is refused everywhere until the window ends.
      const device = await oidc.initiateDeviceAuthorization(terminal, { scope: 'read' });
      const { challenge } = await openVerification();
      const right = await hydra.acceptUserCodeRequest(challenge, { user_code: device.user_code });
      assert.ok(!right.ok && right.error.status === 429, JSON.stringify(right));
    });
  });
});
