// Issue 13, Account.limits: the operator's daily limits (LIMIT_*_DAILY_CENTS, in US cents) are what the API
// reports and what the sends enforce, inside the send's transaction: payments to other accounts (internalSend),
// conversions between one's own wallets (convert) and payments leaving through Lightning (withdrawal).
// Concurrent sends of one account cannot both pass the limit. On PostgreSQL, where sends really run in parallel.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { encodeInvoice } from '../../src/wallet/services/bolt11.ts';
import { bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

const LIMITS = 'limits { internalSend { __typename interval totalLimit remainingLimit } convert { totalLimit remainingLimit } withdrawal { totalLimit remainingLimit } }';
const SEND_USD = 'mutation($w: WalletId!, $r: WalletId!, $a: CentAmount!) { intraLedgerUsdPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: $a }) { status errors { code message } } }';

describe('issue 13: Account.limits are the limits the sends enforce', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    h = await startHarness({ kind: 'postgres', env: { LIMIT_INTERNAL_SEND_DAILY_CENTS: '1000', LIMIT_CONVERT_DAILY_CENTS: '500', LIMIT_WITHDRAWAL_DAILY_CENTS: '2000' } });
    alice = await h.signUp();
    bob = await h.signUp();
    await h.fund(alice.usdWalletId, 100_000);
    await h.fund(alice.btcWalletId, 1_000_000);
  });
  after(async () => h.close());

  const limits = async (u: TestUser) => (await h.gql(`{ me { defaultAccount { ${LIMITS} } } }`, {}, oauth(await h.oauthToken(u, ['read'])))).body.data?.me.defaultAccount.limits;
  const balance = async (w: string) => Number((await h.stack.database.db.query<{ b: string }>('SELECT balance::text AS b FROM wallets WHERE id = $1', [w]))[0]!.b);

  test('reported, spent by sends to others, and a send past the limit is refused and moves nothing', async () => {
    assert.deepEqual(await limits(alice), {
      internalSend: [{ __typename: 'OneDayAccountLimit', interval: 86_400, totalLimit: 1000, remainingLimit: 1000 }],
      convert: [{ totalLimit: 500, remainingLimit: 500 }],
      withdrawal: [{ totalLimit: 2000, remainingLimit: 2000 }],
    });
    const session = bearer(alice.session);
    assert.equal((await h.gql(SEND_USD, { w: alice.usdWalletId, r: bob.usdWalletId, a: 600 }, session)).body.data?.intraLedgerUsdPaymentSend.status, 'SUCCESS');
    // 3,000 sats at $100,000 per BTC = 300 cents, counted against the same limit.
    const sats = await h.gql('mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 3000 }) { status } }', { w: alice.btcWalletId, r: bob.btcWalletId }, session);
    assert.equal(sats.body.data?.intraLedgerPaymentSend.status, 'SUCCESS');
    assert.equal((await limits(alice)).internalSend[0].remainingLimit, 100);

    const before = await balance(alice.usdWalletId);
    const refused = await h.gql(SEND_USD, { w: alice.usdWalletId, r: bob.usdWalletId, a: 101 }, session);
    assert.equal(refused.body.data?.intraLedgerUsdPaymentSend.status, 'FAILURE');
    assert.equal(refused.body.data?.intraLedgerUsdPaymentSend.errors[0].code, 'LIMIT_EXCEEDED');
    assert.equal(await balance(alice.usdWalletId), before, 'nothing moved');

    // An invoice of another account counts as a send to others too.
    const invoice = await h.gql('mutation($w: WalletId!) { lnUsdInvoiceCreate(input: { walletId: $w, amount: 150 }) { invoice { paymentRequest } } }', { w: bob.usdWalletId }, bearer(bob.session));
    const paid = await h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status errors { code } } }', { w: alice.usdWalletId, r: invoice.body.data?.lnUsdInvoiceCreate.invoice.paymentRequest }, session);
    assert.equal(paid.body.data?.lnInvoicePaymentSend.errors[0]?.code, 'LIMIT_EXCEEDED');
    assert.equal((await limits(bob)).internalSend[0].remainingLimit, 1000, "bob's limit is his own");
  });

  test('conversions between one\'s own wallets have their own limit', async () => {
    const session = bearer(alice.session);
    assert.equal((await h.gql(SEND_USD, { w: alice.usdWalletId, r: alice.btcWalletId, a: 400 }, session)).body.data?.intraLedgerUsdPaymentSend.status, 'SUCCESS');
    const l = await limits(alice);
    assert.deepEqual([l.convert[0].remainingLimit, l.internalSend[0].remainingLimit], [100, 100]);
    assert.equal((await h.gql(SEND_USD, { w: alice.usdWalletId, r: alice.btcWalletId, a: 200 }, session)).body.data?.intraLedgerUsdPaymentSend.errors[0].code, 'LIMIT_EXCEEDED');
  });

  test('concurrent sends of one account: exactly as many pass as the limit allows', async () => {
    const carol = await h.signUp();
    await h.fund(carol.usdWalletId, 10_000);
    const session = bearer(carol.session);
    const results = await Promise.all(Array.from({ length: 6 }, () => h.gql(SEND_USD, { w: carol.usdWalletId, r: bob.usdWalletId, a: 300 }, session)));
    const statuses = results.map((r) => r.body.data?.intraLedgerUsdPaymentSend.status);
    assert.equal(statuses.filter((s) => s === 'SUCCESS').length, 3, JSON.stringify(results.map((r) => r.body)));
    assert.equal(await balance(carol.usdWalletId), 10_000 - 900);
    assert.equal((await limits(carol)).internalSend[0].remainingLimit, 100);
  });

  test('a payment leaving through Lightning above the withdrawal limit is refused before the backend is asked', async () => {
    const foreign = (sats: number) =>
      encodeInvoice({ network: 'regtest', sats, timestamp: Math.floor(Date.now() / 1000), paymentHash: randomBytes(32), paymentSecret: randomBytes(32), description: 'x', expirySeconds: 600 }, randomBytes(32));
    const pay = async (r: string) =>
      (await h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { errors { code } } }', { w: alice.btcWalletId, r }, bearer(alice.session))).body.data
        ?.lnInvoicePaymentSend.errors[0].code;
    assert.equal(await pay(foreign(25_000)), 'LIMIT_EXCEEDED', '2,500 cents > 2,000');
    assert.equal(await pay(foreign(1_000)), 'LIGHTNING_BACKEND_UNAVAILABLE', 'within the limit: the (absent) backend answers');
  });
});
