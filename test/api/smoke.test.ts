import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, oauth, startHarness } from './harness.ts';

test('smoke: me, pay, oauth token', async () => {
  const h = await startHarness();
  try {
    const alice = await h.signUp();
    const bob = await h.signUp();
    await h.fund(alice.btcWalletId, 10_000);
    const me = await h.gql('{ me { id defaultAccount { id wallets { id walletCurrency balance } } } }', {}, bearer(alice.session));
    console.log(JSON.stringify(me.body));
    const pay = await h.gql(
      'mutation($i: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $i) { status errors { code message } transaction { id direction settlementAmount initiationVia { __typename ... on InitiationViaIntraLedger { counterPartyWalletId } } } } }',
      { i: { walletId: alice.btcWalletId, recipientWalletId: bob.usdWalletId, amount: 1000, memo: 'hi' } },
      bearer(alice.session),
    );
    console.log(JSON.stringify(pay.body));
    const token = await h.oauthToken(alice, ['read']);
    const viaOauth = await h.gql('{ authorization { scopes } me { defaultAccount { transactions(first: 5) { edges { cursor node { settlementAmount settlementCurrency memo } } } } } }', {}, oauth(token));
    console.log(JSON.stringify(viaOauth.body));
    assert.equal(viaOauth.status, 200);
  } finally {
    await h.close();
  }
});
