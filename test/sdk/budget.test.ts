// Issue 15: the SDK's spending-budget helper (RFC 9396 `wallet_spend`) and its way onto the authorization URL
// and into a pushed authorization request. The issuer here is a minimal metadata document and PAR endpoint
// that records what it was sent: this is about what the SDK puts on the wire (the browser test of the consent
// page and the auth server's protocol tests cover the server).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { discover, grantedBudget, walletSpend } from '../../packages/sdk/src/index.ts';

describe('@lightgate/sdk: spending budgets', () => {
  let server: Server;
  let issuer = '';
  const pushed: URLSearchParams[] = [];
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            issuer,
            authorization_endpoint: `${issuer}/oauth2/auth`,
            token_endpoint: `${issuer}/oauth2/token`,
            pushed_authorization_request_endpoint: `${issuer}/oauth2/par`,
            authorization_details_types_supported: ['wallet_spend'],
          }),
        );
        return;
      }
      if (req.url === '/oauth2/par' && req.method === 'POST') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          pushed.push(new URLSearchParams(body));
          res.statusCode = 201;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ request_uri: 'urn:ietf:params:oauth:request_uri:test', expires_in: 60 }));
        });
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('walletSpend builds the wallet_spend detail: sats per day by default, dollars in cents, lifetime', () => {
    assert.deepEqual(walletSpend({ amount: 5000, perPaymentMax: 1000 }), { type: 'wallet_spend', limit: { amount: 5000, currency: 'BTC' }, period: 'P1D', per_payment_max: 1000 });
    assert.deepEqual(walletSpend({ amount: 5000, currency: 'USD', period: 'week' }), { type: 'wallet_spend', limit: { amount: 5000, currency: 'USD' }, period: 'P1W', per_payment_max: null });
    assert.deepEqual(walletSpend({ amount: 21, period: 'total' }).period, null);
    assert.deepEqual(walletSpend({ amount: 21, period: null }).period, null);
    assert.deepEqual(walletSpend({ amount: 0, period: 'P1M' }).limit.amount, 0, 'zero asks for no sending');
  });

  test('walletSpend refuses amounts that are not whole sats or cents, and unknown periods', () => {
    for (const amount of [-1, 1.5, Number.NaN, 2 ** 60]) assert.throws(() => walletSpend({ amount }), RangeError, String(amount));
    assert.throws(() => walletSpend({ amount: 10, perPaymentMax: 0 }), RangeError);
    assert.throws(() => walletSpend({ amount: 10, period: 'year' as 'day' }), RangeError);
  });

  test('grantedBudget finds the wallet_spend detail of a token response', () => {
    const granted = walletSpend({ amount: 2000, perPaymentMax: 1000 });
    assert.deepEqual(grantedBudget([{ type: 'other' }, granted]), granted);
    assert.equal(grantedBudget(undefined), undefined);
    assert.equal(grantedBudget([]), undefined);
  });

  test('authorizationDetails go on the authorization URL as a JSON array, and in the pushed request', async () => {
    const found = await discover({ issuer, clientId: 'pos', clientSecret: 'secret' });
    assert.ok(found.ok, JSON.stringify(!found.ok && found.error));
    const budget = walletSpend({ amount: 5000, period: 'day', perPaymentMax: 1000 });
    const { url } = await found.value.authorizationUrl({ redirectUri: 'https://pos.example/callback', scope: ['read', 'write'], authorizationDetails: [budget] });
    assert.deepEqual(JSON.parse(url.searchParams.get('authorization_details') ?? 'null'), [budget]);
    const none = await found.value.authorizationUrl({ redirectUri: 'https://pos.example/callback', scope: 'read' });
    assert.equal(none.url.searchParams.has('authorization_details'), false, 'nothing asked, nothing sent');

    const par = await found.value.pushedAuthorizationUrl({ redirectUri: 'https://pos.example/callback', scope: 'read write', authorizationDetails: [budget] });
    assert.ok(par.ok, JSON.stringify(!par.ok && par.error));
    assert.equal(par.value.url.searchParams.has('authorization_details'), false, 'PAR keeps it off the browser URL');
    assert.deepEqual(JSON.parse(pushed.at(-1)?.get('authorization_details') ?? 'null'), [budget]);
  });
});
