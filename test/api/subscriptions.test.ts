// GraphQL subscriptions over WebSocket (issue 13), with a real graphql-ws client against the API server
// listening on a real port (PGlite: events from the same process through its LISTEN/NOTIFY): each
// credential kind and scope, the public invoice status, prices, revocation closing the socket, the
// limits, and bad frames answered with protocol closes while the server keeps serving.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { adminApi, createClient, relyingParty } from '../support/clients.ts';
import { dpopKey, dpopProof } from '../support/dpop.ts';
import { graphql } from '../support/graphql.ts';
import { collect, rawSocket, subscriber, type TestSubscriber } from '../support/subscriptions.ts';
import { createBrowser, oidc, runFlow } from '../support/tokens.ts';
import { bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

const MY_UPDATES = `subscription { myUpdates { errors { code message } me { id defaultAccount { id } }
  update { __typename
    ... on IntraLedgerUpdate { txNotificationType walletId amount transaction { id direction settlementAmount settlementCurrency } }
    ... on LnUpdate { status paymentHash walletId transaction { id direction settlementAmount } }
    ... on RealtimePrice { btcSatPrice { base offset } denominatorCurrency } } } }`;
const BY_HASH = 'subscription($h: PaymentHash!) { lnInvoicePaymentStatusByHash(input: { paymentHash: $h }) { errors { code } paymentHash status paymentPreimage } }';
const BY_REQUEST = 'subscription($r: LnPaymentRequest!) { lnInvoicePaymentStatusByPaymentRequest(input: { paymentRequest: $r }) { errors { code } status } }';
const LEGACY = 'subscription($r: LnPaymentRequest!) { lnInvoicePaymentStatus(input: { paymentRequest: $r }) { errors { code } status } }';

describe('GraphQL subscriptions over WebSocket', { timeout: 60_000 }, () => {
  let h: Harness;
  let api: string;
  let alice: TestUser;
  let bob: TestUser;
  const open: TestSubscriber[] = [];
  const connect = (options: Parameters<typeof subscriber>[1] = {}) => {
    const s = subscriber(api, options);
    open.push(s);
    return s;
  };

  before(async () => {
    h = await startHarness({
      env: { RATE_LIMIT_IP: '400', WS_SUBSCRIPTIONS_PER_CONNECTION: '3', WS_CONNECTIONS_PER_CREDENTIAL: '2', WS_CONNECTION_INIT_TIMEOUT: '1', WS_KEEPALIVE: '1', WS_MAX_MESSAGE_BYTES: '2048' },
    });
    // On its configured URL (URLS_API), which a DPoP proof's htu names.
    await h.app.listen({ host: '127.0.0.1', port: Number(new URL(h.stack.config.urls.api).port) });
    api = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    alice = await h.signUp();
    bob = await h.signUp();
    await h.fund(alice.btcWalletId, 100_000);
  });
  after(async () => {
    await Promise.allSettled(open.map((s) => s.dispose()));
    await h?.close();
  });

  async function invoiceOf(user: TestUser, amount = 1000) {
    const r = await h.gql('mutation($w: WalletId!, $a: SatAmount!) { lnInvoiceCreate(input: { walletId: $w, amount: $a }) { invoice { paymentHash paymentRequest } errors { code } } }', { w: user.btcWalletId, a: amount }, bearer(user.session));
    return r.body.data!.lnInvoiceCreate.invoice as { paymentHash: string; paymentRequest: string };
  }
  const pay = (from: TestUser, paymentRequest: string) =>
    h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status } }', { w: from.btcWalletId, r: paymentRequest }, bearer(from.session));
  const send = (from: TestUser, to: string, amount: number) =>
    h.gql('mutation($w: WalletId!, $to: WalletId!, $a: SatAmount!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $to, amount: $a }) { status } }', { w: from.btcWalletId, to, a: amount }, bearer(from.session));

  test('the public invoice status: PENDING now, PAID when another user pays it, then complete (by hash, by request, legacy)', async () => {
    const anonymous = connect();
    const invoice = await invoiceOf(bob);
    const byHash = collect(anonymous.client, BY_HASH, { h: invoice.paymentHash });
    const byRequest = collect(anonymous.client, BY_REQUEST, { r: invoice.paymentRequest });
    const legacy = collect(anonymous.client, LEGACY, { r: invoice.paymentRequest });
    for (const c of [byHash, byRequest, legacy]) assert.equal((await c.nth(1)).data?.[Object.keys((await c.nth(1)).data!)[0]!].status, 'PENDING');
    assert.equal((await pay(alice, invoice.paymentRequest)).body.data?.lnInvoicePaymentSend.status, 'SUCCESS');
    const paid = await byHash.nth(2, 1000);
    assert.deepEqual(paid.data?.lnInvoicePaymentStatusByHash.status, 'PAID');
    assert.match(paid.data?.lnInvoicePaymentStatusByHash.paymentPreimage, /^[0-9a-f]{64}$/);
    assert.equal((await byRequest.nth(2, 1000)).data?.lnInvoicePaymentStatusByPaymentRequest.status, 'PAID');
    assert.equal((await legacy.nth(2, 1000)).data?.lnInvoicePaymentStatus.status, 'PAID');
    await Promise.all([byHash.done, byRequest.done, legacy.done]);
    // Already paid: told once, completed.
    const again = collect(anonymous.client, BY_HASH, { h: invoice.paymentHash });
    await again.done;
    assert.deepEqual(again.results.map((r) => r.data?.lnInvoicePaymentStatusByHash.status), ['PAID']);
    // Unknown invoice: Blink's payload error.
    const unknown = collect(anonymous.client, BY_HASH, { h: 'ab'.repeat(32) });
    await unknown.done;
    assert.equal(unknown.results[0]?.data?.lnInvoicePaymentStatusByHash.errors[0].code, 'INVOICE_NOT_FOUND');
  });

  test('myUpdates with each credential kind (connection_init in any case, or upgrade headers): price first, then payments and invoices', async () => {
    const token = await h.oauthToken(alice, ['read']);
    const key = (await h.gql('mutation { apiKeyCreate(input: { name: "ws", scopes: [READ] }) { apiKeySecret } }', {}, bearer(alice.session))).body.data!.apiKeyCreate.apiKeySecret as string;
    const credentials: [string, Parameters<typeof subscriber>[1]][] = [
      ['Oauth2-Token in connection_init', { connectionParams: { 'Oauth2-Token': token } }],
      ['X-API-KEY in connection_init (lower case)', { connectionParams: { 'x-api-key': key } }],
      ['Authorization in connection_init (upper case)', { connectionParams: { AUTHORIZATION: `Bearer ${alice.session}` } }],
      ['Oauth2-Token as an upgrade header', { headers: oauth(token) }],
    ];
    const watching = credentials.map(([name, options]) => ({ name, c: collect(connect(options).client, MY_UPDATES) }));
    for (const { name, c } of watching) {
      const first = await c.nth(1);
      assert.equal(first.data?.myUpdates.update.__typename, 'RealtimePrice', name);
      assert.equal(first.data?.myUpdates.me.id, alice.userId, name);
    }
    await h.fund(bob.btcWalletId, 5000);
    assert.equal((await send(bob, alice.btcWalletId, 700)).body.data?.intraLedgerPaymentSend.status, 'SUCCESS');
    const invoice = await invoiceOf(alice, 300);
    assert.equal((await pay(bob, invoice.paymentRequest)).body.data?.lnInvoicePaymentSend.status, 'SUCCESS');
    assert.equal((await send(alice, bob.btcWalletId, 50)).body.data?.intraLedgerPaymentSend.status, 'SUCCESS');
    for (const { name, c } of watching) {
      const received = await c.find((r) => r.data?.myUpdates.update.txNotificationType === 'IntraLedgerReceipt', 1000);
      assert.equal(received.data.myUpdates.update.transaction.settlementAmount, 700, name);
      assert.equal(received.data.myUpdates.update.transaction.direction, 'RECEIVE', name);
      const ln = await c.find((r) => r.data?.myUpdates.update.__typename === 'LnUpdate', 1000);
      assert.deepEqual([ln.data.myUpdates.update.status, ln.data.myUpdates.update.paymentHash, ln.data.myUpdates.update.transaction.settlementAmount], ['PAID', invoice.paymentHash, 300], name);
      const sent = await c.find((r) => r.data?.myUpdates.update.txNotificationType === 'IntraLedgerPayment', 1000);
      assert.equal(sent.data.myUpdates.update.transaction.settlementAmount, -50, name);
      // The invoice is told once (LnUpdate), not again as a receipt; bob's funding is not alice's.
      assert.equal(c.results.filter((r) => r.data?.myUpdates.update.__typename !== 'RealtimePrice').length, 3, `${name}: ${JSON.stringify(c.results)}`);
      c.stop();
    }
  });

  test('scopes: myUpdates needs read (a receive-only token and an anonymous socket are refused per subscription); public ones need none', async () => {
    const receiveOnly = connect({ connectionParams: { 'Oauth2-Token': await h.oauthToken(alice, ['receive']) } });
    const refused = collect(receiveOnly.client, MY_UPDATES);
    await refused.done;
    assert.equal(refused.results[0]?.errors?.[0]?.extensions?.code, 'INSUFFICIENT_SCOPE', JSON.stringify(refused.results));
    assert.ok(!refused.results[0]?.data, 'no data');
    const price = collect(receiveOnly.client, 'subscription { realtimePrice(input: {}) { errors { code } realtimePrice { usdCentPrice { base offset } denominatorCurrency } } }');
    assert.equal((await price.nth(1)).data?.realtimePrice.realtimePrice.denominatorCurrency, 'USD');
    price.stop();
    const anonymous = collect(connect().client, MY_UPDATES);
    await anonymous.done;
    assert.equal(anonymous.results[0]?.errors?.[0]?.extensions?.code, 'NOT_AUTHENTICATED');
    const sats = collect(connect().client, 'subscription { price(input: { amount: 1000, amountCurrencyUnit: BTCSAT, priceCurrencyUnit: USDCENT }) { errors { code } price { base offset currencyUnit formattedAmount } } }');
    // 1000 sats at the development price of 100,000 USD per BTC: 100 cents.
    assert.deepEqual((await sats.nth(1)).data?.price.price, { base: 10_000_000_000, offset: 8, currencyUnit: 'USDCENT', formattedAmount: '100' });
    sats.stop();
  });

  test('a bad credential closes with 4401 Unauthorized, whether in connection_init or the upgrade headers', async () => {
    for (const options of [{ connectionParams: { 'Oauth2-Token': 'not-a-token' } }, { connectionParams: { 'X-Api-Key': 'lg_nope' } }, { headers: bearer('nope') }, { connectionParams: { 'oauth2-token': 'a', 'Oauth2-Token': 'b' } }]) {
      const s = connect(options);
      assert.deepEqual(await s.closed, { code: 4401, reason: 'Unauthorized' }, JSON.stringify(options));
    }
  });

  test('revoking the API key or the OAuth grant, or suspending the client, closes its sockets within 5 s', async () => {
    const created = (await h.gql('mutation { apiKeyCreate(input: { name: "gone", scopes: [READ] }) { apiKey { id } apiKeySecret } }', {}, bearer(alice.session))).body.data!.apiKeyCreate;
    const token = await h.oauthToken(alice, ['read']);
    const keyed = connect({ connectionParams: { 'X-API-KEY': created.apiKeySecret } });
    const granted = connect({ connectionParams: { 'Oauth2-Token': token } });
    await Promise.all([collect(keyed.client, MY_UPDATES).nth(1), collect(granted.client, MY_UPDATES).nth(1)]);
    const revokedAt = Date.now();
    assert.ok((await h.gql('mutation($i: ApiKeyRevokeInput!) { apiKeyRevoke(input: $i) { apiKey { revoked } } }', { i: { id: created.apiKey.id } }, bearer(alice.session))).body.data?.apiKeyRevoke.apiKey.revoked);
    await adminApi({ adminUrl: h.stack.stack.listening.admin } as Parameters<typeof adminApi>[0]).revokeOAuth2ConsentSessions({ subject: alice.userId, client: h.oauthClientId() });
    for (const s of [keyed, granted]) {
      assert.deepEqual(await s.closed, { code: 4401, reason: 'Unauthorized' });
    }
    assert.ok(Date.now() - revokedAt < 5000, `closed after ${Date.now() - revokedAt} ms`);

    // Suspending the client closes the sockets of its tokens too.
    const bobs = connect({ connectionParams: { 'Oauth2-Token': await h.oauthToken(bob, ['read']) } });
    await collect(bobs.client, MY_UPDATES).nth(1);
    const suspendedAt = Date.now();
    assert.ok((await h.stack.stack.admin!.setClientStatus(h.oauthClientId(), 'suspended')).ok);
    try {
      assert.deepEqual(await bobs.closed, { code: 4401, reason: 'Unauthorized' });
      assert.ok(Date.now() - suspendedAt < 5000, `closed after ${Date.now() - suspendedAt} ms`);
    } finally {
      await h.stack.stack.admin!.setClientStatus(h.oauthClientId(), 'active');
    }
  });

  test('a DPoP-bound token: its proof (htm GET) in connection_init opens the socket and the re-checks keep it open; without a proof 4401', async () => {
    const target: AuthTarget = { kind: 'lightgate', name: 'Lightgate', ...UNREACHABLE_UI, publicUrl: h.stack.urls.issuer, adminUrl: h.stack.stack.listening.admin!, stop: async () => {} };
    const admin = adminApi(target);
    const rp = await relyingParty(target, await createClient(admin, { scope: 'openid read' }));
    const key = await dpopKey();
    const flow = await runFlow(createBrowser(), target, admin, rp, { subject: alice.userId, scope: 'openid read', grantScope: ['openid', 'read'] });
    const tokens = await oidc.authorizationCodeGrant(rp, flow.callback, { pkceCodeVerifier: flow.auth.codeVerifier, expectedState: flow.auth.state, expectedNonce: flow.auth.nonce }, undefined, { DPoP: oidc.getDPoPHandle(rp, key) });
    assert.equal(tokens.token_type, 'dpop');
    const proof = await dpopProof(key, { htm: 'GET', htu: `${h.stack.config.urls.api}/graphql`, accessToken: tokens.access_token });
    const bound = connect({ connectionParams: { Authorization: `DPoP ${tokens.access_token}`, DPoP: proof } });
    assert.equal((await collect(bound.client, MY_UPDATES).nth(1)).data?.myUpdates.me.id, alice.userId);
    // Two re-checks later (each second) the socket is still open: the single-use proof is not asked again.
    const stillOpen = await Promise.race([bound.closed.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 2500))]);
    assert.ok(stillOpen, 'the socket stays open');
    const unproven = connect({ connectionParams: { 'Oauth2-Token': tokens.access_token } });
    assert.deepEqual(await unproven.closed, { code: 4401, reason: 'Unauthorized' });
  });

  test('limits: subscriptions per connection, connections per credential, the init timeout, ping/pong, the message size', async () => {
    const s = connect({ connectionParams: { Authorization: `Bearer ${bob.session}` } });
    const subs = [1, 2, 3, 4].map(() => collect(s.client, 'subscription { realtimePrice(input: { currency: "USD" }) { errors { code } } }'));
    await Promise.all(subs.slice(0, 3).map((c) => c.nth(1)));
    await subs[3]!.done;
    assert.equal((subs[3]!.error as { extensions?: { code?: string } }[] | undefined)?.[0]?.extensions?.code, 'TOO_MANY_SUBSCRIPTIONS', JSON.stringify(subs[3]!.error));
    subs[0]!.stop();
    const fourth = collect(s.client, 'subscription { realtimePrice(input: {}) { errors { code } } }');
    await fourth.nth(1);
    // Connections per credential: a second is fine, a third is refused.
    const second = connect({ connectionParams: { Authorization: `Bearer ${bob.session}` } });
    await collect(second.client, 'subscription { realtimePrice(input: {}) { errors { code } } }').nth(1);
    const third = connect({ connectionParams: { Authorization: `Bearer ${bob.session}` } });
    assert.deepEqual(await third.closed, { code: 4403, reason: 'Too many connections for this credential' });
    // The open sockets and subscriptions are on /metrics (admin port).
    const metrics = await (await fetch(`${h.stack.stack.listening.admin}/metrics`)).text();
    assert.match(metrics, /^lightgate_ws_connections [1-9]/m);
    assert.match(metrics, /^lightgate_ws_subscriptions ([4-9]|\d\d)/m, 'at least the four of the first socket');
    assert.match(metrics, /^lightgate_ws_closed_total\{code="4403"\} [1-9]/m);
    // No connection_init within WS_CONNECTION_INIT_TIMEOUT (1 s); a client that answers no WebSocket ping
    // is dropped after WS_KEEPALIVE (1 s to ping, 1 s for the pong). Both at once.
    const [silent, deaf] = await Promise.all([rawSocket(api), rawSocket(api, { autoPong: false })]);
    deaf.ws.send(JSON.stringify({ type: 'connection_init' }));
    assert.equal((await silent.closed).code, 4408);
    assert.equal((await deaf.closed).code, 1006);
    // The protocol's own ping gets a pong.
    const pinger = await rawSocket(api);
    pinger.ws.send(JSON.stringify({ type: 'connection_init' }));
    pinger.ws.send(JSON.stringify({ type: 'ping' }));
    await waitFor(() => pinger.messages.some((m) => (m as { type?: string }).type === 'pong'));
    // A message above WS_MAX_MESSAGE_BYTES (2 KiB).
    pinger.ws.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: `subscription { realtimePrice(input: {}) { errors { code } } } #${'x'.repeat(3000)}` } }));
    assert.equal((await pinger.closed).code, 1009);
  });

  test('bad frames get protocol errors, never a crash; queries and mutations are refused over WebSocket', async () => {
    const cases: [string, (ws: import('ws').WebSocket) => void, number][] = [
      ['not JSON', (ws) => ws.send('{nope'), 4400],
      ['an unknown message type', (ws) => ws.send(JSON.stringify({ type: 'hello' })), 4400],
      ['subscribe before connection_init', (ws) => ws.send(JSON.stringify({ type: 'subscribe', id: '1', payload: { query: 'subscription { realtimePrice(input: {}) { errors { code } } }' } })), 4401],
      ['two connection_init', (ws) => [1, 2].forEach(() => ws.send(JSON.stringify({ type: 'connection_init' }))), 4429],
      ['a subscribe without a query', (ws) => ws.send(JSON.stringify({ type: 'connection_init' })) ?? ws.send(JSON.stringify({ type: 'subscribe', id: '1', payload: {} })), 4400],
      ['a binary frame', (ws) => ws.send(Buffer.from([0, 1, 2, 255])), 4400],
      ['a text frame that is not UTF-8', (ws) => ws.send(Buffer.from([0xff, 0xfe]), { binary: false }), 1007],
      ['a connection_init with a number for a credential', (ws) => ws.send(JSON.stringify({ type: 'connection_init', payload: { 'X-API-KEY': 42 } })), 4401],
    ];
    for (const [name, act, code] of cases) {
      const raw = await rawSocket(api);
      act(raw.ws);
      assert.equal((await raw.closed).code, code, name);
    }
    // The legacy subscriptions-transport-ws protocol is not spoken: no subprotocol is agreed.
    await assert.rejects(rawSocket(api, { protocol: 'graphql-ws' }), /no subprotocol/);
    const duplicate = await rawSocket(api);
    duplicate.ws.send(JSON.stringify({ type: 'connection_init' }));
    await waitFor(() => duplicate.messages.some((m) => (m as { type?: string }).type === 'connection_ack'));
    for (const _ of [1, 2]) duplicate.ws.send(JSON.stringify({ type: 'subscribe', id: 'same', payload: { query: 'subscription { realtimePrice(input: {}) { errors { code } } }' } }));
    assert.equal((await duplicate.closed).code, 4409);

    const s = connect();
    const query = collect(s.client, '{ globals { network } }');
    await query.done;
    assert.match(JSON.stringify(query.error), /Only subscriptions run over WebSocket/);
    const invalid = collect(s.client, 'subscription { nope }');
    await invalid.done;
    assert.equal((invalid.error as { extensions?: { code?: string } }[])[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    const two = collect(s.client, 'subscription { a: realtimePrice(input: {}) { errors { code } } b: realtimePrice(input: {}) { errors { code } } }');
    await two.done;
    assert.equal((two.error as { extensions?: { code?: string } }[])[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    // Still serving both transports.
    assert.equal((await graphql(api, {}, '{ globals { network } }')).status, 200);
    const still = collect(connect().client, 'subscription { realtimePrice(input: {}) { realtimePrice { id } } }');
    assert.ok((await still.nth(1)).data?.realtimePrice.realtimePrice.id);
    still.stop();
    // Not the API's path.
    const other = await fetch(`${api}/elsewhere`, { headers: { connection: 'upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } }).catch(() => undefined);
    assert.notEqual(other?.status, 101);
  });

  // Last: it spends this address's request budget (RATE_LIMIT_IP 400 per window).
  test('each upgrade counts as a request of its address: past RATE_LIMIT_IP the upgrade gets 429 with Retry-After', async () => {
    const upgrade = () =>
      new Promise<{ status: number; retryAfter?: string | undefined }>((resolve, reject) => {
        const req = httpRequest(`${api}/graphql`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'graphql-transport-ws' } });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve({ status: res.statusCode ?? 0 });
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal((await upgrade()).status, 101);
    let refused: { status: number; retryAfter?: string | undefined } | undefined;
    for (let i = 0; i < 20 && !refused; i++) refused = (await Promise.all(Array.from({ length: 25 }, upgrade))).find((a) => a.status !== 101);
    assert.equal(refused?.status, 429);
    assert.match(refused?.retryAfter ?? '', /^\d+$/);
    // POST from the same address shares the budget.
    assert.equal((await graphql(api, {}, '{ globals { network } }')).status, 429);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
