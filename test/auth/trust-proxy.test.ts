// Issue 11 #2: X-Forwarded-For counts only from the proxies TRUST_PROXY names (off by default, a hop
// count or CIDRs), on every server: code requests and code attempts on the API and the login UI, the
// GraphQL request rate, the token endpoint's client-secret throttle. Each client is a loopback address.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { csrfToken } from '../support/forms.ts';
import { httpFrom, postForm, postJson } from '../support/http-from.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const LIMITS = { LOGIN_CODE_IP_LIMIT: '3', RATE_LIMIT_IP: '25', CLIENT_AUTH_MAX_FAILURES: '3', LIGHTGATE_SERVICES: 'auth,api,ui' };
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` });
let n = 0;
const unique = (what: string) => `${what}-${Date.now()}-${n++}`;

/** What each probe of one server answers, for a series of X-Forwarded-For values from one source address. */
function probes(t: TestStack) {
  let challenge: string | undefined;
  let client: { id: string } | undefined;
  return {
    async codeRequests(from: string, xff: (i: number) => string | undefined, count: number) {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const f = xff(i);
        out.push((await postJson(from, `${t.urls.api}/auth/email/code`, { email: `${unique('req')}@example.com` }, f ? { 'x-forwarded-for': f } : {})).status);
      }
      return out;
    },
    async codeAttempts(from: string, xff: (i: number) => string, count: number) {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const headers = { 'x-forwarded-for': xff(i) };
        const res =
          i % 2 === 0
            ? await postJson(from, `${t.urls.api}/auth/email/login`, { emailLoginId: crypto.randomUUID(), code: '123456' }, headers)
            : await postJson(from, `${t.urls.api}/auth/phone/login`, { phone: `+1202555${String(1000 + i)}`, code: '123456' }, headers);
        out.push(res.status);
      }
      return out;
    },
    /** The login UI's address form: true when it went on to the code page (a code was sent). */
    async uiCodeRequests(from: string, xff: (i: number) => string, count: number) {
      if (!challenge) {
        const created = await t.stack.admin!.createClient({ client_name: 'Proxy test', redirect_uris: ['http://127.0.0.1:9/cb'], grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid' });
        assert.ok(created.ok);
        const q = new URLSearchParams({ client_id: created.value.client_id, redirect_uri: 'http://127.0.0.1:9/cb', response_type: 'code', scope: 'openid', state: 'state-123456' });
        const auth = await httpFrom('127.0.0.1', `${t.urls.issuer}/oauth2/auth?${q}`);
        challenge = new URL(auth.headers.location!).searchParams.get('login_challenge')!;
        assert.ok(challenge, auth.headers.location);
      }
      const page = await httpFrom(from, `${t.urls.ui}/login?login_challenge=${encodeURIComponent(challenge)}`);
      const token = csrfToken(page.text);
      const cookie = (page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
      assert.ok(token && cookie, 'a form with a CSRF token');
      const out: boolean[] = [];
      for (let i = 0; i < count; i++) {
        const res = await postForm(from, `${t.urls.ui}/login`, { login_challenge: challenge, _csrf: token!, method: 'email', email: `${unique('ui')}@example.com` }, { cookie, 'x-forwarded-for': xff(i) });
        assert.equal(res.status, 303);
        out.push(res.headers.location!.startsWith('/login/code'));
      }
      return out;
    },
    async graphql(from: string, xff: (i: number) => string, count: number) {
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push((await postJson(from, `${t.urls.api}/graphql`, { query: '{ globals { network } }' }, { 'x-forwarded-for': xff(i) })).status);
      return out;
    },
    async wrongSecrets(from: string, xff: (i: number) => string, count: number) {
      if (!client) {
        const created = await t.stack.admin!.createClient({ client_name: 'Proxy test m2m', grant_types: ['client_credentials'], response_types: [], scope: 'read' });
        assert.ok(created.ok);
        client = { id: created.value.client_id };
      }
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const res = await postForm(from, `${t.urls.issuer}/oauth2/token`, { grant_type: 'client_credentials' }, { ...basic(client.id, `wrong-${i}`), 'x-forwarded-for': xff(i) });
        out.push(res.status);
      }
      return out;
    },
  };
}

const rotating = (i: number) => `198.51.100.${i + 1}`;

test('issue 11 #2: TRUST_PROXY is off by default and takes a hop count or CIDRs (IPv4 and IPv6)', () => {
  const base = { NODE_ENV: 'test', SECRETS_SYSTEM: 'x'.repeat(40), SECRETS_COOKIE: 'y'.repeat(40), LIGHTGATE_DATA_DIR: '/tmp/lightgate-trust-proxy-config' };
  assert.deepEqual(loadConfig(base).trustProxy, { kind: 'off' });
  assert.deepEqual(loadConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy, { kind: 'off' });
  assert.deepEqual(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy, { kind: 'hops', hops: 2 });
  assert.deepEqual(loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, 2001:db8::/32,127.0.0.1,loopback' }).trustProxy, { kind: 'cidrs', cidrs: ['10.0.0.0/8', '2001:db8::/32', '127.0.0.1', 'loopback'] });
  for (const bad of ['true', '10.0.0.0/33', 'proxy.example', '2001:db8::/129', '-1', '1.2.3']) {
    assert.throws(() => loadConfig({ ...base, TRUST_PROXY: bad }), /TRUST_PROXY/, bad);
  }
});

for (const kind of DATABASE_KINDS) {
  describe(`TRUST_PROXY unset (${kind})`, () => {
    let t: TestStack;
    before(async () => {
      t = await startTestStack({ kind, env: LIMITS });
    });
    after(() => t?.close());

    test('issue 11 #2: with TRUST_PROXY unset, a rotating X-Forwarded-For does not reset per-address limits', async () => {
      const p = probes(t);
      assert.deepEqual(await p.codeRequests('127.0.0.3', rotating, 4), [200, 200, 200, 429], 'API code requests');
      assert.deepEqual(await p.codeAttempts('127.0.0.4', rotating, 5), [422, 422, 422, 429, 429], 'API code attempts (email and phone)');
      assert.deepEqual(await p.uiCodeRequests('127.0.0.5', rotating, 4), [true, true, true, false], 'login UI code requests');
      const gql = await p.graphql('127.0.0.6', rotating, 26);
      assert.equal(gql.at(-1), 429, `GraphQL request rate: ${gql.join(',')}`);
      assert.deepEqual(await p.wrongSecrets('127.0.0.7', rotating, 4), [401, 401, 401, 429], 'token endpoint client-secret throttle');
    });
  });

  describe(`TRUST_PROXY=127.0.0.1/32 (${kind})`, () => {
    let t: TestStack;
    before(async () => {
      t = await startTestStack({ kind, env: { ...LIMITS, TRUST_PROXY: '127.0.0.1/32' } });
    });
    after(() => t?.close());

    test('issue 11 #2: with TRUST_PROXY naming the proxy, each forwarded client is counted on its own', async () => {
      const p = probes(t);
      const proxy = '127.0.0.1';
      assert.deepEqual(await p.codeRequests(proxy, rotating, 5), [200, 200, 200, 200, 200], 'API code requests');
      assert.deepEqual(await p.codeAttempts(proxy, rotating, 5), [422, 422, 422, 422, 422], 'API code attempts');
      assert.deepEqual(await p.uiCodeRequests(proxy, rotating, 5), [true, true, true, true, true], 'login UI code requests');
      const gql = await p.graphql(proxy, rotating, 30);
      assert.ok(!gql.includes(429), `GraphQL request rate: ${gql.join(',')}`);
      assert.deepEqual(await p.wrongSecrets(proxy, rotating, 5), [401, 401, 401, 401, 401], 'token endpoint client-secret throttle');
      // One forwarded client is still limited on its own; an IPv6 client by its /64.
      assert.deepEqual(await p.codeRequests(proxy, () => '192.0.2.44', 4), [200, 200, 200, 429]);
      assert.deepEqual(await p.codeRequests(proxy, (i) => `2001:db8:7:8::${i + 1}`, 4), [200, 200, 200, 429], 'one /64');
      assert.deepEqual(await p.codeRequests(proxy, () => '2001:db8:7:9::1', 1), [200], 'another /64');
      // A peer that is not the named proxy cannot forward.
      assert.deepEqual(await p.codeRequests('127.0.0.8', rotating, 4), [200, 200, 200, 429], 'an untrusted peer');
    });
  });
}

describe('TRUST_PROXY=1 (one hop)', () => {
  let t: TestStack;
  before(async () => {
    t = await startTestStack({ env: { ...LIMITS, TRUST_PROXY: '1' } });
  });
  after(() => t?.close());

  test('issue 11 #2: with a hop count, the address the proxy saw counts, not what the client wrote before it', async () => {
    const p = probes(t);
    // The client prepends its own X-Forwarded-For values; the proxy appends the address it saw.
    assert.deepEqual(await p.codeRequests('127.0.0.9', (i) => `10.9.9.${i}, 192.0.2.9`, 4), [200, 200, 200, 429]);
    assert.deepEqual(await p.codeRequests('127.0.0.9', rotating, 4), [200, 200, 200, 200]);
  });
});
