// The CLI example (examples/cli) end to end: its public client registered from examples/cli/client.tf, the real
// command in a child process, chromium following the URL it prints through the real login & consent pages to
// its loopback callback, and the balances it prints.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startStackHarness, type StackHarness } from '../sdk/harness.ts';
import { lastCode } from '../support/users.ts';
import { launchBrowser } from '../support/browser.ts';
import { applyClientFile, run, shot, signInThroughPages } from './support.ts';

const MAIN = 'examples/cli/src/main.ts';

describe('CLI example: loopback redirect and PKCE, then the balances', () => {
  let h: StackHarness;
  let browser: Browser;
  let clientId: string;

  before(async () => {
    [h, browser] = await Promise.all([startStackHarness(), launchBrowser()]);
    const applied = await applyClientFile(h.stack.stack.listening.admin!, 'examples/cli/client.tf', ['--source', 'cli-example']);
    const line = applied.lines.find((l) => l.includes('hydra_oauth2_client.cli: client_id='));
    assert.ok(line, `a public client without a secret:\n${applied.lines.join('\n')}`);
    clientId = /client_id=(\S+)/.exec(line)![1]!;
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  function startCli(extra: string[] = []) {
    return run(process.execPath, [MAIN, '--no-browser', '--client-id', clientId, '--issuer', h.issuer, '--api', h.graphqlUrl, '--timeout', '60', ...extra]);
  }

  test('signs in through the browser and prints the balances', { timeout: 60_000 }, async () => {
    const email = `cli-${Date.now()}@example.com`;
    const cli = startCli();
    try {
      const [, printed] = await cli.waitFor(/^\s+(http\S+)$/m, 15_000);
      const url = new URL(printed!);
      assert.equal(url.origin, h.issuer);
      assert.equal(url.searchParams.get('client_id'), clientId);
      assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(url.searchParams.get('state'));
      const redirect = new URL(url.searchParams.get('redirect_uri')!);
      assert.equal(redirect.hostname, '127.0.0.1', 'loopback IP literal (RFC 8252 section 7.3)');
      assert.notEqual(redirect.port, '', 'a port the OS picked');
      assert.equal(redirect.pathname, '/callback');

      const context = await browser.newContext();
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      try {
        await page.goto(url.href);
        await signInThroughPages(page, h.stack.dataDir, email, 'cli-01');
        await page.waitForURL((u) => u.origin === redirect.origin);
        await page.getByRole('heading', { name: 'Signed in' }).waitFor();
        await shot(page, 'cli-02-callback');
      } finally {
        await context.close();
      }

      assert.equal(await cli.exited, 0, cli.output());
      const account = await h.accountOf(email);
      const out = cli.output();
      assert.match(out, /Granted scope: read/);
      assert.match(out, new RegExp(`Signed in as \\(no username yet\\) — user ${account.userId}`));
      assert.match(out, new RegExp(`BTC wallet ${account.btcWalletId}: 0 sats \\(default\\)`));
      assert.match(out, new RegExp(`USD wallet ${account.usdWalletId}: \\$0\\.00`));
    } finally {
      await cli.stop();
    }
  });

  test('a denied consent fails with its code; signed in again (remembered), a funded user sees the balances', { timeout: 60_000 }, async () => {
    const email = `cli-funded-${Date.now()}@example.com`;
    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    try {
      // First run: sign in (keeping the login on this device), then decline on the consent page.
      const denied = startCli();
      try {
        const [, printed] = await denied.waitFor(/^\s+(http\S+)$/m, 15_000);
        const page = await context.newPage();
        await page.goto(printed!);
        await page.getByLabel('Email address').fill(email);
        await page.getByLabel('Keep me signed in on this device').check();
        await page.getByRole('button', { name: 'Send me a code' }).click();
        await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
        await page.getByLabel('Sign-in code').fill(lastCode(h.stack.dataDir, email));
        await page.getByRole('button', { name: /Sign in to/ }).click();
        await page.getByRole('button', { name: 'Deny' }).click();
        await page.getByRole('heading', { name: 'Sign-in failed' }).waitFor();
        await shot(page, 'cli-03-denied');
        await page.close();
        assert.equal(await denied.exited, 1, denied.output());
        assert.match(denied.output(), /error: sign-in failed: .*\(access_denied/);
        assert.doesNotMatch(denied.output(), /wallet/);
      } finally {
        await denied.stop();
      }

      // The wallet app: the account gets money and a username.
      const account = await h.accountOf(email);
      await h.fund(account.btcWalletId, 123_456);
      await h.fund(account.usdWalletId, 4_250);
      const username = `cli_user_${Date.now() % 100000}`;
      await h.setUsernameOf(account, username);

      // Second run, same browser: the login is remembered, only the consent page is shown.
      const cli = startCli();
      try {
        const [, printed] = await cli.waitFor(/^\s+(http\S+)$/m, 15_000);
        const page = await context.newPage();
        await page.goto(printed!);
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.getByRole('heading', { name: 'Signed in' }).waitFor();
        assert.equal(await cli.exited, 0, cli.output());
        const out = cli.output();
        assert.match(out, new RegExp(`Signed in as ${username} — user ${account.userId}`));
        assert.match(out, new RegExp(`BTC wallet ${account.btcWalletId}: 123,456 sats \\(default\\)`));
        assert.match(out, new RegExp(`USD wallet ${account.usdWalletId}: \\$42\\.50`));
      } finally {
        await cli.stop();
      }
    } finally {
      await context.close();
    }
  });

  test('issue 19 #16: a callback with a wrong state gets 400 and the CLI keeps waiting for the real one', { timeout: 30_000 }, async () => {
    const cli = startCli();
    try {
      const [, printed] = await cli.waitFor(/^\s+(http\S+)$/m, 15_000);
      const url = new URL(printed!);
      const callback = new URL(url.searchParams.get('redirect_uri')!);
      // Any local process can reach the loopback port: wrong or missing state must not end the sign-in.
      for (const query of ['state=forged&code=attacker-code', 'error=access_denied', 'code=x']) {
        const res = await fetch(`${callback.href}?${query}`);
        assert.equal(res.status, 400, query);
      }
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(cli.child.exitCode, null, `still waiting:\n${cli.output()}`);
      // The answer with this sign-in's own state is taken (here: the user declined).
      const real = await fetch(`${callback.href}?error=access_denied&state=${encodeURIComponent(url.searchParams.get('state')!)}&iss=${encodeURIComponent(h.issuer)}`);
      assert.equal(real.status, 400);
      assert.equal(await cli.exited, 1, cli.output());
      assert.match(cli.output(), /error: sign-in failed: .*access_denied/);
      assert.doesNotMatch(cli.output(), /state_mismatch/);
    } finally {
      await cli.stop();
    }
  });

  test('issue 15: --budget asks for a spending budget with write; the consent page words it, the person lowers it, the CLI prints what was granted', { timeout: 60_000 }, async () => {
    const client = await h.createClient({
      client_name: 'CLI with a budget',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      scope: 'read write',
    });
    const email = `cli-budget-${Date.now()}@example.com`;
    const cli = run(process.execPath, [MAIN, '--no-browser', '--client-id', client.client_id, '--issuer', h.issuer, '--api', h.graphqlUrl, '--timeout', '60', '--scope', 'read write', '--budget', '5000']);
    try {
      const [, printed] = await cli.waitFor(/^\s+(http\S+)$/m, 15_000);
      const url = new URL(printed!);
      assert.deepEqual(JSON.parse(url.searchParams.get('authorization_details') ?? 'null'), [{ type: 'wallet_spend', limit: { amount: 5000, currency: 'BTC' }, period: 'P1D', per_payment_max: null }]);
      const context = await browser.newContext();
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      try {
        await page.goto(url.href);
        await signInThroughPages(page, h.stack.dataDir, email, undefined, { consent: false });
        await page.getByRole('button', { name: 'Allow' }).waitFor();
        assert.match(await page.locator('main').innerText(), /up to 5,000 sats \(≈ \$5\.00\) per day/);
        await page.getByLabel(/Most it may send per day/).fill('2000');
        await page.getByRole('button', { name: 'Allow' }).click();
        await page.getByRole('heading', { name: 'Signed in' }).waitFor();
      } finally {
        await context.close();
      }
      assert.equal(await cli.exited, 0, cli.output());
      assert.match(cli.output(), /Spending budget granted: 2000 sats per day/);
    } finally {
      await cli.stop();
    }
  });

  test('a wrong client id or an unreachable server fails with a message, not a stack trace', { timeout: 30_000 }, async () => {
    const unknown = run(process.execPath, [MAIN, '--no-browser', '--client-id', 'no-such-client', '--issuer', h.issuer, '--api', h.graphqlUrl, '--timeout', '20']);
    try {
      const [, printed] = await unknown.waitFor(/^\s+(http\S+)$/m, 15_000);
      // The authorization server shows its own error page for an unknown client (no redirect to an unverified URI).
      const res = await fetch(printed!, { redirect: 'manual' });
      assert.equal(res.status, 400);
    } finally {
      await unknown.stop();
    }
    const down = run(process.execPath, [MAIN, '--no-browser', '--client-id', clientId, '--issuer', 'http://127.0.0.1:9', '--api', h.graphqlUrl]);
    assert.equal(await down.exited, 1);
    assert.match(down.output(), /error: cannot reach the authorization server at http:\/\/127\.0\.0\.1:9: .*\(network_error\)/);
    assert.doesNotMatch(down.output(), /\n\s+at /, 'no stack trace');
    const usage = run(process.execPath, [MAIN]);
    assert.equal(await usage.exited, 2);
    assert.match(usage.output(), /--client-id is required/);
  });
});
