// @lightgate/sdk against a running stack: discovery, the whole sign-in (PKCE, state, nonce, iss), refresh,
// revocation, userinfo and the wallet GraphQL client, with every failure checked as a typed error code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWalletClient, discover, type LightgateClient, type Result, type TokenSet } from '@lightgate/sdk';
import type { OAuth2Client } from '../../src/hydra-port/types.ts';
import { freePort } from '../support/stack.ts';
import { startStackHarness, type StackHarness, type TestUser } from './harness.ts';

const CALLBACK = 'http://127.0.0.1:9/callback';

function value<T>(r: Result<T>): T {
  assert.ok(r.ok, `expected ok, got ${JSON.stringify(r.ok ? undefined : { code: r.error.code, message: r.error.message, status: r.error.status, apiCode: r.error.apiCode })}`);
  return r.value;
}

function errorCode(r: Result<unknown>): string {
  assert.ok(!r.ok, `expected an error, got ${JSON.stringify(r.ok && r.value)}`);
  return r.error.code;
}

/** Until the API has forgotten a revoked token (its introspection cache lives CACHE_TTL seconds). */
async function eventually(check: () => Promise<boolean>, what: string, ms = 6000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('@lightgate/sdk against a running stack', () => {
  let h: StackHarness;
  let registered: OAuth2Client;
  let client: LightgateClient;
  let merchant: TestUser;

  before(async () => {
    h = await startStackHarness({ env: { CACHE_TTL: '1' } });
    registered = await h.createClient({ client_name: 'SDK app', redirect_uris: [CALLBACK] });
    client = value(await discover({ issuer: h.issuer, clientId: registered.client_id, clientSecret: registered.client_secret! }));
    merchant = await h.signUp();
    await h.fund(merchant.btcWalletId, 50_000);
  });
  after(async () => {
    await h?.close();
  });

  /** Blink's guide: scope "read" (here with offline_access for a refresh token), no openid. */
  async function signIn(scope: string[], user = merchant): Promise<TokenSet> {
    const { url, pending } = await client.authorizationUrl({ redirectUri: CALLBACK, scope });
    const callback = await h.approve(url, user.userId);
    return value(await client.handleCallback(callback, pending));
  }

  test('discovery reads the issuer metadata', () => {
    assert.equal(client.server.issuer, h.issuer);
    assert.equal(client.server.issParameterSupported, true);
    assert.equal(client.server.revocationEndpoint, `${h.issuer}/oauth2/revoke`);
    for (const s of ['openid', 'offline_access', 'read', 'receive', 'write']) assert.ok(client.server.scopesSupported.includes(s), s);
  });

  test('discovery and options fail with typed errors', async () => {
    assert.equal(errorCode(await discover({ issuer: 'not a url', clientId: 'x' })), 'invalid_options');
    assert.equal(errorCode(await discover({ issuer: h.issuer, clientId: '' })), 'invalid_options');
    assert.equal(errorCode(await discover({ issuer: h.issuer, clientId: 'x', tokenEndpointAuthMethod: 'client_secret_post' })), 'invalid_options');
    assert.equal(errorCode(await discover({ issuer: `http://127.0.0.1:${await freePort()}`, clientId: 'x' })), 'network_error');
    // A server that is not an OAuth issuer (the wallet API) has no discovery document.
    assert.equal(errorCode(await discover({ issuer: h.stack.stack.listening.api!, clientId: 'x' })), 'discovery_failed');
  });

  test('the authorization URL carries PKCE S256 and state; a nonce only with openid', async () => {
    const plain = await client.authorizationUrl({ redirectUri: CALLBACK, scope: 'read' });
    const q = plain.url.searchParams;
    assert.equal(plain.url.origin + plain.url.pathname, `${h.issuer}/oauth2/auth`);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), registered.client_id);
    assert.equal(q.get('redirect_uri'), CALLBACK);
    assert.equal(q.get('scope'), 'read');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(q.get('state'), plain.pending.state);
    assert.equal(q.get('nonce'), null);
    assert.equal(plain.pending.nonce, undefined);
    const withOpenid = await client.authorizationUrl({ redirectUri: CALLBACK, scope: ['openid', 'read'] });
    assert.ok(withOpenid.pending.nonce);
    assert.equal(withOpenid.url.searchParams.get('nonce'), withOpenid.pending.nonce);
    assert.notEqual(withOpenid.pending.state, plain.pending.state, 'a fresh state each time');
    assert.notEqual(withOpenid.pending.codeVerifier, plain.pending.codeVerifier, 'a fresh verifier each time');
  });

  test('whole flow: sign in with scope read, read the wallet with Oauth2-Token, userinfo', async () => {
    const tokens = await signIn(['read', 'offline_access']);
    assert.deepEqual(new Set(tokens.scope), new Set(['read', 'offline_access']));
    assert.ok(tokens.refreshToken, 'offline_access gives a refresh token');
    assert.equal(tokens.idToken, undefined, 'no openid, no ID token');
    assert.ok(tokens.expiresAt && tokens.expiresAt > Date.now());
    assert.equal(client.isExpired(tokens), false);
    assert.equal(client.isExpired({ expiresAt: Date.now() + 10_000 }), true, 'within the 30 s skew');

    const wallet = createWalletClient({ url: h.graphqlUrl, accessToken: tokens.accessToken });
    const me = value(await wallet.me());
    assert.equal(me.id, merchant.userId);
    assert.equal(me.username, null);
    assert.equal(me.defaultAccount.defaultWalletId, merchant.btcWalletId);
    assert.deepEqual(
      me.defaultAccount.wallets.map((w) => [w.walletCurrency, w.balance]).sort(),
      [['BTC', 50_000], ['USD', 0]],
    );
    assert.deepEqual(value(await wallet.scopes()), ['read']);

    const info = value(await client.userinfo(tokens.accessToken, merchant.userId));
    assert.equal(info.sub, merchant.userId);
  });

  test('with openid: the ID token is checked (nonce) and names the user', async () => {
    const tokens = await signIn(['openid', 'read']);
    assert.ok(tokens.idToken);
    assert.equal(tokens.subject, merchant.userId);
  });

  test('a public client (token_endpoint_auth_method none) signs in with PKCE alone', async () => {
    const pub = await h.createClient({ client_name: 'Native app', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/callback'] });
    assert.equal(pub.client_secret, undefined);
    const native = value(await discover({ issuer: h.issuer, clientId: pub.client_id }));
    // RFC 8252 section 7.3: any port on the loopback redirect.
    const { url, pending } = await native.authorizationUrl({ redirectUri: 'http://127.0.0.1:9/callback', scope: 'read offline_access' });
    const tokens = value(await native.handleCallback(await h.approve(url, merchant.userId), pending));
    assert.ok(tokens.refreshToken);
    assert.equal(value(await createWalletClient({ url: h.graphqlUrl, accessToken: tokens.accessToken }).me()).id, merchant.userId);
    assert.ok(value(await native.refresh(tokens.refreshToken!)).accessToken);
  });

  test('callback validation: state, iss (RFC 9207), denial, code replay', async () => {
    const { url, pending } = await client.authorizationUrl({ redirectUri: CALLBACK, scope: 'read' });
    const callback = await h.approve(url, merchant.userId);
    assert.equal(callback.searchParams.get('iss'), h.issuer);

    const tampered = (edit: (u: URL) => void) => {
      const u = new URL(callback);
      edit(u);
      return u;
    };
    assert.equal(errorCode(await client.handleCallback(tampered((u) => u.searchParams.set('state', 'forged')), pending)), 'state_mismatch');
    assert.equal(errorCode(await client.handleCallback(tampered((u) => u.searchParams.delete('state')), pending)), 'state_mismatch');
    assert.equal(errorCode(await client.handleCallback(tampered((u) => u.searchParams.set('iss', 'https://evil.example')), pending)), 'issuer_mismatch');
    assert.equal(errorCode(await client.handleCallback(tampered((u) => u.searchParams.delete('iss')), pending)), 'issuer_mismatch');
    // Another sign-in's pending state (a second tab) does not fit this callback.
    const other = await client.authorizationUrl({ redirectUri: CALLBACK, scope: 'read' });
    assert.equal(errorCode(await client.handleCallback(callback, other.pending)), 'state_mismatch');
    // The wrong PKCE verifier: the server refuses the code.
    const wrongVerifier = await client.handleCallback(callback, { ...pending, codeVerifier: other.pending.codeVerifier });
    assert.equal(errorCode(wrongVerifier), 'invalid_grant');

    // The untouched callback was spent by the wrong-verifier attempt (a code is single use, RFC 6749 section 4.1.2).
    const fresh = await client.authorizationUrl({ redirectUri: CALLBACK, scope: 'read' });
    const good = await h.approve(fresh.url, merchant.userId);
    value(await client.handleCallback(good, fresh.pending));
    const replay = await client.handleCallback(good, fresh.pending);
    assert.equal(errorCode(replay), 'invalid_grant');
    assert.equal(!replay.ok && replay.error.oauthError, 'invalid_grant');

    const denied = await client.authorizationUrl({ redirectUri: CALLBACK, scope: 'read' });
    const deniedCallback = await h.approve(denied.url, merchant.userId, { denyConsent: true });
    const result = await client.handleCallback(deniedCallback, denied.pending);
    assert.equal(errorCode(result), 'access_denied');
    assert.equal(!result.ok && result.error.oauthError, 'access_denied');

    // A scope the client is not registered for comes back as an authorization error, not an exception.
    const narrow = await h.createClient({ redirect_uris: [CALLBACK], scope: 'read' });
    const narrowClient = value(await discover({ issuer: h.issuer, clientId: narrow.client_id, clientSecret: narrow.client_secret! }));
    const tooMuch = await narrowClient.authorizationUrl({ redirectUri: CALLBACK, scope: 'read write' });
    const refused = await narrowClient.handleCallback(await h.approve(tooMuch.url, merchant.userId), tooMuch.pending);
    assert.equal(errorCode(refused), 'authorization_failed');
    assert.equal(!refused.ok && refused.error.oauthError, 'invalid_scope');
  });

  test('a wrong client secret is invalid_client', async () => {
    const wrong = value(await discover({ issuer: h.issuer, clientId: registered.client_id, clientSecret: 'not-the-secret' }));
    const { url, pending } = await wrong.authorizationUrl({ redirectUri: CALLBACK, scope: 'read' });
    assert.equal(errorCode(await wrong.handleCallback(await h.approve(url, merchant.userId), pending)), 'invalid_client');
  });

  test('refresh: new tokens work, the old refresh token is spent', async () => {
    const first = await signIn(['read', 'offline_access']);
    const second = value(await client.refresh(first.refreshToken!));
    assert.notEqual(second.accessToken, first.accessToken);
    assert.ok(second.refreshToken && second.refreshToken !== first.refreshToken, 'rotated');
    assert.deepEqual(new Set(second.scope), new Set(['read', 'offline_access']));
    assert.equal(value(await createWalletClient({ url: h.graphqlUrl, accessToken: second.accessToken }).me()).id, merchant.userId);
    // Reusing a rotated refresh token is refused (and, as in Hydra, revokes the grant).
    assert.equal(errorCode(await client.refresh(first.refreshToken!)), 'invalid_grant');
    assert.equal(errorCode(await client.refresh('')), 'invalid_options');
    assert.equal(errorCode(await client.refresh('made-up')), 'invalid_grant');
  });

  test('revoke: a revoked access token stops working at the API; a revoked refresh token cannot refresh', async () => {
    const tokens = await signIn(['read', 'offline_access']);
    const wallet = createWalletClient({ url: h.graphqlUrl, accessToken: tokens.accessToken });
    value(await wallet.me());
    value(await client.revoke(tokens.accessToken, 'access_token'));
    await eventually(async () => {
      const r = await wallet.me();
      return !r.ok && r.error.code === 'unauthenticated' && r.error.status === 401;
    }, 'the API refuses the revoked access token');
    assert.equal(errorCode(await client.userinfo(tokens.accessToken)), 'unauthenticated');

    value(await client.revoke(tokens.refreshToken!, 'refresh_token'));
    assert.equal(errorCode(await client.refresh(tokens.refreshToken!)), 'invalid_grant');
    // RFC 7009 section 2.2: revoking an unknown token is not an error.
    value(await client.revoke('never-issued'));
  });

  test('wallet client: invoices for a recipient, payment, status, and typed errors', async () => {
    const customer = await h.signUp();
    await h.fund(customer.btcWalletId, 10_000);
    const publicApi = createWalletClient({ url: h.graphqlUrl });
    const invoice = value(await publicApi.createInvoiceOnBehalfOfRecipient({ recipientWalletId: merchant.btcWalletId, amount: 1_234, memo: 'Coffee' }));
    assert.equal(invoice.satoshis, 1_234);
    assert.match(invoice.paymentRequest, /^lnbc/);
    assert.equal(value(await publicApi.invoicePaymentStatus(invoice.paymentRequest)), 'PENDING');
    assert.equal(errorCode(await publicApi.waitForPayment(invoice.paymentRequest, { intervalMs: 50, timeoutMs: 200 })), 'timeout');

    // Reading only: a token with scope read cannot pay.
    const reader = await signIn(['read'], customer);
    const readOnly = createWalletClient({ url: h.graphqlUrl, accessToken: reader.accessToken });
    const refused = await readOnly.payInvoice({ walletId: customer.btcWalletId, paymentRequest: invoice.paymentRequest });
    assert.equal(errorCode(refused), 'insufficient_scope');
    assert.equal(!refused.ok && refused.error.apiCode, 'INSUFFICIENT_SCOPE');

    const writer = await signIn(['read', 'write'], customer);
    const payer = createWalletClient({ url: h.graphqlUrl, accessToken: async () => writer.accessToken });
    const waiting = publicApi.waitForPayment(invoice.paymentRequest, { intervalMs: 100, timeoutMs: 10_000 });
    assert.equal(value(await payer.payInvoice({ walletId: customer.btcWalletId, paymentRequest: invoice.paymentRequest })), 'SUCCESS');
    assert.equal(value(await waiting), 'PAID');
    assert.equal(value(await publicApi.invoicePaymentStatus(invoice.paymentRequest)), 'PAID');

    // Domain errors come back as operation_failed with the API's code.
    const big = value(await publicApi.createInvoiceOnBehalfOfRecipient({ recipientWalletId: merchant.btcWalletId, amount: 1_000_000 }));
    const poor = await payer.payInvoice({ walletId: customer.btcWalletId, paymentRequest: big.paymentRequest });
    assert.equal(errorCode(poor), 'operation_failed');
    assert.ok(!poor.ok && poor.error.apiCode, 'the API names the reason');
    const noWallet = await publicApi.createInvoiceOnBehalfOfRecipient({ recipientWalletId: '00000000-0000-4000-8000-000000000000', amount: 10 });
    assert.equal(errorCode(noWallet), 'operation_failed');

    // Transport and credential errors.
    assert.equal(errorCode(await createWalletClient({ url: h.graphqlUrl, accessToken: 'not-a-token' }).me()), 'unauthenticated');
    const anonymous = await publicApi.me();
    assert.equal(errorCode(anonymous), 'unauthenticated', `no credential, no user: ${JSON.stringify(anonymous)}`);
    assert.equal(errorCode(await publicApi.request('{ nope }')), 'bad_request');
    assert.equal(errorCode(await createWalletClient({ url: `http://127.0.0.1:${await freePort()}/graphql` }).me()), 'network_error');
  });

  async function nextOf<T>(updates: AsyncIterator<Result<T>>): Promise<Result<T>> {
    const next = await updates.next();
    assert.ok(!next.done, 'the subscription ended early');
    return next.value as Result<T>;
  }

  test('wallet client subscriptions (issue 13): typed subscribe, invoice status updates and myUpdates over the WebSocket; a bad token is unauthenticated', async () => {
    const customer = await h.signUp();
    await h.fund(customer.btcWalletId, 5_000);
    const reader = await signIn(['read']);
    const merchantApi = createWalletClient({ url: h.graphqlUrl, accessToken: async () => reader.accessToken });
    const publicApi = createWalletClient({ url: h.graphqlUrl });
    const payer = createWalletClient({ url: h.graphqlUrl, accessToken: (await signIn(['read', 'write'], customer)).accessToken });
    try {
      const updates = merchantApi.myUpdates();
      const price = value(await nextOf(updates));
      assert.equal(price.__typename, 'RealtimePrice');
      const invoice = value(await publicApi.createInvoiceOnBehalfOfRecipient({ recipientWalletId: merchant.btcWalletId, amount: 777 }));
      const statuses = publicApi.invoiceStatusUpdates(invoice.paymentRequest);
      assert.equal(value(await nextOf(statuses)), 'PENDING');
      assert.equal(value(await payer.payInvoice({ walletId: customer.btcWalletId, paymentRequest: invoice.paymentRequest })), 'SUCCESS');
      assert.equal(value(await nextOf(statuses)), 'PAID');
      assert.equal((await statuses.next()).done, true, 'complete once paid');
      const update = value(await nextOf(updates));
      assert.ok(update.__typename === 'LnUpdate', JSON.stringify(update));
      assert.deepEqual([update.status, update.paymentHash, update.transaction.settlementAmount, update.transaction.direction], ['PAID', invoice.paymentHash, 777, 'RECEIVE']);
      await updates.return!();

      // The generic subscribe, typed by the caller.
      const prices = publicApi.subscribe<{ realtimePrice: { realtimePrice: { denominatorCurrency: string } } }>('subscription { realtimePrice(input: {}) { realtimePrice { denominatorCurrency } } }');
      assert.equal(value(await nextOf(prices)).realtimePrice.realtimePrice.denominatorCurrency, 'USD');
      await prices.return!();
      // Scope and credential errors as typed errors.
      assert.equal(errorCode(await nextOf(publicApi.myUpdates())), 'unauthenticated');
      const stranger = createWalletClient({ url: h.graphqlUrl, accessToken: 'not-a-token' });
      assert.equal(errorCode(await nextOf(stranger.myUpdates())), 'unauthenticated');
      await stranger.close();
    } finally {
      await Promise.all([merchantApi.close(), publicApi.close(), payer.close()]);
    }
  });
});
