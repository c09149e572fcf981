// Two-step verification in a real browser (chromium via playwright-core) on a whole stack: a person signs
// in to the portal through the login UI (emailed code), sets up TOTP on the Security page from the QR
// code's key (codes computed with otpauth, as an authenticator app would), signs in again and must pass
// the login UI's authenticator step, then turns TOTP off with a current code; the next sign-in asks only
// for the emailed code. Screenshots go to test-artifacts/portal/security-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { type Browser, type Page } from 'playwright-core';
import { lastCode } from '../support/users.ts';
import { launchBrowser, profiles, screenshots, signInOnLoginPage, stepper } from '../support/browser.ts';
import { startPortalHarness, type PortalHarness } from './harness.ts';

const EMAIL = 'careful-user@example.com';

let h: PortalHarness;
let browser: Browser;
const pages = profiles(() => browser);

before(async () => {
  h = await startPortalHarness();
  browser = await launchBrowser();
});

after(async () => {
  await pages.closeAll();
  await browser?.close();
  await h?.close();
});

/** A fresh browser profile: no cookie of the portal or of the auth server's login session. */
const newPage = pages.newPage;

const portalShot = screenshots('portal');
const shot = (page: Page, name: string) => portalShot(page, `security-${name}`);

const step = stepper(shot);

/** What an authenticator app shows for this key, `offsetSteps` periods of 30 s from now. */
const codeAt = (secret: string, offsetSteps: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

/**
 * The resend throttle allows one code per address per 30 s (tested in the identity suite); these
 * sign-ins follow each other within seconds, so its window is moved back as if the time had passed.
 */
const letTimePassForResend = () => h.t.stack.db.query("UPDATE rate_limits SET window_start = window_start - interval '1 minute' WHERE key LIKE 'identity:code-resend:%'");

/** Portal → login UI: email, the code from the outbox; the authenticator step when `totp` is given. */
async function signIn(page: Page, options: { totp?: () => string; shotPrefix?: string } = {}) {
  await letTimePassForResend();
  await page.goto(h.t.urls.portal);
  await page.getByRole('link', { name: 'Sign in with Lightgate' }).click();
  await signInOnLoginPage(page, EMAIL, (to) => lastCode(h.t.dataDir, to), { atPage: async () => assert.equal(new URL(page.url()).origin, h.t.urls.ui) });
  if (options.totp) {
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    assert.equal(new URL(page.url()).origin, h.t.urls.ui, 'the authenticator step is in the login UI');
    if (options.shotPrefix) await shot(page, `${options.shotPrefix}-login-totp`);
    await page.getByLabel('Authenticator code').fill(options.totp());
    await page.getByRole('button', { name: 'Verify and continue' }).click();
  }
  await page.waitForURL(`${h.t.urls.portal}/apps`);
  await page.getByText(EMAIL).first().waitFor();
}

test('set up TOTP on the Security page, sign in with it through the login UI, turn it off', async () => {
  const first = await newPage();
  let userId = '';
  const secret = await step(first, 'set-up', async () => {
    await signIn(first);
    const [user] = await h.t.stack.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [EMAIL]);
    userId = user!.id;
    // Security is in the account area (issue 17 #9), not among the developer pages.
    await first.getByRole('link', { name: 'Your account' }).click();
    await first.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Security' }).click();
    await first.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    assert.match(await first.locator('main').innerText(), /Status:\s*Off/);
    await shot(first, '01-off');

    await first.getByRole('button', { name: 'Set up two-step verification' }).click();
    await first.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    assert.equal(new URL(first.url()).pathname, '/account/security/totp', '303 after the POST');
    // The QR code is an SVG data URL that the CSP lets the browser draw.
    const qr = first.getByRole('img', { name: 'QR code that adds Lightgate to your authenticator app' });
    assert.match(String(await qr.getAttribute('src')), /^data:image\/svg\+xml;base64,/);
    assert.ok(await qr.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0), 'the QR image loaded');
    const key = (await first.locator('#totp-secret').innerText()).replace(/\s/g, '');
    assert.match(key, /^[A-Z2-7]{32}$/);
    await shot(first, '02-qr');

    // A wrong code: the reason next to the field.
    const valid = new Set([-1, 0, 1, 2].map((o) => codeAt(key, o)));
    const wrong = ['000000', '111111', '222222'].find((c) => !valid.has(c))!;
    await first.getByLabel('Authenticator code').fill(wrong);
    await first.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await first.getByText('That code is not right. Enter the code your authenticator app shows now.').waitFor();
    assert.equal(await first.getByLabel('Authenticator code').getAttribute('aria-invalid'), 'true');
    await shot(first, '03-wrong-code');

    // The previous step's code (accepted for clock drift), so the sign-in below can use the current one
    // and turning off the next one: each step is used once (RFC 6238 section 5.2).
    await first.getByLabel('Authenticator code').fill(codeAt(key, -1));
    await first.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await first.getByText('Two-step verification is on.').waitFor();
    // Issue 17 #7: ten recovery codes, shown this once.
    await first.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    assert.equal(await first.locator('#recovery-codes li').count(), 10);
    await shot(first, '04-recovery-codes');
    await first.getByRole('link', { name: 'I saved my codes' }).click();
    assert.equal(new URL(first.url()).pathname, '/account/security');
    assert.match(await first.locator('main').innerText(), /10 of 10 codes left/);
    assert.match(await first.locator('main').innerText(), /Status:\s*On/);
    await shot(first, '04-on');
    assert.equal((await h.t.stack.identity!.getUser(userId))?.totpEnabled, true);
    await first.getByRole('button', { name: 'Sign out' }).click();
    await first.getByRole('link', { name: 'Sign in with Lightgate' }).waitFor();
    return key;
  });

  // A new sign-in (fresh browser) must pass the authenticator step in the login UI.
  const second = await newPage();
  await step(second, 'sign-in-with-totp', async () => {
    await signIn(second, { totp: () => codeAt(secret, 0), shotPrefix: '05' });
    await shot(second, '06-signed-in');
  });

  await step(second, 'turn-off', async () => {
    await second.getByRole('link', { name: 'Your account' }).click();
    await second.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Security' }).click();
    await second.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    // Without a code: refused, explained next to the field.
    await second.getByRole('button', { name: 'Turn off two-step verification' }).click();
    await second.getByText('Enter the 6-digit code from your authenticator app.').waitFor();
    await shot(second, '07-turn-off-needs-code');
    assert.equal((await h.t.stack.identity!.getUser(userId))?.totpEnabled, true);
    await second.getByLabel('Current authenticator code').fill(codeAt(secret, 1));
    await second.getByRole('button', { name: 'Turn off two-step verification' }).click();
    await second.getByText('Two-step verification is off.').waitFor();
    assert.match(await second.locator('main').innerText(), /Status:\s*Off/);
    await shot(second, '08-off');
    assert.equal((await h.t.stack.identity!.getUser(userId))?.totpEnabled, false);
  });

  // Off: the next sign-in asks only for the emailed code.
  const third = await newPage();
  await step(third, 'sign-in-without-totp', async () => {
    await signIn(third);
  });
});
