// Native-app sign-in, the way `gh auth login` does it (RFC 8252): a public client, a one-shot HTTP server on
// 127.0.0.1 with a port the OS picks, PKCE, and the system browser. Then the user's balances from the wallet API.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWalletClient, discover, generateDPoPKeyPair, grantedBudget, walletSpend, type LightgateError, type Me, type TokenSet } from '@lightgate/sdk';

export interface CliOptions {
  /** The authorization server, e.g. http://localhost:4444. */
  issuer: string;
  /** The wallet API's GraphQL endpoint, e.g. http://localhost:4002/graphql. */
  api: string;
  /** A public client (token_endpoint_auth_method "none") with redirect URI http://127.0.0.1/callback. */
  clientId: string;
  scope: string;
  /** Ask for a spending budget (with `write`): at most this many sats per day; the person may lower it. */
  budgetSatsPerDay?: number;
  /** Try to open the system browser (otherwise only print the URL). */
  openBrowser: boolean;
  /** Give up waiting for the browser after this many seconds. */
  timeoutSeconds: number;
  out: (line: string) => void;
}

interface Callback {
  url: URL;
  respond(status: number, title: string, text: string): void;
}

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;line-height:1.5"><h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * Listens on 127.0.0.1 (never 0.0.0.0) on a port the OS picks; resolves with the first request to /callback
 * that carries this sign-in's state. Any local process can reach the port, so a callback with another state
 * (or none) gets 400 and the wait goes on until the timeout: nobody else can end the sign-in.
 */
async function loopbackServer(): Promise<{ redirectUri: string; callback: Promise<Callback>; expectState(state: string): void; close(): void }> {
  let expected: string | undefined;
  let deliver!: (c: Callback) => void;
  const callback = new Promise<Callback>((resolve) => (deliver = resolve));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    if (expected === undefined || url.searchParams.get('state') !== expected) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page('Not this sign-in', 'This answer does not belong to the sign-in in progress. It was ignored.'));
      return;
    }
    deliver({
      url,
      respond(status, title, text) {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page(title, text));
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${port}/callback`, callback, expectState: (state) => (expected = state), close: () => server.close() };
}

function openInBrowser(url: string): void {
  const [cmd, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url] : ['xdg-open', url];
  try {
    const child = spawn(cmd!, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no browser here: the printed URL is enough
    child.unref();
  } catch {
    // same
  }
}

const describe = (e: LightgateError) => `${e.message.replace(/\.$/, '')} (${e.code}${e.oauthError && e.oauthError !== e.code ? `, ${e.oauthError}` : ''})`;

export function formatWallets(me: Me): string[] {
  const lines = [`Signed in as ${me.username ?? '(no username yet)'} — user ${me.id}`];
  for (const w of me.defaultAccount.wallets) {
    const amount = w.walletCurrency === 'BTC' ? `${w.balance.toLocaleString('en-US')} sats` : `$${(w.balance / 100).toFixed(2)}`;
    lines.push(`  ${w.walletCurrency} wallet ${w.id}: ${amount}${w.id === me.defaultAccount.defaultWalletId ? ' (default)' : ''}`);
  }
  return lines;
}

const PERIOD_WORDS = { P1D: 'per day', P1W: 'per week', P1M: 'per month', total: 'in total' } as const;

/** Signs in and prints the balances; returns the exit code. */
export async function runCli(o: CliOptions): Promise<number> {
  const discovered = await discover({ issuer: o.issuer, clientId: o.clientId, dpop: await generateDPoPKeyPair() });
  if (!discovered.ok) {
    o.out(`error: cannot reach the authorization server at ${o.issuer}: ${describe(discovered.error)}`);
    return 1;
  }
  const client = discovered.value;
  const loopback = await loopbackServer();
  try {
    const authorizationDetails = o.budgetSatsPerDay === undefined ? undefined : [walletSpend({ amount: o.budgetSatsPerDay, period: 'day' })];
    const { url, pending } = await client.authorizationUrl({ redirectUri: loopback.redirectUri, scope: o.scope, ...(authorizationDetails ? { authorizationDetails } : {}) });
    loopback.expectState(pending.state);
    o.out('Open this URL in your browser to sign in:');
    o.out(`  ${url.href}`);
    if (o.openBrowser) openInBrowser(url.href);
    o.out('Waiting for the browser...');

    const deadline = AbortSignal.timeout(o.timeoutSeconds * 1000);
    const timedOut = new Promise<undefined>((resolve) => deadline.addEventListener('abort', () => resolve(undefined), { once: true }));
    const callback = await Promise.race([loopback.callback, timedOut]);
    if (!callback) {
      o.out(`error: no answer from the browser within ${o.timeoutSeconds} s`);
      return 1;
    }
    const exchanged = await client.handleCallback(callback.url, pending);
    if (!exchanged.ok) {
      callback.respond(400, 'Sign-in failed', `${describe(exchanged.error)}. You can close this tab.`);
      o.out(`error: sign-in failed: ${describe(exchanged.error)}`);
      return 1;
    }
    callback.respond(200, 'Signed in', 'You are signed in. You can close this tab and go back to the terminal.');
    const tokens: TokenSet = exchanged.value;
    o.out(`Signed in. Granted scope: ${tokens.scope.join(' ')}`);
    const budget = grantedBudget(tokens.authorizationDetails);
    if (budget) o.out(`Spending budget granted: ${budget.limit.amount} ${budget.limit.currency === 'BTC' ? 'sats' : 'US cents'} ${PERIOD_WORDS[budget.period ?? 'total']}`);

    const me = await createWalletClient({ url: o.api, accessToken: tokens.accessToken, fetch: client.dpopFetch }).me();
    if (!me.ok) {
      o.out(`error: cannot read the wallet: ${describe(me.error)}`);
      return 1;
    }
    for (const line of formatWallets(me.value)) o.out(line);
    // A CLI keeps no token it does not need: give this one back.
    await client.revoke(tokens.refreshToken ?? tokens.accessToken);
    return 0;
  } finally {
    loopback.close();
  }
}
