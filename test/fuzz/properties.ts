// Property-based robustness of every public surface: generated input to the authorization, token,
// revocation, admin, GraphQL and /auth/* endpoints and to the login & consent forms must never get a
// 5xx, never hang, and always get a well-formed answer (a JSON error for the APIs, an HTML page for
// browser endpoints, a redirect with a valid Location).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { CALLBACK, send, statusCounts, type FuzzTarget } from './harness.ts';

// ---- generators ---------------------------------------------------------------------------------

const nasty = fc.constantFrom('', ' ', '\u0000', '%', '%zz', '%00', '..', '../../etc/passwd', 'null', 'undefined', '[]', '{}', '__proto__', 'constructor', "'; DROP TABLE users;--", '<script>alert(1)</script>', '\ud800', '😀', 'a'.repeat(5000), '-1', '1e309', 'NaN', 'true', 'http://', 'javascript:alert(1)', '\r\nX-Injected: 1');
const text = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }, { weight: 2, arbitrary: nasty });
const pick = <T,>(known: readonly T[]) => fc.constantFrom(...known);

/** A value for a parameter: often a meaningful one, often garbage. */
const valueFrom = (known: readonly string[]) => (known.length ? fc.oneof({ weight: 2, arbitrary: pick(known) }, { weight: 3, arbitrary: text }) : text);

/** Parameters: some known names with known or junk values, some junk names, sometimes repeated. */
function params(known: Record<string, readonly string[]>): fc.Arbitrary<[string, string][]> {
  const names = Object.keys(known);
  const pair = fc.oneof(
    { weight: 4, arbitrary: pick(names).chain((n) => valueFrom(known[n]!).map((v): [string, string] => [n, v])) },
    { weight: 1, arbitrary: fc.tuple(text, text) },
  );
  return fc.array(pair, { maxLength: 12 });
}

const qs = (pairs: [string, string][]) => {
  const u = new URLSearchParams();
  for (const [k, v] of pairs) u.append(k, v);
  return u.toString();
};

/**
 * A valid request's parameters with up to three mutations (drop one, replace a value with junk or with
 * another meaningful value, repeat one, add a junk one): most cases get past the first checks and reach
 * the code behind them.
 */
function mutated(base: [string, string][], known: Record<string, readonly string[]>): fc.Arbitrary<[string, string][]> {
  const names = [...new Set([...base.map(([n]) => n), ...Object.keys(known)])];
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), name: pick(names) }),
    fc.record({ kind: fc.constant('set' as const), name: pick(names), value: fc.oneof(text, pick(Object.values(known).flat().concat(['x']))) }),
    fc.record({ kind: fc.constant('repeat' as const), name: pick(names), value: text }),
    fc.record({ kind: fc.constant('add' as const), name: text, value: text }),
  );
  return fc.array(mutation, { maxLength: 3 }).map((ms) => {
    let pairs = base.map(([n, v]): [string, string] => [n, v]);
    for (const m of ms) {
      if (m.kind === 'drop') pairs = pairs.filter(([n]) => n !== m.name);
      else if (m.kind === 'set') pairs = [...pairs.filter(([n]) => n !== m.name), [m.name, m.value]];
      else pairs.push([m.name, m.value]);
    }
    return pairs;
  });
}

const CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=latin1', 'application/json; charset=utf-16', ''];

const formEncode = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return s; // a lone surrogate: sent raw, as a broken client would
  }
};

function basic(id: string, secret: string) {
  return `Basic ${Buffer.from(`${formEncode(id)}:${formEncode(secret)}`).toString('base64')}`;
}

const authorizationHeader = (t: FuzzTarget) =>
  fc.option(
    fc.oneof(
      fc.constant(basic(t.client.client_id, t.client.client_secret)),
      fc.tuple(valueFrom([t.client.client_id]), text).map(([i, s]) => basic(i, s)),
      text.map((s) => `Basic ${s}`),
      text.map((s) => `Bearer ${s}`),
      text,
    ),
    { nil: undefined },
  );

/** A body in some encoding, matching its content type or not. */
const body = (pairs: fc.Arbitrary<[string, string][]>) =>
  fc.tuple(pairs, pick(CONTENT_TYPES), fc.integer({ min: 0, max: 9 })).map(([p, contentType, mode]) => {
    const payload = mode < 6 ? qs(p) : mode < 8 ? JSON.stringify(Object.fromEntries(p)) : p.map(([k, v]) => `${k}${v}`).join('');
    return { payload, contentType };
  });

// ---- oracles ------------------------------------------------------------------------------------

export type Shape = 'json' | 'html' | 'any';

/** The answer is not a server error, and whatever it is, it is well formed. */
export function wellFormed(res: LightMyRequestResponse, shape: Shape, what: string): void {
  assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 300 && res.statusCode < 400) {
    const location = res.headers.location;
    assert.ok(typeof location === 'string' && URL.canParse(location, 'http://base.invalid'), `${what}: redirect without a valid Location`);
    return;
  }
  if (res.statusCode < 400) return;
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    assert.doesNotThrow(() => (parsed = JSON.parse(res.body)), `${what}: ${res.statusCode} with a broken JSON body`);
    // OAuth 2.0 / Hydra {error: string}, Blink's /auth/* {error: {code, message}}, GraphQL {errors: [...]}.
    // Hydra's 410 for a handled challenge is {redirect_to}.
    const p = parsed as { error?: unknown; errors?: unknown; redirect_to?: unknown };
    const blink = typeof p.error === 'object' && p.error !== null && typeof (p.error as { code?: unknown }).code === 'string';
    const gone = res.statusCode === 410 && typeof p.redirect_to === 'string';
    assert.ok(typeof p.error === 'string' || blink || gone || Array.isArray(p.errors), `${what}: ${res.statusCode} JSON error without error/errors: ${res.body.slice(0, 200)}`);
    if (shape === 'html') assert.fail(`${what}: a browser endpoint answered JSON`);
  } else {
    assert.ok(type.startsWith('text/html'), `${what}: ${res.statusCode} with content-type ${type || '(none)'}: ${res.body.slice(0, 200)}`);
    assert.match(res.body, /<!doctype html>/i, `${what}: an HTML error that is not a page`);
    if (shape === 'json') assert.fail(`${what}: an API endpoint answered HTML: ${res.body.slice(0, 200)}`);
  }
}

// ---- properties ---------------------------------------------------------------------------------

const fuzzers: { name: string; build: (t: FuzzTarget) => fc.IAsyncProperty<[never]> }[] = [];
function define<A>(name: string, build: (t: FuzzTarget) => fc.IAsyncProperty<[A]>) {
  fuzzers.push({ name, build: build as unknown as (t: FuzzTarget) => fc.IAsyncProperty<[never]> });
}

define('authorization endpoint (GET /oauth2/auth)', (t) => {
  const known = {
        response_type: ['code', 'token', 'id_token', 'code id_token', 'none'],
        client_id: [t.client.client_id],
        redirect_uri: [CALLBACK, `${CALLBACK}/x`, 'https://evil.example/cb'],
        scope: ['openid', 'openid read', 'openid offline_access read write', 'admin'],
        state: ['state-12345678'],
        nonce: ['nonce-12345678'],
        code_challenge: ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGF5szWoy0'],
        code_challenge_method: ['S256', 'plain'],
        prompt: ['none', 'login', 'consent', 'select_account', 'login consent'],
        max_age: ['0', '60'],
        response_mode: ['query', 'fragment', 'form_post', 'jwt'],
        login_verifier: t.live,
        consent_verifier: t.live,
        request: ['eyJhbGciOiJub25lIn0.e30.'],
        claims: ['{"id_token":{"email":null}}'],
        id_token_hint: ['eyJhbGciOiJub25lIn0.e30.'],
        ui_locales: ['en'],
        acr_values: ['aal2'],
  };
  const valid: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', t.client.client_id],
    ['redirect_uri', CALLBACK],
    ['scope', 'openid offline_access read'],
    ['state', 'state-12345678'],
    ['nonce', 'nonce-12345678'],
    ['code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGF5szWoy0'],
    ['code_challenge_method', 'S256'],
  ];
  return fc.asyncProperty(
    fc.tuple(
      fc.oneof({ weight: 3, arbitrary: mutated(valid, known) }, { weight: 1, arbitrary: params(known) }),
      fc.constantFrom('/oauth2/auth', '/oauth2/auth', '/oauth2/auth', '/oauth2/auth/'),
    ),
    async ([pairs, path]) => {
      const res = await send(t.public, { method: 'GET', url: `${path}?${qs(pairs)}` });
      wellFormed(res, path === '/oauth2/auth' ? 'html' : 'any', 'authorization');
    },
  );
});

const tokenParams = (t: FuzzTarget) =>
  params({
    grant_type: ['authorization_code', 'refresh_token', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code', 'implicit'],
    code: t.live,
    refresh_token: t.live,
    redirect_uri: [CALLBACK],
    code_verifier: ['dBjftJeZ4CVP-mJ92K9e5u3zpnMSmVy7hnNAc6pNzuO'],
    client_id: [t.client.client_id],
    client_secret: [t.client.client_secret],
    scope: ['read', 'openid', 'admin'],
    client_assertion_type: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'],
    client_assertion: ['eyJhbGciOiJub25lIn0.e30.'],
  });

const TOKEN_KNOWN = (t: FuzzTarget) => ({
  grant_type: ['authorization_code', 'refresh_token', 'client_credentials', 'password', 'implicit'],
  code: t.live,
  refresh_token: t.live,
  redirect_uri: [CALLBACK],
  code_verifier: ['dBjftJeZ4CVP-mJ92K9e5u3zpnMSmVy7hnNAc6pNzuO'],
  scope: ['read', 'openid', 'admin', 'read write'],
});
const validToken = (t: FuzzTarget): fc.Arbitrary<[string, string][]> =>
  fc.constantFrom<[string, string][]>(
    [['grant_type', 'authorization_code'], ['code', t.live[1] ?? 'x'], ['redirect_uri', CALLBACK], ['code_verifier', 'dBjftJeZ4CVP-mJ92K9e5u3zpnMSmVy7hnNAc6pNzuO']],
    [['grant_type', 'refresh_token'], ['refresh_token', t.live[0] ?? 'x']],
    [['grant_type', 'client_credentials'], ['scope', 'read']],
  );
const wellFormedBody = (t: FuzzTarget) =>
  fc.tuple(validToken(t), fc.nat()).chain(([base]) => mutated(base, TOKEN_KNOWN(t))).map((p) => ({ payload: qs(p), contentType: 'application/x-www-form-urlencoded' }));

define('token endpoint (POST /oauth2/token)', (t) =>
  fc.asyncProperty(
    fc.tuple(
      fc.oneof({ weight: 3, arbitrary: wellFormedBody(t) }, { weight: 1, arbitrary: body(tokenParams(t)) }),
      fc.oneof({ weight: 3, arbitrary: fc.constant<string | undefined>(basic(t.client.client_id, t.client.client_secret)) }, { weight: 2, arbitrary: authorizationHeader(t) }),
      fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'GET', 'PUT'),
    ),
    async ([b, authorization, method]) => {
    const headers: Record<string, string> = {};
    if (b.contentType) headers['content-type'] = b.contentType;
    if (authorization !== undefined) headers.authorization = authorization;
    const res = await send(t.public, { method: method as 'POST', url: '/oauth2/token', headers, payload: method === 'GET' ? undefined : b.payload });
    wellFormed(res, 'json', 'token');
  },
  ),
);

define('revocation endpoint (POST /oauth2/revoke)', (t) =>
  fc.asyncProperty(
    fc.tuple(
      fc.oneof(
        { weight: 3, arbitrary: mutated([['token', t.live[0] ?? 'x'], ['token_type_hint', 'refresh_token']], { token: t.live, token_type_hint: ['access_token', 'refresh_token', 'id_token'] }).map((p) => ({ payload: qs(p), contentType: 'application/x-www-form-urlencoded' })) },
        { weight: 1, arbitrary: body(params({ token: t.live, token_type_hint: ['access_token', 'refresh_token', 'id_token'], client_id: [t.client.client_id], client_secret: [t.client.client_secret] })) },
      ),
      fc.oneof({ weight: 3, arbitrary: fc.constant<string | undefined>(basic(t.client.client_id, t.client.client_secret)) }, { weight: 1, arbitrary: authorizationHeader(t) }),
    ),
    async ([b, authorization]) => {
      const headers: Record<string, string> = {};
      if (b.contentType) headers['content-type'] = b.contentType;
      if (authorization !== undefined) headers.authorization = authorization;
      const res = await send(t.public, { method: 'POST', url: '/oauth2/revoke', headers, payload: b.payload });
      wellFormed(res, 'json', 'revocation');
    },
  ),
);

// Issue 16: pushed authorization requests, with and without client authentication and a DPoP header.
define('pushed authorization requests (POST /oauth2/par)', (t) =>
  fc.asyncProperty(
    fc.tuple(
      fc.oneof(
        { weight: 3, arbitrary: mutated([['client_id', t.client.client_id], ['response_type', 'code'], ['redirect_uri', CALLBACK], ['scope', 'openid read'], ['state', 'fuzz-state-123'], ['code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'], ['code_challenge_method', 'S256']], { client_id: [t.client.client_id, 'x'], response_type: ['code', 'token', 'id_token'], redirect_uri: [CALLBACK, 'https://evil.example/cb'], scope: ['openid read', 'write', 'admin'], request_uri: ['urn:ietf:params:oauth:request_uri:x'], request: ['a.b.c'], prompt: ['none', 'consent'] }).map((p) => ({ payload: qs(p), contentType: 'application/x-www-form-urlencoded' })) },
        { weight: 1, arbitrary: body(params({ client_id: [t.client.client_id], response_type: ['code'], redirect_uri: [CALLBACK], scope: ['openid read'] })) },
      ),
      fc.oneof({ weight: 3, arbitrary: fc.constant<string | undefined>(basic(t.client.client_id, t.client.client_secret)) }, { weight: 1, arbitrary: authorizationHeader(t) }),
      fc.oneof({ weight: 3, arbitrary: fc.constant<string | undefined>(undefined) }, { weight: 1, arbitrary: fc.oneof(text, fc.constant('eyJhbGciOiJFUzI1NiIsInR5cCI6ImRwb3Arand0In0.e30.x')) }),
    ),
    async ([b, authorization, dpop]) => {
      const headers: Record<string, string> = {};
      if (b.contentType) headers['content-type'] = b.contentType;
      if (authorization !== undefined) headers.authorization = authorization;
      if (dpop !== undefined && /^[\t\x20-\x7e]*$/.test(dpop)) headers.dpop = dpop;
      const res = await send(t.public, { method: 'POST', url: '/oauth2/par', headers, payload: b.payload });
      wellFormed(res, 'json', 'par');
    },
  ),
);

// Issue 16: DPoP at the wallet API: the DPoP scheme and the DPoP header with junk (a bad credential is a 401, never a 5xx).
define('GraphQL with DPoP (POST /graphql)', (t) =>
  fc.asyncProperty(
    fc.tuple(
      fc.constantFrom<Record<string, string>>({ authorization: 'DPoP junk' }, { 'oauth2-token': 'ory_at_junk' }, { authorization: `DPoP ${t.session}` }, { authorization: 'DPoP' }),
      fc.oneof(text, fc.constant('eyJhbGciOiJFUzI1NiIsInR5cCI6ImRwb3Arand0IiwiandrIjp7fX0.e30.x'), fc.constant('')),
    ),
    async ([credentials, dpop]) => {
      const headers: Record<string, string> = { ...credentials, 'content-type': 'application/json' };
      if (/^[\t\x20-\x7e]*$/.test(dpop)) headers.dpop = dpop;
      const res = await send(t.api, { method: 'POST', url: '/graphql', headers, payload: JSON.stringify({ query: '{ me { id } }' }) });
      wellFormed(res, 'json', 'graphql-dpop');
    },
  ),
);

const ADMIN_ROUTES: [string, string][] = [
  ['GET', '/admin/clients'],
  ['POST', '/admin/clients'],
  ['GET', '/admin/clients/{id}'],
  ['PUT', '/admin/clients/{id}'],
  ['PATCH', '/admin/clients/{id}'],
  ['DELETE', '/admin/clients/{id}'],
  ['POST', '/admin/clients/{id}/secrets/rotate'],
  ['DELETE', '/admin/clients/{id}/secrets/rotate'],
  ['PUT', '/admin/clients/{id}/status'],
  ['GET', '/admin/oauth2/auth/requests/login'],
  ['PUT', '/admin/oauth2/auth/requests/login/accept'],
  ['PUT', '/admin/oauth2/auth/requests/login/reject'],
  ['GET', '/admin/oauth2/auth/requests/consent'],
  ['PUT', '/admin/oauth2/auth/requests/consent/accept'],
  ['PUT', '/admin/oauth2/auth/requests/consent/reject'],
  ['GET', '/admin/oauth2/auth/requests/logout'],
  ['PUT', '/admin/oauth2/auth/requests/logout/accept'],
  ['PUT', '/admin/oauth2/auth/requests/device/accept'],
  ['GET', '/admin/oauth2/auth/sessions/consent'],
  ['DELETE', '/admin/oauth2/auth/sessions/consent'],
  ['DELETE', '/admin/oauth2/auth/sessions/login'],
  ['POST', '/admin/oauth2/introspect'],
  ['DELETE', '/admin/oauth2/tokens'],
];

/** JSON bodies shaped like the admin API's, with wrong types and junk mixed in. */
const adminBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        client_name: fc.oneof(text, fc.integer()),
        redirect_uris: fc.oneof(fc.array(fc.oneof(fc.webUrl(), text), { maxLength: 3 }), text),
        grant_types: fc.array(pick(['authorization_code', 'refresh_token', 'client_credentials', 'implicit', 'x']), { maxLength: 3 }),
        response_types: fc.array(pick(['code', 'token', 'id_token']), { maxLength: 2 }),
        scope: text,
        token_endpoint_auth_method: pick(['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt', 'x']),
        subject: text,
        remember: fc.oneof(fc.boolean(), text),
        remember_for: fc.oneof(fc.integer(), text),
        grant_scope: fc.oneof(fc.array(text, { maxLength: 3 }), text),
        error: text,
        status: pick(['pending', 'active', 'suspended', 'x']),
        session: fc.json({ maxDepth: 2 }).map((j) => JSON.parse(j) as unknown),
        metadata: fc.json({ maxDepth: 2 }).map((j) => JSON.parse(j) as unknown),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.array(fc.record({ op: pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'x']), path: pick(['/client_name', '/redirect_uris/0', '/scope', '/', '', '/__proto__/x']), value: fc.json({ maxDepth: 1 }).map((j) => JSON.parse(j) as unknown) }), { maxLength: 3 }).map((a) => JSON.stringify(a)),
  text,
);

define('admin API (port 4445)', (t) =>
  fc.asyncProperty(
    fc.tuple(
      pick(ADMIN_ROUTES),
      fc.uuid().map((u) => `fuzz-${u}`),
      params({ login_challenge: t.live, consent_challenge: t.live, logout_challenge: t.live, subject: ['fuzz'], client: ['x'], all: ['true', 'false'], page_size: ['0', '-1', '99999', 'x'], page_token: ['MTA', '!!', ''], client_id: ['x'], owner: ['o'], client_name: ['n'], token: t.live }),
      adminBody,
      pick(['application/json', 'application/x-www-form-urlencoded', 'text/plain', '']),
    ),
    async ([[method, path], id, query, payload, contentType]) => {
      // Random client ids only: the fuzz app itself stays usable for the other properties.
      const url = `${path.replace('{id}', encodeURIComponent(id))}${query.length ? `?${qs(query)}` : ''}`;
      const hasBody = method !== 'GET' && method !== 'DELETE';
      const headers: Record<string, string> = hasBody && contentType ? { 'content-type': contentType } : {};
      const res = await send(t.admin, { method: method as 'GET', url, headers, payload: hasBody ? payload : undefined });
      wellFormed(res, 'json', `admin ${method} ${path}`);
    },
  ),
);

// GraphQL documents: from a small grammar over the wallet schema's names, and raw text.
const FIELDS = ['me', 'id', 'defaultAccount', 'wallets', 'balance', 'walletCurrency', 'transactions', 'edges', 'node', 'globals', 'network', 'apiKeys', 'name', 'username', 'email', 'address', '__typename', '__schema', 'types', 'fields', 'currencyConversionEstimation', 'btcPrice', 'realtimePrice', 'x'];
const MUTATIONS = ['intraLedgerPaymentSend', 'intraLedgerUsdPaymentSend', 'lnInvoiceCreate', 'lnInvoicePaymentSend', 'lnNoAmountInvoicePaymentSend', 'apiKeyCreate', 'apiKeyRevoke', 'userUpdateUsername', 'accountUpdateDefaultWalletId', 'onChainAddressCreate', 'lnInvoiceCancel', 'x'];
const gqlValue = (t: FuzzTarget): fc.Arbitrary<string> =>
  fc.oneof(
    fc.integer({ min: -2, max: 2 ** 40 }).map(String),
    fc.double().map(String),
    text.map((s) => JSON.stringify(s)),
    pick(t.walletIds).map((w) => JSON.stringify(w)),
    pick(['true', 'null', 'BTC', 'USD', '[READ, WRITE]', '$v', '"lnbc1"', '1e400']),
  );
const selection: fc.Memo<string> = fc.memo((n) =>
  n <= 1
    ? pick(FIELDS)
    : fc.oneof(
        pick(FIELDS),
        fc.tuple(pick(FIELDS), fc.array(selection(n - 1), { minLength: 1, maxLength: 3 })).map(([f, s]) => `${f} { ${s.join(' ')} }`),
        fc.tuple(pick(FIELDS), fc.integer({ min: 0, max: 5000 }), selection(n - 1)).map(([f, k, s]) => `${f}(first: ${k}) { ${s} }`),
        selection(n - 1).map((s) => `... on Query { ${s} }`),
      ),
);
// Valid documents of the wallet schema: generated variables then exercise the resolvers and use cases.
const TEMPLATES = [
  'query { me { id defaultAccount { id wallets { id walletCurrency balance } } } }',
  'query($first: Int) { me { defaultAccount { transactions(first: $first) { edges { node { id memo } } } } } }',
  'query($u: Username!) { usernameAvailable(username: $u) }',
  'query($u: Username!, $c: WalletCurrency) { accountDefaultWallet(username: $u, walletCurrency: $c) { id } }',
  'query { globals { network } authorization { scopes } }',
  'mutation($w: WalletId!, $r: WalletId!, $a: SatAmount!, $m: Memo) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: $a, memo: $m }) { status errors { code } } }',
  'mutation($w: WalletId!, $r: WalletId!, $a: CentAmount!) { intraLedgerUsdPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: $a }) { status errors { code } } }',
  'mutation($w: WalletId!, $a: SatAmount!, $m: Memo) { lnInvoiceCreate(input: { walletId: $w, amount: $a, memo: $m }) { errors { message } } }',
  'mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status errors { message } } }',
  'mutation($n: String!) { apiKeyCreate(input: { name: $n, scopes: [READ] }) { apiKey { id } } }',
  'mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { apiKey { id } } }',
  'mutation($u: Username!) { userUpdateUsername(input: { username: $u }) { errors { message } } }',
  'mutation($w: WalletId!) { onChainAddressCreate(input: { walletId: $w }) { errors { message } } }',
  'mutation($w: WalletId!) { accountUpdateDefaultWalletId(input: { walletId: $w }) { errors { message } } }',
];
// Every template variable gets a value (unused ones are ignored), most of them plausible.
const gqlVariables = (t: FuzzTarget) => {
  const junk = fc.oneof(pick<unknown>(['BTC', 'USD', 'lnbc1', -1, 2 ** 53, 1e308, null, true, [], {}]), text, fc.integer(), fc.double());
  const plausible = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: junk });
  const wallet = pick(t.walletIds);
  return fc.record(
    {
      first: plausible(fc.integer({ min: 0, max: 100 })),
      u: plausible(fc.stringMatching(/^[a-z][a-z0-9_]{2,20}$/)),
      c: plausible(pick(['BTC', 'USD'])),
      w: plausible(wallet),
      r: plausible(wallet),
      a: plausible(fc.integer({ min: 1, max: 5000 })),
      m: plausible(fc.string({ maxLength: 20 })),
      n: plausible(fc.string({ minLength: 1, maxLength: 20 })),
      id: plausible(fc.uuid()),
    },
  );
};

const gqlDocument = (t: FuzzTarget) =>
  fc.oneof(
    { weight: 10, arbitrary: pick(TEMPLATES) },
    { weight: 1, arbitrary: selection(5).map((s) => `{ ${s} }`) },
    selection(3).map((s) => `query Q($v: String) { ${s} }`),
    fc
      .tuple(pick(MUTATIONS), fc.dictionary(pick(['walletId', 'recipientWalletId', 'amount', 'memo', 'paymentRequest', 'name', 'scopes', 'id', 'username', 'expiresIn']), gqlValue(t), { maxKeys: 5 }))
      .map(([m, input]) => `mutation { ${m}(input: { ${Object.entries(input).map(([k, v]) => `${k}: ${v}`).join(', ')} }) { errors { message } } }`),
    fc.integer({ min: 1, max: 60 }).map((d) => `{ ${'me { defaultAccount { '.repeat(d)}id${' } }'.repeat(d)} }`),
    fc.integer({ min: 1, max: 3000 }).map((n) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: globals { network }`).join(' ')} }`),
    text,
  );

define('GraphQL (POST /graphql)', (t) =>
  fc.asyncProperty(
    fc.tuple(
      gqlDocument(t),
      fc.oneof({ weight: 4, arbitrary: gqlVariables(t).map((v) => JSON.stringify(v)) }, { weight: 1, arbitrary: fc.option(fc.json({ maxDepth: 2 }), { nil: undefined }) }),
      fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: text }),
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom<Record<string, string>>({ authorization: `Bearer ${t.session}` }, { 'x-api-key': t.apiKey }) },
        { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({}, { 'oauth2-token': 'ory_at_junk' }, { authorization: 'Bearer junk' }, { 'x-api-key': 'junk' }) },
      ),
      fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.uuid() }, { weight: 1, arbitrary: text }),
      fc.integer({ min: 0, max: 19 }),
    ),
    async ([query, variables, operationName, credentials, idempotencyKey, mode]) => {
      const headers: Record<string, string> = { ...credentials, 'content-type': mode === 19 ? 'text/plain' : 'application/json' };
      if (idempotencyKey !== undefined && /^[\t\x20-\x7e]*$/.test(idempotencyKey)) headers['idempotency-key'] = idempotencyKey;
      const payload =
        mode < 17 ? JSON.stringify({ query, ...(variables ? { variables: JSON.parse(variables) as unknown } : {}), ...(operationName ? { operationName } : {}) }) : mode === 17 ? JSON.stringify([query]) : query;
      const res = await send(t.api, { method: 'POST', url: '/graphql', headers, payload });
      wellFormed(res, 'json', 'graphql');
      if (res.statusCode === 200) {
        const b = res.json() as { data?: unknown; errors?: unknown };
        assert.ok('data' in b || Array.isArray(b.errors), `graphql 200 without data or errors: ${res.body.slice(0, 200)}`);
      }
    },
  ),
);

define("Blink's /auth/* endpoints (API port)", (t) =>
  fc.asyncProperty(
    fc.tuple(
      pick(['/auth/email/code', '/auth/email/login', '/auth/phone/code', '/auth/phone/login', '/auth/totp/validate', '/auth/logout', '/auth/totp/register/initiate', '/auth/totp/register/validate', '/auth/totp/delete']),
      fc.dictionary(pick(['email', 'emailLoginId', 'code', 'phone', 'channel', 'authToken', 'totpCode', 'totpRegistrationId', 'x']), fc.oneof(valueFrom(['fuzz@example.com', '+12025550148', '000000', ...t.live]), fc.integer(), fc.constant(null), fc.array(text, { maxLength: 2 })), { maxKeys: 4 }),
      fc.constantFrom<Record<string, string>>({}, { authorization: `Bearer ${t.session}` }, { authorization: 'Bearer junk' }),
      pick(['application/json', 'application/x-www-form-urlencoded', 'text/plain']),
    ),
    async ([path, fields, credentials, contentType]) => {
      const payload = contentType === 'application/json' ? JSON.stringify(fields) : qs(Object.entries(fields).map(([k, v]) => [k, String(v)]));
      const res = await send(t.api, { method: 'POST', url: path, headers: { ...credentials, 'content-type': contentType }, payload });
      wellFormed(res, 'json', path);
    },
  ),
);

const UI_ROUTES: [string, string][] = [
  ['GET', '/login'],
  ['POST', '/login'],
  ['GET', '/login/code'],
  ['POST', '/login/code'],
  ['POST', '/login/resend'],
  ['GET', '/login/totp'],
  ['POST', '/login/totp'],
  ['POST', '/login/cancel'],
  ['GET', '/consent'],
  ['POST', '/consent'],
  ['GET', '/logout'],
  ['POST', '/logout'],
  ['GET', '/'],
  ['GET', '/nope'],
  // The language switch (issue 17): a cookie and a way back to a path of this site only.
  ['GET', '/lang'],
];

define('login & consent forms (port 3000)', (t) =>
  fc.asyncProperty(
    fc.tuple(
      pick(UI_ROUTES),
      params({
        login_challenge: t.live,
        consent_challenge: t.live,
        logout_challenge: t.live,
        email: ['fuzz@example.com', 'not-an-email'],
        phone: ['+12025550148', '12'],
        method: ['email', 'phone', 'x'],
        channel: ['sms', 'whatsapp', 'x'],
        code: ['000000', '12345'],
        totp_code: ['000000'],
        remember: ['true', 'false'],
        action: ['allow', 'deny', 'x'],
        scope: ['openid', 'read', 'write'],
        _csrf: ['junk'],
        csrf: ['junk'],
        to: ['en', 'es', 'xx'],
        next: ['/login', '//evil.example/x', 'https://evil.example/', '/\\evil.example'],
      }),
      fc.option(text, { nil: undefined }),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/x-www-form-urlencoded') },
        { weight: 1, arbitrary: pick(['application/json', 'text/plain', 'multipart/form-data; boundary=x']) },
      ),
      // Mostly with a valid CSRF pair, so that the handlers behind the check run.
      fc.boolean(),
      fc.boolean(),
    ),
    async ([[method, path], generated, junkCookie, contentType, withCsrf, withLiveChallenge]) => {
      const headers: Record<string, string> = {};
      let pairs = generated;
      if (withCsrf || withLiveChallenge) {
        headers.cookie = t.csrf.cookie;
        pairs = [['_csrf', t.csrf.token], ...(withLiveChallenge ? ([['login_challenge', t.live[1] ?? 'x'], ['consent_challenge', t.live[2] ?? 'x']] as [string, string][]) : []), ...pairs];
      } else if (junkCookie !== undefined && /^[\x20-\x7e]*$/.test(junkCookie)) headers.cookie = junkCookie;
      let url = path;
      let payload: string | undefined;
      if (method === 'GET') url = `${path}?${qs(pairs)}`;
      else {
        headers['content-type'] = contentType;
        payload = contentType === 'application/json' ? JSON.stringify(Object.fromEntries(pairs)) : qs(pairs);
      }
      const res = await send(t.ui, { method: method as 'GET', url, headers, payload });
      if (path === '/lang') {
        const location = String(res.headers.location ?? '');
        assert.ok(res.statusCode === 303 && /^\/(?![/\\])/.test(location), `/lang goes back to this site only: ${res.statusCode} ${location}`);
        return;
      }
      wellFormed(res, 'html', `ui ${method} ${path}`);
    },
  ),
);

export const FUZZERS = fuzzers;

/** Runs every property `runsEach` times; returns the number of cases run. Throws on the first counterexample. */
export async function fuzzAll(t: FuzzTarget, runsEach: number, options: { seed?: number; log?: (line: string) => void } = {}): Promise<number> {
  let total = 0;
  for (const f of fuzzers) {
    const started = Date.now();
    statusCounts.clear();
    const details = await fc.check(f.build(t), { numRuns: runsEach, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
    total += details.numRuns;
    const statuses = [...statusCounts].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');
    options.log?.(`${f.name}: ${details.numRuns} cases in ${((Date.now() - started) / 1000).toFixed(1)} s${details.failed ? ' FAILED' : ''} (${statuses})`);
    if (details.failed) throw new Error(`${f.name}: counterexample after ${details.numRuns} cases (seed ${details.seed}, path ${details.counterexamplePath}):\n${fc.stringify(details.counterexample)}\n${String(details.errorInstance)}`);
  }
  return total;
}
