// End to end over GraphQL: invoices, payments, idempotency keys, statuses and the transaction list.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { UserId } from '../../src/shared/brand.ts';
import { encodeInvoice } from '../../src/wallet/services/bolt11.ts';
import { bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

const TX_FIELDS = `id direction status memo settlementAmount settlementCurrency settlementFee settlementDisplayAmount settlementDisplayCurrency createdAt
  initiationVia { __typename ... on InitiationViaIntraLedger { counterPartyWalletId counterPartyUsername } ... on InitiationViaLn { paymentHash paymentRequest } }
  settlementVia { __typename ... on SettlementViaIntraLedger { counterPartyWalletId counterPartyUsername preImage } }`;

describe('payments over GraphQL', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    h = await startHarness();
    alice = await h.signUp();
    bob = await h.signUp();
    await h.fund(alice.btcWalletId, 100_000);
  });
  after(async () => h.close());

  test('an invoice created with a receive-only token is paid once, even when the send is repeated with its idempotency key', async () => {
    const receiveOnly = oauth(await h.oauthToken(bob, ['receive']));
    const created = await h.gql(
      'mutation($w: WalletId!) { lnInvoiceCreate(input: { walletId: $w, amount: 4200, memo: "pizza" }) { invoice { paymentHash paymentRequest satoshis paymentStatus } errors { code } } }',
      { w: bob.btcWalletId },
      receiveOnly,
    );
    const invoice = created.body.data?.lnInvoiceCreate.invoice;
    assert.equal(invoice.satoshis, 4200);
    assert.equal(invoice.paymentStatus, 'PENDING');
    assert.match(invoice.paymentRequest, /^lnbcrt42u1/);

    const pay = (key: string) =>
      h.gql(`mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status errors { code message } transaction { ${TX_FIELDS} } } }`, { w: alice.btcWalletId, r: invoice.paymentRequest }, {
        ...bearer(alice.session),
        'idempotency-key': key,
      });
    const [first, second] = await Promise.all([pay('pizza-1'), pay('pizza-1')]);
    for (const r of [first, second]) assert.equal(r.body.data?.lnInvoicePaymentSend.status, 'SUCCESS', JSON.stringify(r.body));
    assert.equal(first.body.data?.lnInvoicePaymentSend.transaction.id, second.body.data?.lnInvoicePaymentSend.transaction.id, 'the same transaction');
    const tx = first.body.data?.lnInvoicePaymentSend.transaction;
    assert.deepEqual([tx.direction, tx.settlementAmount, tx.settlementCurrency, tx.memo, tx.settlementDisplayAmount], ['SEND', -4200, 'BTC', 'pizza', '-4.20']);
    assert.deepEqual(tx.initiationVia, { __typename: 'InitiationViaLn', paymentHash: invoice.paymentHash, paymentRequest: invoice.paymentRequest });
    const third = await pay('pizza-2');
    assert.equal(third.body.data?.lnInvoicePaymentSend.status, 'ALREADY_PAID');

    const status = await h.gql('query($r: LnPaymentRequest!) { lnInvoicePaymentStatus(input: { paymentRequest: $r }) { status paymentHash paymentPreimage errors { code } } }', { r: invoice.paymentRequest });
    assert.equal(status.body.data?.lnInvoicePaymentStatus.status, 'PAID');
    assert.match(status.body.data?.lnInvoicePaymentStatus.paymentPreimage, /^[0-9a-f]{64}$/);

    const wallets = await h.gql('{ me { defaultAccount { wallets { walletCurrency balance } } } }', {}, bearer(bob.session));
    assert.deepEqual(wallets.body.data?.me.defaultAccount.wallets, [{ walletCurrency: 'BTC', balance: 4200 }, { walletCurrency: 'USD', balance: 0 }]);
    const bobTx = await h.gql(`{ me { defaultAccount { transactions(first: 1) { edges { node { ${TX_FIELDS} } } } } } }`, {}, bearer(bob.session));
    const received = bobTx.body.data?.me.defaultAccount.transactions.edges[0].node;
    assert.deepEqual([received.direction, received.settlementAmount], ['RECEIVE', 4200]);
    assert.equal(received.settlementVia.preImage, status.body.data?.lnInvoicePaymentStatus.paymentPreimage);
  });

  test('intraledger by username, USD conversion, and a foreign invoice that moves nothing', async () => {
    const named = await h.gql('mutation { userUpdateUsername(input: { username: "bob_the_builder" }) { user { username } errors { code } } }', {}, bearer(bob.session));
    assert.equal(named.body.data?.userUpdateUsername.user.username, 'bob_the_builder');
    const taken = await h.gql('mutation { userUpdateUsername(input: { username: "BOB_the_builder" }) { errors { code } } }', {}, bearer(alice.session));
    assert.equal(taken.body.data?.userUpdateUsername.errors[0].code, 'USERNAME_TAKEN');
    const usd = await h.gql('{ accountDefaultWallet(username: "bob_the_builder", walletCurrency: USD) { id currency } }');
    assert.deepEqual(usd.body.data?.accountDefaultWallet, { id: bob.usdWalletId, currency: 'USD' });

    const sent = await h.gql(`mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 10000, memo: "rent" }) { status transaction { ${TX_FIELDS} } errors { code } } }`, { w: alice.btcWalletId, r: bob.usdWalletId }, bearer(alice.session));
    const tx = sent.body.data?.intraLedgerPaymentSend.transaction;
    assert.deepEqual(tx.initiationVia, { __typename: 'InitiationViaIntraLedger', counterPartyWalletId: bob.usdWalletId, counterPartyUsername: 'bob_the_builder' });
    const bobWallets = await h.gql('{ me { defaultAccount { wallets { walletCurrency balance } } } }', {}, bearer(bob.session));
    assert.equal(bobWallets.body.data?.me.defaultAccount.wallets[1].balance, 1000, '10,000 sats = 1,000 cents at $100,000/BTC');

    const foreign = encodeInvoice(
      { network: 'regtest', sats: 500, timestamp: Math.floor(Date.now() / 1000), paymentHash: randomBytes(32), paymentSecret: randomBytes(32), description: 'far away', expirySeconds: 600 },
      randomBytes(32),
    );
    const refused = await h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status errors { code message } } }', { w: alice.btcWalletId, r: foreign }, bearer(alice.session));
    assert.equal(refused.body.data?.lnInvoicePaymentSend.status, 'FAILURE');
    assert.equal(refused.body.data?.lnInvoicePaymentSend.errors[0].code, 'LIGHTNING_BACKEND_UNAVAILABLE');
    const mainnet = encodeInvoice({ network: 'mainnet', sats: 500, timestamp: Math.floor(Date.now() / 1000), paymentHash: randomBytes(32), paymentSecret: randomBytes(32), description: '', expirySeconds: 600 }, randomBytes(32));
    const wrongNet = await h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { errors { code message } } }', { w: alice.btcWalletId, r: mainnet }, bearer(alice.session));
    assert.equal(wrongNet.body.data?.lnInvoicePaymentSend.errors[0].code, 'INVALID_PAYMENT_REQUEST');
    const balances = await h.gql('{ me { defaultAccount { wallets { balance } } } }', {}, bearer(alice.session));
    assert.equal(balances.body.data?.me.defaultAccount.wallets[0].balance, 100_000 - 4200 - 10_000);
  });

  test('globals, price and the transaction pages', async () => {
    const g = await h.gql('{ globals { network nodesIds } realtimePrice { btcSatPrice { base offset } usdCentPrice { base offset } denominatorCurrency } currencyList { id } }');
    assert.equal(g.body.data?.globals.network, 'regtest');
    assert.match(g.body.data?.globals.nodesIds[0], /^0[23][0-9a-f]{64}$/);
    assert.deepEqual(g.body.data?.realtimePrice.btcSatPrice, { base: 100_000_000_000, offset: 12 }, '0.1 cent per sat');
    const me = await h.gql('{ me { id createdAt email { address verified } phone totpEnabled username } }', {}, bearer(alice.session));
    assert.deepEqual({ ...me.body.data?.me, createdAt: typeof me.body.data?.me.createdAt }, {
      id: alice.userId,
      createdAt: 'number',
      email: { address: alice.email, verified: true },
      phone: null,
      totpEnabled: false,
      username: null,
    });
    const page1 = await h.gql('{ me { defaultAccount { transactions(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } } }', {}, bearer(alice.session));
    const conn = page1.body.data?.me.defaultAccount.transactions;
    assert.equal(conn.edges.length, 2);
    assert.equal(conn.pageInfo.hasNextPage, true);
    const page2 = await h.gql('query($a: String) { me { defaultAccount { transactions(first: 2, after: $a) { edges { node { id } } } } } }', { a: conn.pageInfo.endCursor }, bearer(alice.session));
    const ids = [...conn.edges.map((e: { node: { id: string } }) => e.node.id), ...page2.body.data?.me.defaultAccount.transactions.edges.map((e: { node: { id: string } }) => e.node.id)];
    assert.equal(new Set(ids).size, ids.length, 'no repeats across pages');
  });

  test('issue 12: the payload of a send is the transaction the ledger lists afterwards (intraledger, USD conversion, invoice)', async () => {
    await h.fund(alice.usdWalletId, 50_000);
    const listed = async (user: TestUser, walletId: string) => {
      const r = await h.gql(`query($w: [WalletId]) { me { defaultAccount { transactions(first: 1, walletIds: $w) { edges { node { ${TX_FIELDS} } } } } } }`, { w: [walletId] }, bearer(user.session));
      return r.body.data?.me.defaultAccount.transactions.edges[0].node;
    };
    const sends: [string, string, Record<string, unknown>][] = [
      ['intraLedgerPaymentSend', 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 321, memo: "same" })', { w: alice.btcWalletId, r: bob.btcWalletId }],
      ['intraLedgerUsdPaymentSend', 'mutation($w: WalletId!, $r: WalletId!) { intraLedgerUsdPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 77 })', { w: alice.usdWalletId, r: bob.btcWalletId }],
    ];
    const invoice = await h.gql('mutation($w: WalletId!) { lnUsdInvoiceCreate(input: { walletId: $w, amount: 150 }) { invoice { paymentRequest } } }', { w: bob.usdWalletId }, bearer(bob.session));
    sends.push(['lnInvoicePaymentSend', 'mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r, memo: "bill" })', { w: alice.btcWalletId, r: invoice.body.data?.lnUsdInvoiceCreate.invoice.paymentRequest }]);
    for (const [name, head, variables] of sends) {
      const sent = await h.gql(`${head} { status errors { code } transaction { ${TX_FIELDS} } } }`, variables, bearer(alice.session));
      assert.equal(sent.body.data?.[name].status, 'SUCCESS', JSON.stringify(sent.body));
      assert.deepEqual(sent.body.data?.[name].transaction, await listed(alice, String(variables.w)), name);
    }
  });

  test('issue 12: the wallet face opens an account on first use for a user identity knows, never for an unknown subject', async () => {
    const known = randomUUID() as UserId;
    await h.stack.database.db.query('INSERT INTO users (id, email) VALUES ($1, $2)', [known, `${known}@example.com`]);
    const asUser = (userId: UserId): TestUser => ({ userId, email: '', session: '', btcWalletId: '', usdWalletId: '' });
    const opened = await h.gql('{ me { id defaultAccount { wallets { walletCurrency balance } } } }', {}, oauth(await h.oauthToken(asUser(known), ['read'])));
    assert.deepEqual(opened.body.data?.me, { id: known, defaultAccount: { wallets: [{ walletCurrency: 'BTC', balance: 0 }, { walletCurrency: 'USD', balance: 0 }] } });
    const stranger = randomUUID() as UserId;
    const refused = await h.gql('{ me { id } }', {}, oauth(await h.oauthToken(asUser(stranger), ['read'])));
    assert.equal(refused.body.errors?.[0]?.extensions?.code, 'ACCOUNT_NOT_FOUND');
    const [row] = await h.stack.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM wallet_accounts WHERE user_id = $1', [stranger]);
    assert.equal(row?.n, 0);
  });
});
