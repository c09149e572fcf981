// Issue 19 #1: one request, hundreds of invoices. A request runs at most one top-level mutation field
// (aliases, named fragments and inline fragments at the root included): a second one is refused with
// TOO_MANY_MUTATIONS (HTTP 400) before anything runs. The public invoice mutations are also limited per
// recipient wallet, counted in the database: past the limit they answer TOO_MANY_REQUESTS and create
// nothing, while another recipient (and the owner's own lnInvoiceCreate) is unaffected.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DATABASE_KINDS } from '../support/databases.ts';
import { bearer, startHarness, type Harness, type TestUser } from './harness.ts';

const LIMIT = 3;
const BTC_INVOICE = 'lnInvoiceCreateOnBehalfOfRecipient(input: { recipientWalletId: $w, amount: 21 }) { invoice { paymentRequest } errors { code } }';
// As in the review: 220 aliases, each as short as it can be so that the document stays under the token limit.
const SHORT = 'lnInvoiceCreateOnBehalfOfRecipient(input: { recipientWalletId: $w, amount: 21 }) { errors { code } }';

for (const kind of DATABASE_KINDS) {
  describe(`issue 19 #1 on ${kind}: public invoice mutations cannot be multiplied`, () => {
    let h: Harness;
    let merchant: TestUser;
    let other: TestUser;
    const invoices = async () => Number((await h.stack.database.db.query<{ n: string }>('SELECT count(*) AS n FROM ln_invoices'))[0]!.n);
    before(async () => {
      h = await startHarness({ kind, env: { RATE_LIMIT_RECIPIENT_INVOICES: String(LIMIT), RATE_LIMIT_RECIPIENT_WINDOW: '1h' } });
      merchant = await h.signUp();
      other = await h.signUp();
    });
    after(async () => h.close());

    const refusedDocuments: [string, string][] = [
      ['220 aliases', `mutation($w: WalletId!) { ${Array.from({ length: 220 }, (_, i) => `a${i}: ${SHORT}`).join(' ')} }`],
      ['two fields, one plain and one aliased', `mutation($w: WalletId!) { ${BTC_INVOICE} again: ${BTC_INVOICE} }`],
      ['a named fragment spread at the root', `mutation($w: WalletId!) { ...Many } fragment Many on Mutation { a: ${BTC_INVOICE} b: ${BTC_INVOICE} }`],
      ['a field and a fragment spread', `mutation($w: WalletId!) { ${BTC_INVOICE} ...One } fragment One on Mutation { b: ${BTC_INVOICE} }`],
      ['nested inline fragments', `mutation($w: WalletId!) { ... on Mutation { a: ${BTC_INVOICE} ... { b: ${BTC_INVOICE} } } }`],
      ['a skipped second field (counted anyway)', `mutation($w: WalletId!) { a: ${BTC_INVOICE} b: ${SHORT.replace(') {', ') @skip(if: true) {')} }`],
    ];
    for (const [label, query] of refusedDocuments) {
      test(`issue 19 #1: ${label} → TOO_MANY_MUTATIONS, nothing created`, async () => {
        const before = await invoices();
        const res = await h.gql(query, { w: other.btcWalletId });
        assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 300));
        assert.deepEqual(
          res.body.errors?.map((e) => e.extensions?.code),
          ['TOO_MANY_MUTATIONS'],
        );
        assert.equal(res.body.data, undefined);
        assert.equal(await invoices(), before, 'no invoice was created');
      });
    }

    test('issue 19 #1: one mutation through a fragment, with __typename beside it, still runs', async () => {
      const before = await invoices();
      const res = await h.gql(`mutation($w: WalletId!) { __typename ...One } fragment One on Mutation { ${BTC_INVOICE} }`, { w: other.btcWalletId });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.data!.lnInvoiceCreateOnBehalfOfRecipient.errors, []);
      assert.equal(await invoices(), before + 1);
    });

    test('issue 19 #1: queries may still alias fields (no side effects)', async () => {
      const res = await h.gql(`{ a: globals { network } b: globals { network } c: currencyList { id } }`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    });

    test(`issue 19 #1: after ${LIMIT} public invoices a recipient wallet answers TOO_MANY_REQUESTS; others are unaffected`, async () => {
      const w = merchant.btcWalletId;
      const calls = [
        `mutation($w: WalletId!) { ${BTC_INVOICE} }`,
        'mutation($w: WalletId!) { lnNoAmountInvoiceCreateOnBehalfOfRecipient(input: { recipientWalletId: $w }) { invoice { paymentRequest } errors { code } } }',
      ];
      for (let i = 0; i < LIMIT; i++) {
        const res = await h.gql(calls[i % 2]!, { w });
        const payload = Object.values(res.body.data ?? {})[0] as { errors: unknown[]; invoice: unknown };
        assert.deepEqual(payload.errors, [], JSON.stringify(res.body));
        assert.ok(payload.invoice);
      }
      for (const query of calls) {
        const before = await invoices();
        const res = await h.gql(query, { w });
        assert.equal(res.status, 200);
        const payload = Object.values(res.body.data ?? {})[0] as { errors: { code: string }[]; invoice: unknown };
        assert.deepEqual(
          payload.errors.map((e) => e.code),
          ['TOO_MANY_REQUESTS'],
          JSON.stringify(res.body),
        );
        assert.equal(payload.invoice, null);
        assert.equal(await invoices(), before, 'nothing created past the limit');
      }
      // Another recipient, the merchant's other wallet and the merchant's own authenticated invoices still work.
      const elsewhere = await h.gql(`mutation($w: WalletId!) { ${BTC_INVOICE} }`, { w: other.btcWalletId });
      assert.deepEqual(elsewhere.body.data!.lnInvoiceCreateOnBehalfOfRecipient.errors, [], JSON.stringify(elsewhere.body));
      const usd = await h.gql('mutation($w: WalletId!) { lnUsdInvoiceCreateOnBehalfOfRecipient(input: { recipientWalletId: $w, amount: 5 }) { errors { code } } }', { w: merchant.usdWalletId });
      assert.deepEqual(usd.body.data!.lnUsdInvoiceCreateOnBehalfOfRecipient.errors, [], JSON.stringify(usd.body));
      const own = await h.gql('mutation($w: WalletId!) { lnInvoiceCreate(input: { walletId: $w, amount: 5 }) { errors { code } } }', { w }, bearer(merchant.session));
      assert.deepEqual(own.body.data!.lnInvoiceCreate.errors, [], JSON.stringify(own.body));
    });

    test('issue 19 #1: unknown recipient wallets are refused as before and not counted', async () => {
      const res = await h.gql(`mutation($w: WalletId!) { ${BTC_INVOICE} }`, { w: '00000000-0000-4000-8000-000000000000' });
      assert.deepEqual(res.body.data!.lnInvoiceCreateOnBehalfOfRecipient.errors.map((e: { code: string }) => e.code), ['INVALID_WALLET_ID']);
      const [row] = await h.stack.database.db.query<{ n: string }>("SELECT count(*) AS n FROM rate_limits WHERE key LIKE '%00000000-0000-4000-8000-000000000000%'");
      assert.equal(Number(row!.n), 0);
    });
  });
}
