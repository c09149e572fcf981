// hydra-compat.ts rewrites the authorization request's query (lg_url, lg_prompt, prompt=consent for
// offline_access) through Koa's ctx.query setter, and hands Koa the object it built for the new query string, so
// that oidc-provider's read of ctx.query does not parse it again (issue 18). That object must be what Koa's parse
// of that string gives: same keys in the same order, same values, repeated parameters as arrays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { hydraCompat } from '../../src/auth/oidc/hydra-compat.ts';

const koaParse = (s: string) => (new Koa().createContext({ url: `/?${s}`, headers: {}, method: 'GET', socket: {} } as IncomingMessage, {} as ServerResponse) as { query: object }).query;

async function rewritten(query: string) {
  const app = new Koa();
  const ctx = app.createContext({ url: `/oauth2/auth?${query}`, headers: {}, method: 'GET', socket: {} } as IncomingMessage, { getHeader: () => undefined, setHeader() {} } as unknown as ServerResponse) as unknown as KoaContextWithOIDC;
  const middleware = hydraCompat({} as Provider, { clientsOf: async () => undefined, confirmLogout: async () => undefined });
  let cachedBeforeRead = false;
  let seen: Record<string, unknown> = {};
  await middleware(ctx, async () => {
    const cache = (ctx.request as unknown as { _querycache?: Record<string, unknown> })._querycache ?? {};
    cachedBeforeRead = Object.hasOwn(cache, ctx.querystring);
    seen = ctx.query;
  });
  return { cachedBeforeRead, seen, querystring: ctx.querystring };
}

for (const [name, query] of [
  ['offline_access adds prompt=consent', 'response_type=code&client_id=app&scope=openid+offline_access&state=s%20t&redirect_uri=https%3A%2F%2Fapp.example%2Fcb'],
  ['repeated, empty and unicode parameters', 'client_id=app&scope=openid&x=1&x=2&x=&y=&%C3%A9t%C3%A9=%E2%82%AC&z=a%2Bb+c&prompt=login&prompt=none'],
  ['the client cannot set lg_url or lg_prompt, and odd keys stay data', 'client_id=app&scope=offline_access&lg_url=evil&lg_prompt=x&__proto__=p&constructor=c&0=zero&10=ten'],
  ['no scope, no client', 'foo=bar&foo=baz'],
] as const) {
  test(`the query oidc-provider reads is Koa's parse of the rewritten query string, not parsed again: ${name}`, async () => {
    const { cachedBeforeRead, seen, querystring } = await rewritten(query);
    assert.ok(cachedBeforeRead, 'the rewritten query is in Koa’s cache before anyone reads it');
    const parsed = koaParse(querystring);
    assert.deepEqual(Object.entries(seen), Object.entries(parsed));
    assert.equal(Object.getPrototypeOf(seen), Object.getPrototypeOf(parsed));
  });
}
