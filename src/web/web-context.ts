// The web context of the request being served (issue 17): its language, the server's theme and the address
// the language switch returns to, in AsyncLocalStorage so that t(), the formatters and renderPage read it
// without being handed it. registerWebKit is the one call an HTML server makes: the context, the language
// switch (GET /lang) and the kit's assets.
import { AsyncLocalStorage } from 'node:async_hooks';
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LANGUAGE_COOKIE, isLocale, negotiateLocale, type Locale } from './locale.ts';
import { DEFAULT_THEME, type Theme } from './theme.ts';

export interface WebContext {
  readonly locale: Locale;
  readonly theme: Theme;
  /** Path and query of the page (the language switch comes back here). */
  readonly path: string;
}

const storage = new AsyncLocalStorage<WebContext>();
const FALLBACK: WebContext = { locale: 'en', theme: DEFAULT_THEME, path: '/' };

export const currentWeb = (): WebContext => storage.getStore() ?? FALLBACK;

/** Runs fn in a web context (servers that are not Fastify routes, tests). */
export const runInWeb = <T>(context: WebContext, fn: () => T): T => storage.run(context, fn);

/** The language cookie from a raw Cookie header (servers without @fastify/cookie). */
export function languageCookie(cookieHeader: string | undefined): Locale | undefined {
  const match = cookieHeader ? new RegExp(`(?:^|;\\s*)${LANGUAGE_COOKIE}=([a-z]{2})(?:;|$)`).exec(cookieHeader) : null;
  return isLocale(match?.[1]) ? match[1] : undefined;
}

/** The context of a request: the switch's cookie, else Accept-Language, else English. */
export function webContextOf(request: Pick<FastifyRequest, 'headers' | 'url'>, theme: Theme): WebContext {
  const accept = request.headers['accept-language'];
  return { locale: negotiateLocale(typeof accept === 'string' ? accept : undefined, languageCookie(request.headers.cookie)), theme, path: request.url };
}

/** A path of this site only: '/x', never '//host' or '/\host'. */
export const localPath = (value: unknown): string | undefined => (typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 2048 ? value : undefined);

const KEY = Symbol('lightgate.webContext');
type WithContext = FastifyRequest & { [KEY]?: WebContext };

export interface WebKitOptions {
  theme: Theme;
  /** The language cookie's Secure flag (config.cookiesSecure). */
  secureCookies: boolean;
}

/** Web context on every request of this server, and GET /lang?to=es&next=/path (sets the language cookie, 303 back). */
export function registerWebContext(app: FastifyInstance, options: WebKitOptions): void {
  app.addHook('onRequest', (request, _reply, next) => {
    const context = webContextOf(request, options.theme);
    (request as WithContext)[KEY] = context;
    storage.run(context, next);
  });
  // Body parsing resumes outside the context: enter it again before the handler (as the request id does).
  app.addHook('preValidation', (request, _reply, next) => {
    const context = (request as WithContext)[KEY];
    if (context) storage.run(context, next);
    else next();
  });
  app.get('/lang', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const next = localPath(query.next) ?? '/';
    if (!isLocale(query.to)) return reply.redirect(next, 303);
    const cookie = `${LANGUAGE_COOKIE}=${query.to}; Path=/; Max-Age=31536000; SameSite=Lax${options.secureCookies ? '; Secure' : ''}`;
    return reply.header('set-cookie', cookie).header('cache-control', 'no-store').redirect(next, 303);
  });
}
