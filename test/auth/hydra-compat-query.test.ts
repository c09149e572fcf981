// hydra-compat.ts rewrites the authorization request's query (lg_url, lg_prompt, prompt=consent for
// offline_access) for oidc-provider, which reads it as ctx.query. Issue 18: it replaces Koa's cached parse of the
// query string instead of going through Koa's setter (which wrote the query string and URL again, and parsed them
// once more). What oidc-provider reads must be what the setter gave: Koa's parse of Koa's stringify of the
// rewritten query, same keys in the same order, same values, repeated parameters as arrays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { hydraCompat } from '../../src/auth/oidc/hydra-compat.ts';

const contextOf = (url: string) =>
  new Koa().createContext({ url, headers: {}, method: 'GET', socket: {} } as IncomingMessage, { getHeader: () => undefined, setHeader() {} } as unknown as ServerResponse) as unknown as KoaContextWithOIDC;

/** What Koa's setter path gave oidc-provider for `query`: ctx.query = query, then ctx.query. */
function throughSetter(query: Record<string, unknown>) {
  const ctx = contextOf('/oauth2/auth?x=1');
  ctx.query = { ...query } as Record<string, string>;
  return ctx.query as Record<string, unknown>;
}

async function rewritten(querystring: string) {
  const ctx = contextOf(`/oauth2/auth?${querystring}`);
  const middleware = hydraCompat({} as Provider, { clientsOf: async () => undefined, confirmLogout: async () => undefined });
  let seen: Record<string, unknown> = {};
  let url = '';
  await middleware(ctx, async () => {
    seen = ctx.query;
    url = ctx.url;
  });
  return { seen, url, again: ctx.query };
}

for (const [name, query] of [
  ['offline_access adds prompt=consent', 'response_type=code&client_id=app&scope=openid+offline_access&state=s%20t&redirect_uri=https%3A%2F%2Fapp.example%2Fcb'],
  ['repeated, empty and unicode parameters', 'client_id=app&scope=openid&x=1&x=2&x=&y=&%C3%A9t%C3%A9=%E2%82%AC&z=a%2Bb+c&prompt=login&prompt=none'],
  ['the client cannot set lg_url or lg_prompt, and odd keys stay data', 'client_id=app&scope=offline_access&lg_url=evil&lg_prompt=x&__proto__=p&constructor=c&0=zero&10=ten'],
  ['no scope, no client', 'foo=bar&foo=baz'],
] as const) {
  test(`oidc-provider reads the rewritten query as Koa's setter gave it, the URL as sent: ${name}`, async () => {
    const { seen, url, again } = await rewritten(query);
    assert.equal(url, `/oauth2/auth?${query}`, 'the URL is not written again');
    assert.equal(again, seen, 'every later read gets the same object');
    const expected = throughSetter(seen);
    assert.deepEqual(Object.entries(seen), Object.entries(expected));
    assert.equal(Object.getPrototypeOf(seen), Object.getPrototypeOf(expected));
    assert.equal(seen.lg_url, query, "Hydra's request_url: the client's own query");
  });
}

test('offline_access: prompt=consent added, the client\'s prompt kept in lg_prompt', async () => {
  const { seen } = await rewritten('client_id=app&scope=openid%20offline_access&prompt=login&lg_prompt=forged');
  assert.equal(seen.prompt, 'login consent');
  assert.equal(seen.lg_prompt, 'login');
  assert.equal((await rewritten('client_id=app&scope=offline_access')).seen.lg_prompt, '-');
});
