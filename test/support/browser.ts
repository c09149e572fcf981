// The browser of every browser test: Debian's Chromium (CHROMIUM_PATH overrides) driven by playwright-core,
// headless and quiet (no sandbox for root in CI, no GPU, no background traffic), and a callback server that
// records where the browser landed, standing in for a relying party's redirect URI.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** An area's screenshot taker: full-page PNGs into test-artifacts/<area>/<name>.png (the folder is made on use). */
export function screenshots(area: string): (page: Page, name: string) => Promise<void> {
  const dir = join(process.cwd(), 'test-artifacts', area);
  return async (page, name) => {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  };
}

/** Fresh browser profiles (no cookie shared with another page), each waiting at most 10 s; closeAll() after the suite. */
export function profiles(browser: () => Browser, options: BrowserContextOptions = {}) {
  const contexts: BrowserContext[] = [];
  return {
    async newPage(): Promise<Page> {
      const context = await browser().newContext(options);
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return context.newPage();
    },
    async closeAll(): Promise<void> {
      for (const c of contexts) await c.close().catch(() => {});
    },
  };
}

/**
 * On the login page: the email (and "keep me signed in"), the code that `codeFor` reads, then "Sign in to …".
 * `atPage` runs once the page is up (a screenshot, where the browser is), `atCodePage` once the code page is.
 */
export async function signInOnLoginPage(page: Page, email: string, codeFor: (email: string) => string, options: { keep?: boolean; atPage?: () => Promise<void>; atCodePage?: () => Promise<void> } = {}): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await options.atPage?.();
  await page.getByLabel('Email address').fill(email);
  if (options.keep) await page.getByLabel('Keep me signed in on this device').check();
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
  await options.atCodePage?.();
  await page.getByLabel('Sign-in code').fill(codeFor(email));
  await page.getByRole('button', { name: /Sign in to/ }).click();
}

/** Steps of a browser test: on failure, a screenshot `failure-<name>` and the page's URL and text in the error. */
export function stepper(shot: (page: Page, name: string) => Promise<void>) {
  return async function step<T>(page: Page, name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      await shot(page, `failure-${name}`).catch(() => {});
      const text = (await page.locator('main').innerText().catch(() => '')).slice(0, 500);
      throw new Error(`${name}: ${(error as Error).message}\nat ${page.url()}\n${text}`, { cause: error });
    }
  };
}

export interface CallbackServer {
  /** http://127.0.0.1:<port>/callback */
  url: string;
  /** Every URL the server was asked for. */
  calls: URL[];
  close(): Promise<void>;
}

/** A page that answers "Back at the app" on any path, recording each request's URL. */
export async function startCallbackServer(): Promise<CallbackServer> {
  const calls: URL[] = [];
  const server = createServer((req, res) => {
    calls.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Callback</title><h1>Back at the app</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
