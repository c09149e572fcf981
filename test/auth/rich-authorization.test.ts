// Issue 15: spending budgets as Rich Authorization Requests (RFC 9396, type wallet_spend) on the authorization
// server. openid-client is the app; the consent app speaks the admin API over HTTP (raw JSON and the port's HTTP
// adapter). Asked → shown at consent → lowered → carried by the token response (also after refresh), introspection
// and the consent sessions; bad details are invalid_authorization_details at /oauth2/auth (redirect) and /oauth2/par
// (400); a consent never raises the budget; a remembered consent covers only budgets no larger than it granted.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import type { LightgatePort } from '../../src/hydra-port/port.ts';
import type { ConsentSession } from '../../src/hydra-port/types.ts';
import type { WalletSpendDetail } from '../../src/shared/wallet-spend/spend-detail.ts';
import { CALLBACK, UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { relyingParty } from '../support/clients.ts';
import { createBrowser, leave, oidc, param, type Browser } from '../support/tokens.ts';
import { lightgateTarget } from './lightgate-target.ts';

const detail = (amount: number, over: Partial<WalletSpendDetail> = {}): WalletSpendDetail => ({ type: 'wallet_spend', limit: { amount, currency: 'BTC' }, period: 'P1D', per_payment_max: null, ...over });
const OPERATOR_DEFAULT = detail(700, { limit: { amount: 700, currency: 'USD' }, period: 'P1W' });
const FULL = 'openid offline_access read write';
// Subjects are the identity module's user ids (UUIDs): the wallet records each `write` grant's budget for its user.
const USER = randomUUID();
const REMEMBER = randomUUID();

interface Client {
  client_id: string;
  client_secret: string;
}

describe('rich authorization requests: wallet_spend budgets', () => {
  let t: AuthTarget;
  let port: LightgatePort;
  before(async () => {
    t = await lightgateTarget('pglite', { WRITE_BUDGET_DEFAULT: JSON.stringify(OPERATOR_DEFAULT) })(UNREACHABLE_UI);
    port = createHttpHydraAdmin(t.adminUrl);
  });
  after(() => t?.stop());

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${t.adminUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the admin API's JSON, read field by field in assertions
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
  };
  const newClient = async (over: Record<string, unknown> = {}): Promise<Client> => {
    const r = await admin('POST', '/admin/clients', { redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: FULL, ...over });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as Client;
  };
  const basic = (c: Client) => `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`;

  /** The app's authorization URL (openid-client), with authorization_details when given. */
  async function authorization(c: Client, scope: string, details?: unknown) {
    const rp = await relyingParty(t, c);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const params: Record<string, string> = { redirect_uri: CALLBACK, scope, state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
    if (details !== undefined) params.authorization_details = typeof details === 'string' ? details : JSON.stringify(details);
    return { rp, verifier, state, params, url: oidc.buildAuthorizationUrl(rp, params) };
  }

  /** Browser to the consent app; the login accepted for `subject`. */
  async function toConsent(b: Browser, url: URL, subject: string): Promise<string> {
    const atLogin = await leave(b, t, url);
    assert.equal(atLogin.origin + atLogin.pathname, t.loginUrl, `expected the login app, got ${atLogin.href}`);
    const login = await admin('PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${encodeURIComponent(param(atLogin, 'login_challenge'))}`, { subject });
    const atConsent = await leave(b, t, login.body.redirect_to);
    assert.equal(atConsent.origin + atConsent.pathname, t.consentUrl, atConsent.href);
    return param(atConsent, 'consent_challenge');
  }

  const consentRequest = async (challenge: string) => (await admin('GET', `/admin/oauth2/auth/requests/consent?consent_challenge=${encodeURIComponent(challenge)}`)).body;
  const accept = (challenge: string, body: Record<string, unknown>) => admin('PUT', `/admin/oauth2/auth/requests/consent/accept?consent_challenge=${encodeURIComponent(challenge)}`, body);

  /** The whole flow: consent accepted with `grant`, code exchanged by openid-client. */
  async function tokensFor(c: Client, subject: string, details: unknown, grant: Record<string, unknown>) {
    const a = await authorization(c, FULL, details);
    const b = createBrowser();
    const challenge = await toConsent(b, a.url, subject);
    const accepted = await accept(challenge, { grant_scope: FULL.split(' '), ...grant });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const callback = await leave(b, t, accepted.body.redirect_to);
    const tokens = await oidc.authorizationCodeGrant(a.rp, callback, { pkceCodeVerifier: a.verifier, expectedState: a.state });
    return { tokens, rp: a.rp };
  }

  const introspect = async (token: string) => {
    const res = await fetch(`${t.adminUrl}/admin/oauth2/introspect`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
    return (await res.json()) as Record<string, unknown>;
  };

  it('discovery lists the wallet_spend type', async () => {
    const d = (await (await fetch(`${t.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(d.authorization_details_types_supported, ['wallet_spend']);
  });

  it('asked → shown at consent → lowered → in the token response, introspection, refresh and consent sessions', async () => {
    const c = await newClient({ spend_budget_max: detail(10_000, { per_payment_max: 2000 }) });
    const asked = detail(5000, { per_payment_max: 1000 });
    const a = await authorization(c, FULL, [{ type: 'wallet_spend', limit: { amount: 5000, currency: 'BTC' }, period: 'P1D', per_payment_max: 1000 }]);
    const b = createBrowser();
    const challenge = await toConsent(b, a.url, USER);
    assert.deepEqual((await consentRequest(challenge)).requested_authorization_details, [asked]);
    // The port's HTTP adapter reads the field too (the login UI's and the portal's way in).
    const viaPort = await port.getConsentRequest(challenge);
    assert.ok(viaPort.ok && viaPort.value.requested_authorization_details);
    assert.deepEqual(viaPort.value.requested_authorization_details, [asked]);

    const lowered = detail(3000, { per_payment_max: 500 });
    const accepted = await accept(challenge, { grant_scope: FULL.split(' '), grant_authorization_details: [lowered] });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const callback = await leave(b, t, accepted.body.redirect_to);
    const tokens = await oidc.authorizationCodeGrant(a.rp, callback, { pkceCodeVerifier: a.verifier, expectedState: a.state });
    assert.deepEqual(tokens.authorization_details, [lowered], 'RFC 9396 section 7: the token response carries the granted details');
    assert.equal(tokens.scope, FULL);

    const seen = await introspect(tokens.access_token);
    assert.equal(seen.active, true);
    assert.deepEqual(seen.authorization_details, [lowered]);
    const viaAdapter = await port.introspect(tokens.access_token);
    assert.ok(viaAdapter.ok);
    assert.deepEqual(viaAdapter.value.authorization_details, [lowered]);

    const refreshed = await oidc.refreshTokenGrant(a.rp, tokens.refresh_token!);
    assert.deepEqual(refreshed.authorization_details, [lowered], 'a refreshed token keeps its grant budget');
    assert.deepEqual((await introspect(refreshed.access_token)).authorization_details, [lowered]);

    const sessions = await admin('GET', `/admin/oauth2/auth/sessions/consent?subject=${USER}`);
    assert.equal(sessions.status, 200);
    const mine = (sessions.body as unknown as ConsentSession[]).find((s) => s.consent_request.client.client_id === c.client_id)!;
    assert.deepEqual(mine.grant_authorization_details, [lowered]);
    assert.deepEqual(mine.consent_request.requested_authorization_details, [asked]);
    const listed = await port.listConsentSessions(USER);
    assert.ok(listed.ok);
    assert.deepEqual(listed.value.find((s) => s.consent_request.client.client_id === c.client_id)?.grant_authorization_details, [lowered]);
  });

  it('without details: the client default, else WRITE_BUDGET_DEFAULT; none without write; [] at consent is no sending', async () => {
    const withDefault = await newClient({ spend_budget_default: detail(2500) });
    const a = await authorization(withDefault, FULL);
    const challenge = await toConsent(createBrowser(), a.url, randomUUID());
    assert.deepEqual((await consentRequest(challenge)).requested_authorization_details, [detail(2500)]);

    const plain = await newClient();
    const operator = await tokensFor(plain, randomUUID(), undefined, {});
    assert.deepEqual(operator.tokens.authorization_details, [OPERATOR_DEFAULT], 'the operator default applies');

    const read = await authorization(plain, 'openid read');
    const readChallenge = await toConsent(createBrowser(), read.url, randomUUID());
    assert.deepEqual((await consentRequest(readChallenge)).requested_authorization_details, [], 'a budget only with write');

    const nothing = await tokensFor(plain, randomUUID(), [detail(4000)], { grant_authorization_details: [] });
    assert.deepEqual(nothing.tokens.authorization_details, [detail(0)], 'an empty grant is a zero budget: no sending');
    const notWrite = await tokensFor(plain, randomUUID(), [detail(4000)], { grant_scope: ['openid', 'read'] });
    assert.equal(notWrite.tokens.authorization_details, undefined, 'no budget on a grant without write');
  });

  it('a consent never raises the budget: 400 invalid_request, and the request stays open', async () => {
    const c = await newClient();
    const a = await authorization(c, FULL, [detail(1000, { per_payment_max: 100 })]);
    const challenge = await toConsent(createBrowser(), a.url, randomUUID());
    const refusals: unknown[] = [
      [detail(1001, { per_payment_max: 100 })],
      [detail(1000)],
      [detail(1000, { per_payment_max: 101 })],
      [detail(500, { period: 'P1W', per_payment_max: 100 })],
      [detail(500, { limit: { amount: 500, currency: 'USD' }, per_payment_max: 100 })],
      [detail(10), detail(10)],
      [{ type: 'wallet_spend', limit: { amount: -1, currency: 'BTC' } }],
      ['not a detail'],
      'not an array',
    ];
    for (const body of refusals) {
      const r = await accept(challenge, { grant_scope: FULL.split(' '), grant_authorization_details: body });
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'invalid_request');
      assert.match(String(r.body.error_description), /grant_authorization_details/);
    }
    const ok = await accept(challenge, { grant_scope: FULL.split(' '), grant_authorization_details: [detail(1000, { per_payment_max: 100 })] });
    assert.equal(ok.status, 200, 'the same budget is accepted after the refusals');
  });

  const badDetails: [string, unknown][] = [
    ['not JSON', '{"type":'],
    ['not an array', { type: 'wallet_spend', limit: { amount: 1, currency: 'BTC' } }],
    ['an unknown type', [{ type: 'payment_initiation', limit: { amount: 1, currency: 'BTC' } }]],
    ['an unknown field', [{ ...detail(100), memo: 'x' }]],
    ['a negative amount', [detail(-5)]],
    ['a fractional amount', [detail(1.5)]],
    ['a bad currency', [{ ...detail(100), limit: { amount: 100, currency: 'EUR' } }]],
    ['a bad period', [{ ...detail(100), period: 'P2D' }]],
    ['two details', [detail(100), detail(200)]],
    ['a budget above the client maximum', [detail(20_001)]],
    ['a per-payment maximum above the client maximum', [detail(100, { per_payment_max: 5001 })]],
  ];

  it('bad details at /oauth2/auth: invalid_authorization_details back at the redirect URI', async () => {
    const c = await newClient({ spend_budget_max: detail(20_000, { per_payment_max: 5000 }) });
    for (const [what, details] of [...badDetails, ['details without write', [detail(100)]] as [string, unknown]]) {
      const a = await authorization(c, what === 'details without write' ? 'openid read' : FULL, details);
      const back = await leave(createBrowser(), t, a.url);
      assert.equal(back.origin + back.pathname, CALLBACK, `${what}: ${back.href}`);
      assert.equal(back.searchParams.get('error'), 'invalid_authorization_details', `${what}: ${back.searchParams.get('error_description')}`);
      assert.equal(back.searchParams.get('state'), a.state);
    }
  });

  const push = (c: Client, params: Record<string, string>) =>
    fetch(`${t.publicUrl}/oauth2/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c) }, body: new URLSearchParams({ client_id: c.client_id, ...params }) });

  it('PAR: details pushed reach the consent and the token; bad ones are a 400 invalid_authorization_details', async () => {
    const c = await newClient({ spend_budget_max: detail(20_000, { per_payment_max: 5000 }) });
    const a = await authorization(c, FULL, [detail(8000, { per_payment_max: 800 })]);
    const pushed = await push(c, { response_type: 'code', ...a.params });
    assert.equal(pushed.status, 201);
    const { request_uri } = (await pushed.json()) as { request_uri: string };
    const b = createBrowser();
    const challenge = await toConsent(b, new URL(`${t.publicUrl}/oauth2/auth?${new URLSearchParams({ client_id: c.client_id, request_uri })}`), randomUUID());
    assert.deepEqual((await consentRequest(challenge)).requested_authorization_details, [detail(8000, { per_payment_max: 800 })]);
    const accepted = await accept(challenge, { grant_scope: FULL.split(' ') });
    const callback = await leave(b, t, accepted.body.redirect_to);
    const tokens = await oidc.authorizationCodeGrant(a.rp, callback, { pkceCodeVerifier: a.verifier, expectedState: a.state });
    assert.deepEqual(tokens.authorization_details, [detail(8000, { per_payment_max: 800 })], 'absent grant details: the requested budget as is');

    for (const [what, details] of [...badDetails, ['details without write', [detail(100)]] as [string, unknown]]) {
      const bad = await authorization(c, what === 'details without write' ? 'openid read' : FULL, details);
      const r = await push(c, { response_type: 'code', ...bad.params });
      assert.equal(r.status, 400, what);
      assert.equal(((await r.json()) as { error: string }).error, 'invalid_authorization_details', what);
    }
  });

  it('details only on the authorization request: the token endpoint refuses them', async () => {
    const c = await newClient();
    const { tokens } = await tokensFor(c, randomUUID(), [detail(900)], {});
    const res = await fetch(`${t.publicUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, authorization_details: JSON.stringify([detail(9000)]) }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_authorization_details');
  });

  it('the device authorization endpoint refuses details (a device grant gets its budget at consent)', async () => {
    const device = await newClient({ grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'none' });
    const res = await fetch(`${t.publicUrl}/oauth2/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: device.client_id, scope: 'read write', authorization_details: JSON.stringify([detail(100)]) }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_authorization_details');
  });

  it('a remembered consent is skipped only for a budget it covers, and a skip keeps its budget', async () => {
    const c = await newClient();
    const first = await authorization(c, FULL, [detail(3000, { per_payment_max: 300 })]);
    const b = createBrowser();
    const challenge = await toConsent(b, first.url, REMEMBER);
    const accepted = await accept(challenge, { grant_scope: FULL.split(' '), remember: true, remember_for: 3600, grant_authorization_details: [detail(2000, { per_payment_max: 300 })] });
    assert.equal(accepted.status, 200);
    await leave(b, t, accepted.body.redirect_to);

    const same = await authorization(c, FULL, [detail(2000, { per_payment_max: 200 })]);
    const sameChallenge = await toConsent(createBrowser(), same.url, REMEMBER);
    assert.equal((await consentRequest(sameChallenge)).skip, true, 'a smaller request is covered');
    const bigger = await authorization(c, FULL, [detail(3000, { per_payment_max: 300 })]);
    const biggerChallenge = await toConsent(createBrowser(), bigger.url, REMEMBER);
    assert.equal((await consentRequest(biggerChallenge)).skip, false, 'more than was granted asks the user again');

    // The skipped consent, accepted as the consent app does, keeps the remembered budget.
    const b2 = createBrowser();
    const again = await toConsent(b2, (await authorization(c, FULL, [detail(1000, { per_payment_max: 100 })])).url, REMEMBER);
    const skipped = await accept(again, { grant_scope: FULL.split(' ') });
    assert.equal(skipped.status, 200);
    const sessions = await port.listConsentSessions(REMEMBER);
    assert.ok(sessions.ok);
    assert.deepEqual(sessions.value.map((s) => s.grant_authorization_details), [[detail(2000, { per_payment_max: 300 })]], 'the skip is not listed; the remembered grant is');
  });

  it('prompt=none: a remembered consent answers silently only for a budget it covers', async () => {
    const c = await newClient();
    const subject = randomUUID();
    const b = createBrowser();
    const first = await authorization(c, FULL, [detail(3000)]);
    const atLogin = await leave(b, t, first.url);
    const login = await admin('PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${encodeURIComponent(param(atLogin, 'login_challenge'))}`, { subject, remember: true, remember_for: 3600 });
    const challenge = param(await leave(b, t, login.body.redirect_to), 'consent_challenge');
    const accepted = await accept(challenge, { grant_scope: FULL.split(' '), remember: true, remember_for: 3600, grant_authorization_details: [detail(2000)] });
    await leave(b, t, accepted.body.redirect_to);

    const silent = async (amount: number) => leave(b, t, (await authorization(c, FULL, [detail(amount)])).url.href + '&prompt=none');
    const covered = await silent(1500);
    assert.equal(covered.origin + covered.pathname, CALLBACK);
    assert.ok(covered.searchParams.get('code'), `a covered budget: ${covered.href}`);
    const bigger = await silent(2500);
    assert.equal(bigger.searchParams.get('error'), 'consent_required', 'a bigger budget is never granted silently');
  });

  it('admin API: spend_budget_default and spend_budget_max round trip; bad values are 400', async () => {
    const max = detail(50_000, { per_payment_max: 5000 });
    const created = await newClient({ spend_budget_default: { type: 'wallet_spend', limit: { amount: 5000, currency: 'BTC' }, period: 'P7D', per_payment_max: 1000 }, spend_budget_max: { ...max, period: 'P1W' } });
    const got = await admin('GET', `/admin/clients/${created.client_id}`);
    assert.deepEqual(got.body.spend_budget_default, detail(5000, { period: 'P1W', per_payment_max: 1000 }), 'stored in its canonical form (P7D is P1W)');
    assert.deepEqual(got.body.spend_budget_max, { ...max, period: 'P1W' });
    const viaPort = await port.getClient(created.client_id);
    assert.ok(viaPort.ok);
    assert.deepEqual(viaPort.value.spend_budget_max, { ...max, period: 'P1W' });
    const plain = await newClient();
    assert.equal((await admin('GET', `/admin/clients/${plain.client_id}`)).body.spend_budget_default, null, 'null when unset, always returned');
    const cleared = await admin('PUT', `/admin/clients/${created.client_id}`, { ...got.body, spend_budget_default: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.spend_budget_default, null);

    const bad: Record<string, unknown>[] = [
      { spend_budget_default: { ...detail(1), limit: { amount: 1, currency: 'EUR' } } },
      { spend_budget_max: [detail(1)] },
      { spend_budget_max: 'none' },
      { spend_budget_default: { ...detail(1), extra: true } },
      { spend_budget_default: detail(6000), spend_budget_max: detail(5000) },
      { spend_budget_default: detail(100, { period: 'P1M' }), spend_budget_max: detail(5000) },
    ];
    for (const fields of bad) {
      const r = await admin('POST', '/admin/clients', { redirect_uris: [CALLBACK], scope: FULL, ...fields });
      assert.equal(r.status, 400, JSON.stringify(fields));
      assert.equal(r.body.error, 'invalid_client_metadata');
      assert.match(String(r.body.error_description), /spend_budget_(default|max)/);
    }
  });
});
