// Passkeys end to end in Chromium with CDP virtual authenticators (issue 17): added in the account area,
// several per person; "Sign in with a passkey" on the login page goes through the same login-challenge protocol
// (accept login) as one-time codes; a captured passkey sign-in cannot be replayed; a passkey sign-in in another
// browser cannot finish the flow this browser started; a passkey as the second step instead of the
// authenticator code; removed, it no longer signs in. WebAuthn needs a domain, so the login app and the portal
// are served as http://localhost (a secure context); screenshots go to test-artifacts/account/passkey-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BrowserContext, CDPSession, Page, Request } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshots, signInOnLoginPage, stepper } from '../support/browser.ts';
import { freePort } from '../support/ports.ts';
import { lastCode } from '../support/users.ts';
import { startPortalHarness, type PortalHarness } from '../portal/harness.ts';

const EMAIL = 'passkey-person@example.com';
let h: PortalHarness;
let browser: Browser;
const contexts: BrowserContext[] = [];
const shot = ((s) => (page: Page, name: string) => s(page, `passkey-${name}`))(screenshots('account'));
const step = stepper(shot);

before(async () => {
  const [ui, portal] = await Promise.all([freePort(), freePort()]);
  h = await startPortalHarness({
    env: { LIGHTGATE_SERVICES: 'auth,ui,portal', UI_HOST: '127.0.0.1', UI_PORT: String(ui), URLS_UI: `http://localhost:${ui}`, PORTAL_PORT: String(portal), URLS_PORTAL: `http://localhost:${portal}` },
  });
  browser = await launchBrowser();
});
after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await h?.close();
});

interface Device {
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
}

/**
 * A fresh browser profile with a platform authenticator (user verification, resident keys), optionally holding
 * `credentials`. A virtual authenticator answers a conditional UI request at once, so unless `conditional` is
 * asked for, the browser says it has no conditional UI (as browsers without it do) and the button is what signs in.
 */
async function device(credentials: unknown[] = [], { conditional = false } = {}): Promise<Device> {
  const context = await browser.newContext();
  if (!conditional) await context.addInitScript(() => Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false }));
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  for (const credential of credentials) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: credential as never });
  return { page, cdp, authenticatorId };
}

/** The device's passkey as it is now: its signature counter moved on, and a copy with an older counter is a clone. */
async function current(dev: Device) {
  const { credentials } = await dev.cdp.send('WebAuthn.getCredentials', { authenticatorId: dev.authenticatorId });
  assert.ok(credentials[0], 'the device holds its passkey');
  return credentials[0];
}

const letTimePass = () => h.t.stack.db.query("UPDATE rate_limits SET window_start = window_start - interval '1 minute' WHERE key LIKE 'identity:code-resend:%'");

async function toLoginPage(page: Page) {
  await page.goto(h.t.urls.portal);
  await page.getByRole('link', { name: 'Sign in with Lightgate' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(new URL(page.url()).origin, h.t.urls.ui);
}

test('add a passkey, sign in with it, no replay, not from another browser, as second step, removed', async () => {
  // 1. Signed in with an emailed code, the person adds two passkeys in the account area.
  const laptop = await device();
  const credentials = await step(laptop.page, 'add', async () => {
    await letTimePass();
    await toLoginPage(laptop.page);
    await signInOnLoginPage(laptop.page, EMAIL, (to) => lastCode(h.t.dataDir, to));
    await laptop.page.waitForURL(`${h.t.urls.portal}/apps`);
    await laptop.page.goto(`${h.t.urls.portal}/account/security`);
    await laptop.page.getByRole('heading', { name: 'Passkeys' }).waitFor();
    const add = async (name: string) => {
      await laptop.page.getByLabel('Name for this passkey').fill(name);
      await Promise.all([laptop.page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/account/security/passkeys')), laptop.page.getByRole('button', { name: 'Add a passkey' }).click()]);
      await laptop.page.waitForLoadState('load');
      await laptop.page.getByText('Passkey added. You can now sign in with it.').waitFor();
    };
    await add('Work laptop');
    const { credentials: first } = await laptop.cdp.send('WebAuthn.getCredentials', { authenticatorId: laptop.authenticatorId });
    // A second passkey needs a second authenticator (one authenticator holds one passkey per account: excludeCredentials).
    await laptop.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: laptop.authenticatorId });
    const { authenticatorId: phone } = await laptop.cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await add('Phone');
    const listed = await laptop.page.locator('ul.passkeys li').allInnerTexts();
    assert.equal(listed.length, 2, listed.join('\n'));
    assert.match(listed.join('\n'), /Work laptop[^]*Phone/);
    await shot(laptop.page, '01-account-passkeys');
    const { credentials: second } = await laptop.cdp.send('WebAuthn.getCredentials', { authenticatorId: phone });
    assert.equal(first.length + second.length, 2, 'one discoverable credential on each authenticator');
    return [...first, ...second];
  });
  const [row] = await h.t.stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM passkeys p JOIN users u ON u.id = p.user_id WHERE u.email = $1', [EMAIL]);
  assert.equal(row!.n, 2);

  // 2. Another browser holding the first passkey: "Sign in with a passkey", no address, no code.
  const other = await device([credentials[0]]);
  let captured: { body: string; cookie: string } | undefined;
  other.page.on('request', (r: Request) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/login/passkey') captured = { body: r.postData() ?? '', cookie: '' };
  });
  await step(other.page, 'sign-in', async () => {
    await toLoginPage(other.page);
    await shot(other.page, '02-login-page');
    const cookies = await other.page.context().cookies(`${h.t.urls.ui}/login/passkey`);
    const handleCookie = cookies.find((c) => c.name === 'lg_passkey');
    assert.ok(handleCookie?.httpOnly, 'the challenge handle is in an HttpOnly cookie');
    await other.page.getByLabel('Keep me signed in on this device').check();
    await other.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await other.page.waitForURL(`${h.t.urls.portal}/apps`);
    // "Keep me signed in" holds for a passkey sign-in too: the auth server's session cookie outlives the browser session.
    const session = (await other.page.context().cookies(h.t.urls.issuer)).find((c) => c.name === 'lg_session');
    assert.ok(session && session.expires > Date.now() / 1000 + 3600, `a remembered session: ${JSON.stringify(session)}`);
    await other.page.getByRole('navigation', { name: 'Portal' }).getByText(EMAIL).waitFor();
    captured = { body: captured!.body, cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
  });
  assert.ok(captured?.body.includes('credential='), 'the form carried the assertion');
  const sent = captured as { body: string; cookie: string };
  credentials[0] = await current(other);

  // 2b. Conditional UI: a browser that already holds a passkey is offered it in the address field's autofill;
  // the virtual authenticator picks it at once, so the sign-in completes without pressing anything.
  const autofill = await device([credentials[1]], { conditional: true });
  await step(autofill.page, 'conditional-ui', async () => {
    await autofill.page.goto(h.t.urls.portal);
    await autofill.page.getByRole('link', { name: 'Sign in with Lightgate' }).click();
    await autofill.page.waitForURL(`${h.t.urls.portal}/apps`);
    await autofill.page.getByRole('navigation', { name: 'Portal' }).getByText(EMAIL).waitFor();
  });
  const transient = (await autofill.page.context().cookies(h.t.urls.issuer)).find((c) => c.name === 'lg_session');
  assert.ok(!transient || transient.expires === -1, `not remembered when the box was not ticked: ${JSON.stringify(transient)}`);
  credentials[1] = await current(autofill);

  // 3. The same assertion, handle and CSRF cookie sent again: the challenge was used, nothing is accepted.
  const replay = await fetch(`${h.t.urls.ui}/login/passkey`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: sent.cookie }, body: sent.body });
  assert.equal(replay.status, 303);
  assert.match(String(replay.headers.get('location')), /^\/login\?login_challenge=/, 'back to the login page, not on to the auth server');

  // 4. Two browsers: a passkey sign-in in another browser cannot finish the flow this browser started.
  const victim = await device();
  await toLoginPage(victim.page);
  const victimLogin = victim.page.url();
  const attacker = await device([credentials[1]]);
  await step(attacker.page, 'two-browsers', async () => {
    await attacker.page.goto(victimLogin);
    await attacker.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    // The login challenge is accepted for the passkey's owner, but its verifier only works in the browser that
    // started the flow: the auth server refuses it here, and the app gets access_denied.
    await attacker.page.waitForURL(/\/auth\/callback\?error=access_denied/);
    assert.match(new URL(attacker.page.url()).searchParams.get('error_description') ?? '', /presented by another browser/);
    await shot(attacker.page, '03-other-browser');
  });
  await victim.page.reload();
  await victim.page.waitForLoadState('networkidle');
  assert.ok(!victim.page.url().startsWith(`${h.t.urls.portal}/apps`), 'nor is the browser that started the flow');

  // 5. As the second step: with TOTP on, the authenticator step offers the passkey instead of the code.
  const userId = (await h.t.stack.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [EMAIL]))[0]!.id;
  const enrol = await h.t.stack.identity!.initiateTotp(userId as never);
  assert.ok(enrol.ok);
  const { totpCodeAt } = await import('../../src/identity/services/totp.ts');
  assert.ok((await h.t.stack.identity!.confirmTotp({ userId: userId as never, totpRegistrationId: enrol.value.totpRegistrationId, totpCode: totpCodeAt(enrol.value.totpSecret, new Date()) })).ok);
  const second = await device();
  await step(second.page, 'second-factor', async () => {
    await letTimePass();
    await toLoginPage(second.page);
    await signInOnLoginPage(second.page, EMAIL, (to) => lastCode(h.t.dataDir, to));
    await second.page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await second.cdp.send('WebAuthn.addCredential', { authenticatorId: second.authenticatorId, credential: credentials[0] as never });
    await shot(second.page, '04-totp-step');
    await second.page.getByRole('button', { name: 'Use a passkey instead' }).click();
    await second.page.waitForURL(`${h.t.urls.portal}/apps`);
  });

  // 6. Removed (after a confirmation page), the passkey no longer signs in.
  await step(laptop.page, 'remove', async () => {
    await laptop.page.goto(`${h.t.urls.portal}/account/security`);
    await laptop.page.getByRole('link', { name: 'Remove: Work laptop' }).click();
    await laptop.page.getByRole('heading', { name: 'Remove the passkey “Work laptop”?' }).waitFor();
    await shot(laptop.page, '05-remove-confirm');
    await laptop.page.getByRole('button', { name: 'Remove' }).click();
    await laptop.page.getByText('The passkey was removed.').waitFor();
    assert.equal(await laptop.page.locator('ul.passkeys li').count(), 1);
  });
  const after = await device([credentials[0]]);
  await step(after.page, 'removed', async () => {
    await toLoginPage(after.page);
    await after.page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await after.page.getByText(/That passkey could not be checked/).waitFor();
    assert.equal(new URL(after.page.url()).pathname, '/login');
    await shot(after.page, '06-removed');
  });
  const activity = await h.t.stack.identity!.activity(userId as never);
  assert.ok(activity.some((a) => a.kind === 'sign-in' && a.detail.startsWith('hwk')), JSON.stringify(activity));
});
