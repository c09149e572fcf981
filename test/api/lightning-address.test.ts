// Issue 13: Lightning addresses and LNURL-pay for the users of this instance. GET /.well-known/lnurlp/<username>
// (LUD-06/LUD-16) answers the pay request and, with ?amount=, issues an invoice committing to the metadata's
// SHA-256; lnAddressPaymentSend and lnurlPaymentSend pay a user here in the ledger, through the one send path
// (idempotency, limits, events); foreign addresses get a clear error and nothing is fetched. Bad input gets
// LUD-06's {"status":"ERROR","reason":…} with a 4xx; the endpoint is rate-limited per client address.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decode } from 'light-bolt11-decoder';
import { encodeLnurl } from '../../src/wallet/domain/lnurl.ts';
import { bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

const RATE_LIMIT = 40;
const ADDRESS_SEND = 'mutation($w: WalletId!, $to: String!, $a: SatAmount!) { lnAddressPaymentSend(input: { walletId: $w, lnAddress: $to, amount: $a }) { status errors { code message } transaction { id settlementAmount initiationVia { __typename ... on InitiationViaLn { paymentHash } } } } }';
const LNURL_SEND = 'mutation($w: WalletId!, $to: String!, $a: SatAmount!) { lnurlPaymentSend(input: { walletId: $w, lnurl: $to, amount: $a }) { status errors { code message } } }';

describe('issue 13: Lightning addresses and LNURL-pay', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  let domain: string;
  let requests = 0;
  const lnurlp = async (path: string) => {
    requests++;
    const res = await h.app.inject({ method: 'GET', url: `/.well-known/lnurlp/${path}` });
    return { status: res.statusCode, body: res.json() as Record<string, unknown>, headers: res.headers };
  };
  const balance = async (w: string) => Number((await h.stack.database.db.query<{ b: string }>('SELECT balance::text AS b FROM wallets WHERE id = $1', [w]))[0]!.b);
  const name = async (u: TestUser, username: string) => {
    const res = await h.gql('mutation($u: Username!) { userUpdateUsername(input: { username: $u }) { errors { code } } }', { u: username }, bearer(u.session));
    assert.deepEqual(res.body.data?.userUpdateUsername.errors, []);
  };

  before(async () => {
    h = await startHarness({ env: { RATE_LIMIT_LNURLP: String(RATE_LIMIT), RATE_LIMIT_WINDOW: '1h' } });
    domain = new URL(h.stack.config.urls.api).hostname;
    alice = await h.signUp();
    bob = await h.signUp();
    await name(alice, 'alice_ln');
    await name(bob, 'Bob_ln');
    await h.fund(alice.btcWalletId, 100_000);
  });
  after(async () => h.close());

  test('the pay request, then an invoice on the default wallet that commits to the metadata', async () => {
    const pay = await lnurlp('bob_ln');
    assert.equal(pay.status, 200);
    assert.equal(pay.headers['access-control-allow-origin'], '*');
    const metadata = JSON.parse(pay.body.metadata as string) as [string, string][];
    assert.deepEqual(metadata, [['text/plain', 'Payment to Bob_ln'], ['text/identifier', `Bob_ln@${domain}`]]);
    assert.deepEqual({ ...pay.body, metadata: undefined }, { tag: 'payRequest', callback: `${h.stack.config.urls.api}/.well-known/lnurlp/Bob_ln`, minSendable: 1000, maxSendable: 100_000_000_000, metadata: undefined });

    const issued = await lnurlp(`Bob_ln?amount=21000`);
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    assert.deepEqual(issued.body.routes, []);
    const sections = decode(issued.body.pr as string).sections as { name: string; value: unknown }[];
    assert.equal(sections.find((s) => s.name === 'amount')?.value, '21000');
    assert.equal(sections.find((s) => s.name === 'description_hash')?.value, createHash('sha256').update(pay.body.metadata as string).digest('hex'), 'LUD-06: the invoice commits to the metadata');

    const paid = await h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status } }', { w: alice.btcWalletId, r: issued.body.pr }, bearer(alice.session));
    assert.equal(paid.body.data?.lnInvoicePaymentSend.status, 'SUCCESS');
    assert.equal(await balance(bob.btcWalletId), 21);
  });

  test('bad input gets LUD-06 errors with a 4xx, never an invoice', async () => {
    const cases: [string, number][] = [
      ['nobody_here', 404],
      ['x', 404],
      ['bob_ln?amount=abc', 400],
      ['bob_ln?amount=1500', 400],
      ['bob_ln?amount=0', 400],
      ['bob_ln?amount=100000000001000', 400],
      ['bob_ln?amount=1000&amount=2000', 400],
      ['nobody_here?amount=1000', 404],
    ];
    const before = (await h.stack.database.db.query<{ n: string }>('SELECT count(*) AS n FROM ln_invoices'))[0]!.n;
    for (const [path, status] of cases) {
      const res = await lnurlp(path);
      assert.equal(res.status, status, path);
      assert.equal(res.body.status, 'ERROR', path);
      assert.equal(typeof res.body.reason, 'string', path);
    }
    assert.equal((await h.stack.database.db.query<{ n: string }>('SELECT count(*) AS n FROM ln_invoices'))[0]!.n, before);
  });

  test('lnAddressPaymentSend to a user here settles in the ledger, once per Idempotency-Key', async () => {
    const token = oauth(await h.oauthToken(alice, ['read', 'write']));
    const send = (key: string) => h.gql(ADDRESS_SEND, { w: alice.btcWalletId, to: `bob_LN@${domain.toUpperCase()}`, a: 1_000 }, { ...token, 'idempotency-key': key });
    const before = await balance(bob.btcWalletId);
    const [first, again] = [await send('tip-1'), await send('tip-1')];
    const p = first.body.data?.lnAddressPaymentSend;
    assert.equal(p.status, 'SUCCESS', JSON.stringify(first.body));
    assert.equal(p.transaction.settlementAmount, -1_000);
    assert.equal(p.transaction.initiationVia.__typename, 'InitiationViaLn');
    assert.equal(again.body.data?.lnAddressPaymentSend.transaction.id, p.transaction.id, 'a retry with the key is the same payment');
    assert.equal(await balance(bob.btcWalletId), before + 1_000, 'paid once');
    // Bob sees it received under the same payment hash.
    const received = await h.gql('query($w: WalletId!, $p: PaymentHash!) { me { defaultAccount { walletById(walletId: $w) { transactionsByPaymentHash(paymentHash: $p) { direction settlementAmount } } } } }', { w: bob.btcWalletId, p: p.transaction.initiationVia.paymentHash }, bearer(bob.session));
    assert.deepEqual(received.body.data?.me.defaultAccount.walletById.transactionsByPaymentHash, [{ direction: 'RECEIVE', settlementAmount: 1_000 }]);
  });

  test('lnurlPaymentSend with the bech32 LNURL or lnurlp://, to a USD default wallet too', async () => {
    const carol = await h.signUp();
    await name(carol, 'carol_ln');
    await h.gql('mutation($w: WalletId!) { accountUpdateDefaultWalletId(input: { walletId: $w }) { errors { code } } }', { w: carol.usdWalletId }, bearer(carol.session));
    const url = `${h.stack.config.urls.api}/.well-known/lnurlp/carol_ln`;
    for (const lnurl of [encodeLnurl(url), `lightning:${encodeLnurl(url).toLowerCase()}`, url.replace(/^https?:\/\//, 'lnurlp://')]) {
      const res = await h.gql(LNURL_SEND, { w: alice.btcWalletId, to: lnurl, a: 1_000 }, bearer(alice.session));
      assert.equal(res.body.data?.lnurlPaymentSend.status, 'SUCCESS', `${lnurl}: ${JSON.stringify(res.body)}`);
    }
    assert.equal(await balance(carol.usdWalletId), 300, '3 × 1,000 sats at $100,000 per BTC = 3 × 100 cents');
  });

  test('refusals: foreign addresses, unknown users, malformed targets, own invoice, wallets and scopes', async () => {
    const code = async (query: string, to: string, w = alice.btcWalletId, headers: Record<string, string> = bearer(alice.session)) => {
      const res = await h.gql(query, { w, to, a: 100 }, headers);
      const payload = Object.values(res.body.data ?? {})[0] as { errors: { code: string }[] } | undefined;
      return payload?.errors[0]?.code ?? res.body.errors?.[0]?.extensions?.code;
    };
    const invoices = async () => (await h.stack.database.db.query<{ n: string }>('SELECT count(*) AS n FROM ln_invoices'))[0]!.n;
    const before = await invoices();
    assert.equal(await code(ADDRESS_SEND, 'satoshi@example.com'), 'LIGHTNING_BACKEND_UNAVAILABLE');
    assert.equal(await code(LNURL_SEND, encodeLnurl('https://example.com/.well-known/lnurlp/satoshi')), 'LIGHTNING_BACKEND_UNAVAILABLE');
    assert.equal(await code(ADDRESS_SEND, `nobody_here@${domain}`), 'RECIPIENT_NOT_FOUND');
    assert.equal(await code(ADDRESS_SEND, 'not an address'), 'INVALID_INPUT');
    assert.equal(await code(LNURL_SEND, 'lnurl1notbech32'), 'INVALID_INPUT');
    assert.equal(await code(LNURL_SEND, `${h.stack.config.urls.api}/graphql`), 'INVALID_INPUT');
    assert.equal(await code(ADDRESS_SEND, `bob_ln@${domain}`, bob.btcWalletId), 'INVALID_WALLET_ID', "bob's wallet, alice's credential");
    assert.equal(await code(ADDRESS_SEND, `bob_ln@${domain}`, alice.btcWalletId, oauth(await h.oauthToken(alice, ['read', 'receive']))), 'INSUFFICIENT_SCOPE');
    assert.equal(await code(ADDRESS_SEND, `alice_ln@${domain}`), 'SELF_PAYMENT');
    assert.equal(await invoices(), before, 'no invoice was issued for a refused send');
  });

  test('the endpoint is rate-limited per client address', async () => {
    let last = 0;
    while (requests < RATE_LIMIT) last = (await lnurlp('bob_ln')).status;
    assert.equal(last, 200);
    const limited = await lnurlp('bob_ln');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.status, 'ERROR');
    assert.ok(Number(limited.headers['retry-after']) > 0);
  });
});
