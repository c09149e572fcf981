// Bad GraphQL input gets GraphQL errors (or a 4xx), never a 500: malformed bodies, wrong types,
// zero/negative/huge amounts, foreign wallet ids, deep and wide queries, and random variables.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { getIntrospectionQuery, parse, type OperationDefinitionNode } from 'graphql';
import { checkLimits } from '../../src/api/graphql/limits.ts';
import { bearer, startHarness, type Harness, type TestUser } from './harness.ts';

const SEND = 'mutation($i: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $i) { status errors { code message } } }';

describe('bad input', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    h = await startHarness();
    alice = await h.signUp();
    bob = await h.signUp();
    await h.fund(alice.btcWalletId, 10_000);
  });
  after(async () => h.close());

  const raw = (payload: string, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url: '/graphql', payload, headers: { 'content-type': 'application/json', ...bearer(alice.session), ...headers } });

  test('malformed requests are 4xx with a JSON error', async () => {
    for (const body of ['{"query": ', '[]', '"just a string"', '{}', '{"query": 42}', '{"query": "{ me { id } }", "variables": [1]}', '{"query": "{ me { id }"}', '{"query": "{ nope }"}', '{"query": "query A { me { id } } query B { me { id } }"}']) {
      const res = await raw(body);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${body} -> ${res.statusCode} ${res.body}`);
      assert.ok(Array.isArray(res.json().errors) || res.json().error, body);
    }
    const huge = await raw(JSON.stringify({ query: `{ globals { network } } # ${'x'.repeat(200_000)}` }));
    assert.equal(huge.statusCode, 413);
    const badKey = await raw(JSON.stringify({ query: '{ me { id } }' }), { 'idempotency-key': '' });
    assert.equal(badKey.statusCode, 400);
  });

  test('wrong types and out-of-range amounts are GraphQL errors; nothing moves', async () => {
    const amounts: unknown[] = ['abc', 1.5, 0, -1, -0, 1e30, 2_100_000_000_000_001, Number.MAX_SAFE_INTEGER + 10, null, true, [], {}];
    for (const amount of amounts) {
      const res = await h.gql(SEND, { i: { walletId: alice.btcWalletId, recipientWalletId: bob.btcWalletId, amount } }, bearer(alice.session));
      assert.ok(res.status === 200 || res.status === 400, `${JSON.stringify(amount)} -> ${res.status}`);
      assert.ok(res.body.errors?.length, `${JSON.stringify(amount)} -> ${JSON.stringify(res.body)}`);
    }
    for (const literal of ['0', '-5', '1.5', '"7"', '99999999999999999999']) {
      const res = await h.gql(`mutation { intraLedgerPaymentSend(input: { walletId: "${alice.btcWalletId}", recipientWalletId: "${bob.btcWalletId}", amount: ${literal} }) { status } }`, {}, bearer(alice.session));
      assert.ok(res.status < 500 && res.body.errors?.length, `${literal}: ${JSON.stringify(res.body)}`);
    }
    const badIds = await h.gql(SEND, { i: { walletId: 'not-a-uuid', recipientWalletId: bob.btcWalletId, amount: 5 } }, bearer(alice.session));
    assert.ok(badIds.status < 500 && badIds.body.errors?.length);
    // A wallet that exists but belongs to somebody else.
    const foreign = await h.gql(SEND, { i: { walletId: bob.btcWalletId, recipientWalletId: alice.btcWalletId, amount: 5 } }, bearer(alice.session));
    assert.equal(foreign.body.data?.intraLedgerPaymentSend.errors[0].code, 'INVALID_WALLET_ID');
    const nobody = await h.gql(SEND, { i: { walletId: alice.btcWalletId, recipientWalletId: '00000000-0000-4000-8000-00000000f0b1', amount: 5 } }, bearer(alice.session));
    assert.equal(nobody.body.data?.intraLedgerPaymentSend.errors[0].code, 'RECIPIENT_NOT_FOUND', 'platform wallets are not recipients');
    const foreignRead = await h.gql('query($w: WalletId!) { me { defaultAccount { walletById(walletId: $w) { balance } } } }', { w: bob.btcWalletId }, bearer(alice.session));
    assert.equal(foreignRead.body.errors?.[0]?.extensions?.code, 'INVALID_WALLET_ID');
    const foreignTx = await h.gql('query($w: WalletId!) { me { defaultAccount { transactions(walletIds: [$w]) { edges { cursor } } } } }', { w: bob.btcWalletId }, bearer(alice.session));
    assert.equal(foreignTx.body.errors?.[0]?.extensions?.code, 'INVALID_WALLET_ID');
    const foreignInvoice = await h.gql('mutation($w: WalletId!) { lnInvoiceCreate(input: { walletId: $w, amount: 5 }) { errors { code } } }', { w: bob.btcWalletId }, bearer(alice.session));
    assert.equal(foreignInvoice.body.data?.lnInvoiceCreate.errors[0].code, 'INVALID_WALLET_ID');
    const longMemo = await h.gql('mutation($w: WalletId!, $m: Memo) { lnInvoiceCreate(input: { walletId: $w, amount: 5, memo: $m }) { errors { code } } }', { w: alice.btcWalletId, m: 'é'.repeat(400) }, bearer(alice.session));
    assert.equal(longMemo.body.data?.lnInvoiceCreate.errors[0].code, 'INVALID_INPUT', 'a memo too long for BOLT 11');
    const balances = await h.gql('{ me { defaultAccount { wallets { balance } } } }', {}, bearer(alice.session));
    assert.deepEqual(balances.body.data?.me.defaultAccount.wallets.map((w: { balance: number }) => w.balance), [10_000, 0]);
  });

  test('deep and wide queries are refused by the depth, cost and token limits; introspection still works', async () => {
    const introspection = await h.gql(getIntrospectionQuery());
    assert.equal(introspection.status, 200);
    assert.ok(introspection.body.data?.__schema);

    let deep = 'name';
    for (let i = 0; i < 12; i++) deep = `fields { type { ${deep} } }`;
    const tooDeep = await h.gql(`{ __schema { types { ${deep} } } }`);
    assert.equal(tooDeep.status, 400, 'graphql-js refuses deep introspection itself');
    // The schema has no cycles outside introspection, so the depth rule is checked on a document directly.
    let nested = 'id';
    for (let i = 0; i < 20; i++) nested = `a { ${nested} }`;
    const document = parse(`{ ${nested} }`);
    assert.equal(checkLimits(document, document.definitions[0] as OperationDefinitionNode, {})?.extensions.code, 'QUERY_TOO_DEEP');
    const fine = parse('{ me { defaultAccount { transactions(first: 10) { edges { node { initiationVia { ... on InitiationViaIntraLedger { counterPartyWalletId } } } } } } } }');
    assert.equal(checkLimits(fine, fine.definitions[0] as OperationDefinitionNode, {}), undefined);

    const costly = await h.gql(
      `{ me { defaultAccount { ${Array.from({ length: 3 }, (_, i) => `t${i}: transactions(first: 100) { edges { cursor node { id memo direction status settlementAmount settlementCurrency createdAt } } }`).join(' ')} } } }`,
      {},
      bearer(alice.session),
    );
    assert.equal(costly.status, 400);
    assert.equal(costly.body.errors?.[0]?.extensions?.code, 'QUERY_TOO_COSTLY');

    const wide = await h.gql(`{ ${Array.from({ length: 3000 }, (_, i) => `a${i}: globals { network }`).join(' ')} }`);
    assert.equal(wide.status, 400);
    const fragments = await h.gql(`query { ...A } fragment A on Query { ${Array.from({ length: 1200 }, (_, i) => `x${i}: currencyList { id }`).join(' ')} }`);
    assert.ok(fragments.status === 400, JSON.stringify(fragments.body).slice(0, 200));
  });

  test('random variables never cause a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 2 }), async (input, amount) => {
        const a = await h.gql(SEND, { i: input }, bearer(alice.session));
        assert.ok(a.status < 500, JSON.stringify(a.body));
        const b = await h.gql(SEND, { i: { walletId: alice.btcWalletId, recipientWalletId: bob.btcWalletId, amount } }, bearer(alice.session));
        assert.ok(b.status < 500, JSON.stringify(b.body));
        const c = await h.gql('query($r: LnPaymentRequest!) { lnInvoicePaymentStatus(input: { paymentRequest: $r }) { status errors { code } } }', { r: input });
        assert.ok(c.status < 500, JSON.stringify(c.body));
      }),
      { numRuns: 150 },
    );
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.string({ maxLength: 2000 }), fc.integer(), fc.double(), fc.constantFrom(alice.btcWalletId, bob.btcWalletId, alice.usdWalletId));
    const mutations = [
      'mutation($i: LnInvoiceCreateInput!) { lnInvoiceCreate(input: $i) { errors { code } invoice { paymentRequest } } }',
      'mutation($i: LnUsdInvoiceCreateInput!) { lnUsdInvoiceCreate(input: $i) { errors { code } } }',
      'mutation($i: LnNoAmountInvoiceCreateOnBehalfOfRecipientInput!) { lnNoAmountInvoiceCreateOnBehalfOfRecipient(input: $i) { errors { code } } }',
      'mutation($i: LnInvoiceCancelInput!) { lnInvoiceCancel(input: $i) { errors { code } } }',
      'mutation($i: OnChainAddressCreateInput!) { onChainAddressCreate(input: $i) { errors { code } } }',
      'mutation($i: UserUpdateUsernameInput!) { userUpdateUsername(input: $i) { errors { code } } }',
      'mutation($i: AccountUpdateDisplayCurrencyInput!) { accountUpdateDisplayCurrency(input: $i) { errors { code } } }',
      'mutation($i: AccountUpdateDefaultWalletIdInput!) { accountUpdateDefaultWalletId(input: $i) { errors { code } } }',
      'mutation($i: ApiKeyCreateInput!) { apiKeyCreate(input: $i) { apiKey { id } } }',
      'mutation($i: ApiKeyRevokeInput!) { apiKeyRevoke(input: $i) { apiKey { id } } }',
      'mutation($i: LnNoAmountInvoicePaymentInput!) { lnNoAmountInvoicePaymentSend(input: $i) { errors { code } } }',
      'query($i: Int, $a: String) { me { defaultAccount { transactions(first: $i, after: $a) { edges { cursor } } } } }',
    ];
    const fields = ['walletId', 'recipientWalletId', 'amount', 'memo', 'expiresIn', 'externalId', 'paymentHash', 'paymentRequest', 'username', 'currency', 'name', 'scopes', 'expireInDays', 'id', 'descriptionHash'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...mutations), fc.dictionary(fc.constantFrom(...fields), anything, { maxKeys: 6 }), anything, anything, async (query, input, i, a) => {
        const res = await h.gql(query, { i: query.startsWith('query') ? i : input, a }, bearer(alice.session));
        assert.ok(res.status < 500, `${query}\n${JSON.stringify(input)}\n${JSON.stringify(res.body)}`);
      }),
      { numRuns: 400 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (request) => {
        const res = await h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status errors { code } } }', { w: alice.btcWalletId, r: `lnbcrt${request}` }, bearer(alice.session));
        assert.ok(res.status < 500, JSON.stringify(res.body));
      }),
      { numRuns: 150 },
    );
  });
});
