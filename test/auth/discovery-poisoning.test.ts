// Issue 19 #3: discovery and endpoint URLs come from the configured issuer, never from Host or
// X-Forwarded-Host / X-Forwarded-Proto, whether or not a proxy is trusted; discovery and JWKS carry
// explicit Cache-Control. The UI, portal and API build no absolute URL from those headers either.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { httpFrom } from '../support/http-from.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const POISON = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.66' };

/** Every string in a JSON document that looks like a URL. */
function urlsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) urlsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) urlsIn(v, out);
  return out;
}

/** One raw HTTP/1.1 exchange (for an absolute-form request target, RFC 9112 section 3.2.2). */
function raw(url: string, requestText: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(requestText));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

for (const trust of [undefined, '127.0.0.1/32']) {
  describe(`discovery with TRUST_PROXY=${trust ?? '(unset)'}`, () => {
    let t: TestStack;
    before(async () => {
      t = await startTestStack({ env: { LIGHTGATE_SERVICES: 'auth,api,ui,portal', ...(trust ? { TRUST_PROXY: trust } : {}) } });
    });
    after(() => t?.close());

    test('issue 19 #3: forwarded host and proto do not change discovery URLs; discovery and JWKS are cacheable for a short time', async () => {
      const issuer = t.urls.issuer;
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
        const res = await httpFrom('127.0.0.1', `${issuer}${path}`, { headers: POISON });
        assert.equal(res.status, 200, path);
        const doc = res.json<{ issuer: string; jwks_uri: string }>();
        assert.equal(doc.issuer, issuer);
        const urls = urlsIn(doc).filter((u) => !u.startsWith('https://github.com/'));
        assert.ok(urls.length > 5, urls.join(' '));
        for (const u of urls) assert.ok(u === issuer || u.startsWith(`${issuer}/`), `${path}: ${u}`);
        assert.doesNotMatch(res.text, /evil\.example/);
        assert.equal(res.headers['cache-control'], 'public, max-age=300', path);
      }
      const jwks = await httpFrom('127.0.0.1', `${issuer}/.well-known/jwks.json`, { headers: POISON });
      assert.equal(jwks.status, 200);
      assert.equal(jwks.headers['cache-control'], 'public, max-age=60');

      // An absolute-form request target names another host: still the issuer's URLs.
      const answer = await raw(issuer, `GET http://evil.example/.well-known/openid-configuration HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`);
      assert.doesNotMatch(answer, /evil\.example/);
    });

    test('issue 19 #3: redirects of the auth server, UI, portal and API never use forwarded host', async () => {
      // An authorization request for an unknown client: an error page, no redirect to evil.example.
      const auth = await httpFrom('127.0.0.1', `${t.urls.issuer}/oauth2/auth?client_id=nobody&response_type=code&scope=openid`, { headers: POISON });
      assert.doesNotMatch(`${auth.headers.location ?? ''} ${auth.text}`, /evil\.example/);
      const portal = await httpFrom('127.0.0.1', `${t.urls.portal}/auth/login`, { headers: POISON });
      assert.ok(portal.status >= 300 && portal.status < 400, `portal sign-in redirects: ${portal.status}`);
      assert.ok(portal.headers.location?.startsWith(`${t.urls.issuer}/`), portal.headers.location);
      assert.doesNotMatch(portal.headers.location ?? '', /evil\.example/);
      for (const url of [`${t.urls.portal}/`, `${t.urls.ui}/`, `${t.urls.ui}/login`, `${t.urls.api}/graphql`]) {
        const res = await httpFrom('127.0.0.1', url, { headers: POISON });
        assert.doesNotMatch(`${res.headers.location ?? ''} ${res.text}`, /evil\.example/, url);
      }
    });
  });
}
