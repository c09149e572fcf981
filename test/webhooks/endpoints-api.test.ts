// Callback endpoints over the wallet GraphQL API (issue 14): who may call, what each caller sees,
// bad input, and the deliveries a real receiver gets (verified with `standardwebhooks`) for payments.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createWebhooksService, consentChecker, type WebhooksService } from '../../src/webhooks/webhooks-service.ts';
import { apiKey, bearer, oauth, startHarness, type Harness, type TestUser } from '../api/harness.ts';
import { startReceiver, type Receiver } from './receiver.ts';

const ADD = 'mutation($url: EndpointUrl!) { callbackEndpointAdd(input: { url: $url }) { id secret errors { code message } } }';
const DELETE = 'mutation($id: EndpointId!) { callbackEndpointDelete(input: { id: $id }) { success errors { code } } }';
const ROTATE = 'mutation($id: EndpointId!) { callbackEndpointSecretRotate(input: { id: $id }) { id secret errors { code } } }';
const LIST = '{ me { defaultAccount { callbackEndpoints { id url } } } }';
const SEND = 'mutation($w: WalletId!, $r: WalletId!, $a: SatAmount!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: $a }) { status errors { code } } }';

describe('callback endpoints over GraphQL', { timeout: 60_000 }, () => {
  let h: Harness;
  let receiver: Receiver;
  let webhooks: WebhooksService;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    h = await startHarness({ env: { WEBHOOK_RETRY_BASE: '50ms', WEBHOOK_POLL_INTERVAL: '50ms', WEBHOOK_MAX_ENDPOINTS: '4' } });
    receiver = await startReceiver();
    // The delivery worker of a process, on the same database and settings as the API under test.
    const { config } = h.stack;
    webhooks = createWebhooksService({ db: h.stack.database.db, secrets: config.secrets.system, settings: config.webhooks, appAuthorized: consentChecker(h.stack.stack.hydra!), runWorker: true });
    alice = await h.signUp();
    bob = await h.signUp();
  });
  after(async () => {
    await webhooks?.close();
    await receiver?.close();
    await h?.close();
  });

  const add = async (headers: Record<string, string>, url: string) => (await h.gql(ADD, { url }, headers)).body;
  const list = async (headers: Record<string, string>) => (await h.gql(LIST, {}, headers)).body;

  test('the account holder adds an endpoint (secret shown once), lists, rotates and deletes it; bad URLs are refused with a code', async () => {
    const session = bearer(alice.session);
    const added = await add(session, receiver.url('/alice'));
    const payload = added.data?.callbackEndpointAdd as { id: string; secret: string; errors: unknown[] };
    assert.deepEqual(payload.errors, []);
    assert.match(payload.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = (await list(session)).data?.me.defaultAccount.callbackEndpoints as { id: string; url: string }[];
    assert.deepEqual(listed, [{ id: payload.id, url: receiver.url('/alice') }]);
    assert.ok(!JSON.stringify(listed).includes('whsec_'), 'the secret is never shown again');
    const stored = await h.stack.database.db.query<{ secret_sealed: string }>('SELECT secret_sealed FROM webhook_endpoints WHERE id = $1', [payload.id]);
    assert.ok(!stored[0]!.secret_sealed.includes(payload.secret.slice(6, 20)), 'stored sealed');

    const rotated = (await h.gql(ROTATE, { id: payload.id }, session)).body.data?.callbackEndpointSecretRotate as { secret: string };
    assert.match(rotated.secret, /^whsec_/);
    assert.notEqual(rotated.secret, payload.secret);

    for (const [url, code] of [
      ['https://example.com/x#fragment', 'INVALID_URL'],
      ['http://example.com/hook', 'URL_NOT_ALLOWED'],
      ['https://10.1.2.3/hook', 'URL_NOT_ALLOWED'],
      ['https://169.254.169.254/latest/meta-data', 'URL_NOT_ALLOWED'],
      ['https://[::ffff:192.168.0.1]/x', 'URL_NOT_ALLOWED'],
      ['https://[fd00:ec2::254]/x', 'URL_NOT_ALLOWED'],
      ['https://user:pw@example.com/x', 'INVALID_URL'],
      ['https://nonexistent.invalid/x', 'URL_NOT_ALLOWED'],
    ] as const) {
      const answer = await add(session, url);
      const res = answer.data?.callbackEndpointAdd as { id: unknown; errors: { code: string }[] };
      assert.ok(res, `${url}: ${JSON.stringify(answer)}`);
      assert.equal(res.id, null, url);
      assert.equal(res.errors[0]?.code, code, url);
    }
    for (const url of ['not a url', 'ftp://example.com/x', `https://example.com/${'a'.repeat(2100)}`]) {
      const bad = await h.gql(ADD, { url }, session);
      assert.equal(bad.body.errors?.[0]?.extensions?.code, 'INVALID_INPUT', url);
    }

    const deleted = (await h.gql(DELETE, { id: payload.id }, session)).body.data?.callbackEndpointDelete as { success: boolean };
    assert.equal(deleted.success, true);
    const again = (await h.gql(DELETE, { id: payload.id }, session)).body.data?.callbackEndpointDelete as { success: boolean; errors: { code: string }[] };
    assert.deepEqual([again.success, again.errors[0]?.code], [false, 'ENDPOINT_NOT_FOUND']);
    const garbage = (await h.gql(DELETE, { id: 'x' }, session)).body.data?.callbackEndpointDelete as { errors: { code: string }[] };
    assert.equal(garbage.errors[0]?.code, 'ENDPOINT_NOT_FOUND');
  });

  test('write and read are needed; an app sees and deletes only the endpoints it registered; the count per account is capped', async () => {
    const carol = await h.signUp();
    const session = bearer(carol.session);
    const own = (await add(session, receiver.url('/carol-own'))).data?.callbackEndpointAdd as { id: string };
    assert.equal((await h.gql(ADD, { url: receiver.url('/x') })).body.errors?.[0]?.extensions?.code, 'NOT_AUTHENTICATED');
    const readOnly = oauth(await h.oauthToken(carol, ['read']));
    assert.equal((await h.gql(ADD, { url: receiver.url('/x') }, readOnly)).body.errors?.[0]?.extensions?.code, 'INSUFFICIENT_SCOPE');
    const writeOnly = oauth(await h.oauthToken(carol, ['write']));
    assert.equal((await h.gql(ADD, { url: receiver.url('/x') }, writeOnly)).body.errors?.[0]?.extensions?.code, 'INSUFFICIENT_SCOPE');
    assert.equal((await h.gql(LIST, {}, writeOnly)).body.errors?.[0]?.extensions?.code, 'INSUFFICIENT_SCOPE');

    const app = oauth(await h.oauthToken(carol, ['read', 'write']));
    const fromApp = (await add(app, receiver.url('/carol-app'))).data?.callbackEndpointAdd as { id: string };
    assert.ok(fromApp.id);
    assert.deepEqual(((await list(app)).data?.me.defaultAccount.callbackEndpoints as { id: string }[]).map((e) => e.id), [fromApp.id]);
    assert.deepEqual(((await list(session)).data?.me.defaultAccount.callbackEndpoints as { id: string }[]).map((e) => e.id).sort(), [own.id, fromApp.id].sort());
    for (const query of [DELETE, ROTATE]) {
      const res = (await h.gql(query, { id: own.id }, app)).body.data as Record<string, { errors: { code: string }[] }>;
      assert.equal(Object.values(res)[0]!.errors[0]?.code, 'ENDPOINT_NOT_FOUND', 'another credential’s endpoint is unknown to the app');
    }
    // Another account's endpoint id is unknown too, whoever asks.
    const other = (await h.gql(DELETE, { id: own.id }, bearer(alice.session))).body.data?.callbackEndpointDelete as { errors: { code: string }[] };
    assert.equal(other.errors[0]?.code, 'ENDPOINT_NOT_FOUND');

    const key = (await h.gql('mutation { apiKeyCreate(input: { name: "hooks", scopes: [READ, WRITE] }) { apiKeySecret } }', {}, session)).body.data?.apiKeyCreate as { apiKeySecret: string };
    const fromKey = (await add(apiKey(key.apiKeySecret), receiver.url('/carol-key'))).data?.callbackEndpointAdd as { id: string };
    assert.ok(fromKey.id, 'an API key with read and write acts as the account holder');
    await add(session, receiver.url('/carol-4'));
    const over = (await add(session, receiver.url('/carol-5'))).data?.callbackEndpointAdd as { errors: { code: string }[] };
    assert.equal(over.errors[0]?.code, 'TOO_MANY_ENDPOINTS');
  });

  test('payments reach the receivers signed per Standard Webhooks: payment.sent to the payer, payment.received to the payee, invoice.paid to the invoice owner', async () => {
    const a = (await add(bearer(alice.session), receiver.url('/pay-alice'))).data?.callbackEndpointAdd as { id: string; secret: string };
    const b = (await add(bearer(bob.session), receiver.url('/pay-bob'))).data?.callbackEndpointAdd as { id: string; secret: string };
    receiver.secret('/pay-alice', a.secret);
    receiver.secret('/pay-bob', b.secret);
    await h.fund(alice.btcWalletId, 10_000);
    for (const amount of [100, 200, 300]) {
      const sent = await h.gql(SEND, { w: alice.btcWalletId, r: bob.btcWalletId, a: amount }, bearer(alice.session));
      assert.equal(sent.body.data?.intraLedgerPaymentSend.status, 'SUCCESS', JSON.stringify(sent.body));
    }
    await receiver.waitFor(() => receiver.unique('/pay-alice').size >= 4 && receiver.unique('/pay-bob').size >= 3);
    const toAlice = [...receiver.unique('/pay-alice').values()];
    const toBob = [...receiver.unique('/pay-bob').values()];
    assert.deepEqual(toAlice.map((r) => r.body.type).sort(), ['payment.received', 'payment.sent', 'payment.sent', 'payment.sent'], 'the funding and three sends');
    assert.deepEqual(toBob.map((r) => (r.body.data.transaction as { settlementAmount: number }).settlementAmount).sort(), [100, 200, 300]);
    assert.ok(receiver.received.filter((r) => r.path.startsWith('/pay-')).every((r) => r.verified), 'every request verifies with standardwebhooks');
    const sent = toAlice.find((r) => r.body.type === 'payment.sent')!;
    assert.equal((sent.body.data.transaction as { walletId: string }).walletId, alice.btcWalletId);
    assert.ok(Math.abs(sent.timestamp - Date.now() / 1000) < 60);

    // An invoice of Bob's paid by Alice: invoice.paid (and payment.received) to Bob, payment.sent to Alice.
    const invoice = await h.gql('mutation($w: WalletId!) { lnInvoiceCreate(input: { walletId: $w, amount: 321 }) { invoice { paymentRequest paymentHash } errors { code } } }', { w: bob.btcWalletId }, bearer(bob.session));
    const { paymentRequest, paymentHash } = invoice.body.data?.lnInvoiceCreate.invoice as { paymentRequest: string; paymentHash: string };
    const paid = await h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status errors { code } } }', { w: alice.btcWalletId, r: paymentRequest }, bearer(alice.session));
    assert.equal(paid.body.data?.lnInvoicePaymentSend.status, 'SUCCESS', JSON.stringify(paid.body));
    await receiver.waitFor(() => [...receiver.unique('/pay-bob').values()].some((r) => r.body.type === 'invoice.paid') && receiver.unique('/pay-alice').size >= 5);
    const invoicePaid = [...receiver.unique('/pay-bob').values()].find((r) => r.body.type === 'invoice.paid')!;
    assert.deepEqual(invoicePaid.body.data.invoice, { paymentHash, paymentRequest, walletId: bob.btcWalletId, status: 'PAID' });
    assert.equal((invoicePaid.body.data.transaction as { settlementAmount: number }).settlementAmount, 321);
  });

  test('an app whose consent is revoked gets no more events at its endpoint', async () => {
    const dave = await h.signUp();
    const app = oauth(await h.oauthToken(dave, ['read', 'write']));
    const added = (await add(app, receiver.url('/dave-app'))).data?.callbackEndpointAdd as { id: string; secret: string };
    receiver.secret('/dave-app', added.secret);
    await h.fund(dave.btcWalletId, 10);
    await receiver.waitFor(() => receiver.unique('/dave-app').size === 1);
    const revoked = await fetch(`${h.stack.stack.listening.admin}/admin/oauth2/auth/sessions/consent?subject=${dave.userId}&client=${encodeURIComponent(h.oauthClientId())}`, { method: 'DELETE' });
    assert.equal(revoked.status, 204);
    await new Promise((r) => setTimeout(r, 2100)); // the worker's consent answers live 2 s
    await h.fund(dave.btcWalletId, 20);
    const owner = { accountId: (await h.stack.database.db.query<{ id: string }>('SELECT account_id AS id FROM wallets WHERE id = $1', [dave.btcWalletId]))[0]!.id, clientId: h.oauthClientId() };
    let last: { status: string; lastError: string | null } | undefined;
    for (let i = 0; i < 100 && last?.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const d = await webhooks.deliveries(owner, added.id);
      last = d.ok ? d.value[0] : undefined;
    }
    assert.equal(last?.status, 'failed');
    assert.match(last!.lastError!, /no longer holds read/);
    assert.equal(receiver.unique('/dave-app').size, 1, 'nothing after the revocation');
  });
});
