// Issue 13, "Operations third-party apps use that are missing", over GraphQL with real credentials: the fee
// probes (0 for invoices issued here, the Lightning backend's answer for foreign ones, or a clear error), the
// point of sale's sats-denominated USD invoice, reading one item (transactionById, invoices, invoiceByPaymentHash,
// pendingIncomingTransactions, transactionsByPaymentHash), the CSV export, and the dashboard's fields (language,
// callbackPortalUrl, supportedCountries). Every id in a request must be the caller's.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { err, ok } from '../../src/shared/result.ts';
import { walletError } from '../../src/wallet/wallet-service.ts';
import { encodeInvoice } from '../../src/wallet/services/bolt11.ts';
import { bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

const PRICE = 10_000_000; // the default PRICE_BTC_USD_CENTS: 1 sat = 0.1 cent
const FOREIGN_FEE_SATS = 7;

/** A BOLT 11 invoice signed by another node (not issued here): a payment to it would leave the platform. */
function foreignInvoice(sats: number | undefined): string {
  return encodeInvoice(
    { network: 'regtest', sats, timestamp: Math.floor(Date.now() / 1000), paymentHash: randomBytes(32), paymentSecret: randomBytes(32), description: 'elsewhere', expirySeconds: 3600 },
    randomBytes(32).fill(7, 0, 1),
  );
}

const PROBE = (name: string, amount = '') =>
  `mutation($w: WalletId!, $r: LnPaymentRequest!) { ${name}(input: { walletId: $w, paymentRequest: $r${amount} }) { amount errors { code message } } }`;

describe('issue 13: the operations third-party apps use', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  const probed: string[] = [];
  before(async () => {
    h = await startHarness({
      wallet: {
        // A Lightning backend (an external system) that quotes fees and pays nothing.
        lightning: {
          async probeFee(request) {
            probed.push(request);
            return ok({ feeSats: FOREIGN_FEE_SATS });
          },
          async payInvoice() {
            return err(walletError('LIGHTNING_BACKEND_UNAVAILABLE', 'test backend pays nothing'));
          },
        },
      },
    });
    alice = await h.signUp();
    bob = await h.signUp();
    await h.fund(alice.btcWalletId, 100_000);
    await h.fund(alice.usdWalletId, 10_000);
  });
  after(async () => h.close());

  const bobInvoice = async (amount?: number) => {
    const field = amount === undefined ? 'lnNoAmountInvoiceCreate(input: { walletId: $w })' : `lnInvoiceCreate(input: { walletId: $w, amount: ${amount} })`;
    const res = await h.gql(`mutation($w: WalletId!) { ${field} { invoice { paymentRequest paymentHash } errors { code } } }`, { w: bob.btcWalletId }, bearer(bob.session));
    return Object.values(res.body.data ?? {})[0] as { invoice: { paymentRequest: string; paymentHash: string } };
  };

  test('fee probes: 0 for an invoice issued here, the backend quote for a foreign one, in the wallet unit', async () => {
    const token = oauth(await h.oauthToken(alice, ['write']));
    const withAmount = (await bobInvoice(500)).invoice.paymentRequest;
    const noAmount = (await bobInvoice()).invoice.paymentRequest;
    const cases: [string, string, string, string, number][] = [
      ['lnInvoiceFeeProbe', alice.btcWalletId, withAmount, '', 0],
      ['lnUsdInvoiceFeeProbe', alice.usdWalletId, withAmount, '', 0],
      ['lnNoAmountInvoiceFeeProbe', alice.btcWalletId, noAmount, ', amount: 50', 0],
      ['lnNoAmountUsdInvoiceFeeProbe', alice.usdWalletId, noAmount, ', amount: 5', 0],
      ['lnInvoiceFeeProbe', alice.btcWalletId, foreignInvoice(1000), '', FOREIGN_FEE_SATS],
      // USD wallets: the fee in cents, rounded up (7 sats = 0.7 cents → 1).
      ['lnUsdInvoiceFeeProbe', alice.usdWalletId, foreignInvoice(1000), '', 1],
      ['lnNoAmountInvoiceFeeProbe', alice.btcWalletId, foreignInvoice(undefined), ', amount: 50', FOREIGN_FEE_SATS],
      ['lnNoAmountUsdInvoiceFeeProbe', alice.usdWalletId, foreignInvoice(undefined), ', amount: 5', 1],
    ];
    for (const [name, w, r, amount, fee] of cases) {
      const res = await h.gql(PROBE(name, amount), { w, r }, token);
      assert.deepEqual(res.body.data?.[name], { amount: fee, errors: [] }, `${name}: ${JSON.stringify(res.body)}`);
    }
    assert.equal(probed.length, 4, 'only the foreign invoices reached the backend');
  });

  test('fee probes refuse what the payment would refuse, and need write on the caller\'s own wallet', async () => {
    const own = (await bobInvoice(500)).invoice.paymentRequest;
    const errorOf = async (name: string, w: string, r: string, headers: Record<string, string>, amount = '') => {
      const res = await h.gql(PROBE(name, amount), { w, r }, headers);
      return res.body.data?.[name]?.errors?.[0]?.code ?? res.body.errors?.[0]?.extensions?.code;
    };
    const alices = bearer(alice.session);
    assert.equal(await errorOf('lnInvoiceFeeProbe', bob.btcWalletId, own, alices), 'INVALID_WALLET_ID', "another user's wallet");
    assert.equal(await errorOf('lnInvoiceFeeProbe', alice.usdWalletId, own, alices), 'WRONG_WALLET_CURRENCY');
    assert.equal(await errorOf('lnNoAmountInvoiceFeeProbe', alice.btcWalletId, own, alices, ', amount: 5'), 'INVOICE_AMOUNT_MISMATCH');
    assert.equal(await errorOf('lnInvoiceFeeProbe', bob.btcWalletId, own, bearer(bob.session)), 'SELF_PAYMENT');
    assert.equal(await errorOf('lnInvoiceFeeProbe', alice.btcWalletId, 'lnbcrt1notaninvoice', alices), 'INVALID_PAYMENT_REQUEST');
    assert.equal(await errorOf('lnInvoiceFeeProbe', alice.btcWalletId, own, oauth(await h.oauthToken(alice, ['read', 'receive']))), 'INSUFFICIENT_SCOPE');
    assert.equal(await errorOf('lnInvoiceFeeProbe', alice.btcWalletId, own, {}), 'NOT_AUTHENTICATED');
  });

  test('lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient: a USD wallet invoice in sats, its cents fixed when created', async () => {
    const create = (w: string, amount: number) =>
      h.gql(
        'mutation($w: WalletId!, $a: SatAmount!) { lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient(input: { recipientWalletId: $w, amount: $a, memo: "coffee", expiresIn: 60 }) { invoice { paymentRequest paymentHash satoshis paymentStatus } errors { code message } } }',
        { w, a: amount },
      );
    const made = (await create(bob.usdWalletId, 2_345)).body.data?.lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient;
    assert.deepEqual(made.errors, []);
    assert.equal(made.invoice.satoshis, 2_345);
    assert.match(made.invoice.paymentRequest, /^lnbcrt23450n1/);
    const [row] = await h.stack.database.db.query<{ cents: string; minutes: number }>(
      'SELECT cents::text, round(extract(epoch FROM expires_at - created_at) / 60)::int AS minutes FROM ln_invoices WHERE payment_hash = $1',
      [made.invoice.paymentHash],
    );
    assert.deepEqual(row, { cents: String(Math.floor((2_345 * PRICE) / 1e8)), minutes: 5 }, 'cents fixed at creation (rounded down); USD invoices live 5 minutes at most');
    const paid = await h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status errors { code } } }', { w: alice.btcWalletId, r: made.invoice.paymentRequest }, bearer(alice.session));
    assert.equal(paid.body.data?.lnInvoicePaymentSend.status, 'SUCCESS', JSON.stringify(paid.body));
    const balance = await h.gql('query($w: WalletId!) { me { defaultAccount { walletById(walletId: $w) { balance } } } }', { w: bob.usdWalletId }, bearer(bob.session));
    assert.equal(balance.body.data?.me.defaultAccount.walletById.balance, 234);
    assert.equal((await create(bob.btcWalletId, 100)).body.data?.lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient.errors[0].code, 'WRONG_WALLET_CURRENCY');
    assert.equal((await create(bob.usdWalletId, 5)).body.data?.lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient.errors[0].code, 'AMOUNT_TOO_SMALL', '5 sats is half a cent');
  });

  test('invoices, invoiceByPaymentHash and transactionsByPaymentHash read the caller\'s own wallets, page by page', async () => {
    const carol = await h.signUp();
    const hashes: string[] = [];
    for (const amount of [11, 12, 13]) {
      const res = await h.gql(`mutation($w: WalletId!) { lnInvoiceCreate(input: { walletId: $w, amount: ${amount} }) { invoice { paymentHash } } }`, { w: carol.btcWalletId }, bearer(carol.session));
      hashes.unshift(res.body.data?.lnInvoiceCreate.invoice.paymentHash);
    }
    const reader = oauth(await h.oauthToken(carol, ['read']));
    const page = (after: string | null) =>
      h.gql(
        'query($a: String) { me { defaultAccount { invoices(first: 2, after: $a) { edges { cursor node { paymentHash paymentStatus ... on LnInvoice { satoshis } } } pageInfo { hasNextPage endCursor } } } } }',
        { a: after },
        reader,
      );
    // Newest first (invoices of the same second in a fixed order): two pages hold all three, once each.
    const first = (await page(null)).body.data?.me.defaultAccount.invoices;
    assert.equal(first.edges.length, 2);
    assert.equal(first.pageInfo.hasNextPage, true);
    const second = (await page(first.pageInfo.endCursor)).body.data?.me.defaultAccount.invoices;
    assert.equal(second.pageInfo.hasNextPage, false);
    const seen = [...first.edges, ...second.edges].map((e: { node: { paymentHash: string } }) => e.node.paymentHash);
    assert.deepEqual([...seen].sort(), [...hashes].sort());
    assert.equal((await page('not-a-cursor')).body.errors?.[0]?.extensions?.code, 'INVALID_INPUT');

    const walletInvoices = await h.gql('query($w: WalletId!) { me { defaultAccount { walletById(walletId: $w) { invoices { edges { node { paymentHash } } } } } } }', { w: carol.usdWalletId }, reader);
    assert.deepEqual(walletInvoices.body.data?.me.defaultAccount.walletById.invoices.edges, [], 'the USD wallet has none');
    const others = await h.gql('query($w: WalletId) { me { defaultAccount { invoices(walletIds: [$w]) { edges { cursor } } } } }', { w: alice.btcWalletId }, reader);
    assert.equal(others.body.errors?.[0]?.extensions?.code, 'INVALID_WALLET_ID', "another user's wallet id");

    // Paid by alice: carol sees it by hash on her wallet; alice's wallet does not hold carol's invoice.
    const [r] = await h.stack.database.db.query<{ payment_request: string }>('SELECT payment_request FROM ln_invoices WHERE payment_hash = $1', [hashes[0]]);
    await h.gql('mutation($w: WalletId!, $r: LnPaymentRequest!) { lnInvoicePaymentSend(input: { walletId: $w, paymentRequest: $r }) { status } }', { w: alice.btcWalletId, r: r!.payment_request }, bearer(alice.session));
    const byHash = await h.gql(
      'query($w: WalletId!, $p: PaymentHash!) { me { defaultAccount { walletById(walletId: $w) { invoiceByPaymentHash(paymentHash: $p) { paymentStatus } transactionsByPaymentHash(paymentHash: $p) { direction settlementAmount } } } } }',
      { w: carol.btcWalletId, p: hashes[0] },
      reader,
    );
    assert.deepEqual(byHash.body.data?.me.defaultAccount.walletById, { invoiceByPaymentHash: { paymentStatus: 'PAID' }, transactionsByPaymentHash: [{ direction: 'RECEIVE', settlementAmount: 13 }] });
    const notHers = await h.gql('query($w: WalletId!, $p: PaymentHash!) { me { defaultAccount { walletById(walletId: $w) { invoiceByPaymentHash(paymentHash: $p) { paymentStatus } } } } }', { w: carol.btcWalletId, p: hashes[1]!.replace(/^./, (c) => (c === '0' ? '1' : '0')) }, reader);
    assert.equal(notHers.body.errors?.[0]?.extensions?.code, 'INVOICE_NOT_FOUND');
  });

  test('transactionById and pendingIncomingTransactions: only the wallet\'s own transactions', async () => {
    const reader = oauth(await h.oauthToken(alice, ['read']));
    const list = await h.gql('{ me { defaultAccount { transactions(first: 1) { edges { node { id settlementAmount } } } } } }', {}, reader);
    const newest = list.body.data?.me.defaultAccount.transactions.edges[0].node;
    const byId = (w: string, t: string, headers = reader) =>
      h.gql('query($w: WalletId!, $t: ID!) { me { defaultAccount { walletById(walletId: $w) { transactionById(transactionId: $t) { id settlementAmount } pendingIncomingTransactions { id } } } } }', { w, t }, headers);
    const found = await byId(alice.btcWalletId, newest.id);
    assert.deepEqual(found.body.data?.me.defaultAccount.walletById, { transactionById: newest, pendingIncomingTransactions: [] });
    assert.equal((await byId(alice.usdWalletId, newest.id)).body.errors?.[0]?.extensions?.code, 'NOT_FOUND', 'another wallet of the same account');
    const bobs = await h.gql('{ me { defaultAccount { transactions(first: 1) { edges { node { id } } } } } }', {}, bearer(bob.session));
    assert.equal((await byId(alice.btcWalletId, bobs.body.data?.me.defaultAccount.transactions.edges[0].node.id)).body.errors?.[0]?.extensions?.code, 'NOT_FOUND', "bob's transaction");
    assert.equal((await byId(alice.btcWalletId, 'x; DROP TABLE')).body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    assert.equal((await byId(alice.btcWalletId, newest.id, oauth(await h.oauthToken(alice, ['write'])))).body.errors?.[0]?.extensions?.code, 'INSUFFICIENT_SCOPE');
    const pending = await h.gql('query($w: WalletId) { me { defaultAccount { pendingIncomingTransactions(walletIds: [$w]) { id } } } }', { w: bob.btcWalletId }, reader);
    assert.equal(pending.body.errors?.[0]?.extensions?.code, 'INVALID_WALLET_ID');
  });

  test('csvTransactions: the chosen wallets as base64 CSV, text neutralised against spreadsheet formulas', async () => {
    const dave = await h.signUp();
    await h.fund(dave.btcWalletId, 1_000);
    const sent = await h.gql('mutation($w: WalletId!, $r: WalletId!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: 21, memo: "=HYPERLINK(\\"http://x\\", \\"a,b\\")" }) { status } }', { w: dave.btcWalletId, r: bob.btcWalletId }, bearer(dave.session));
    assert.equal(sent.body.data?.intraLedgerPaymentSend.status, 'SUCCESS');
    const res = await h.gql('query($w: WalletId!) { me { defaultAccount { csvTransactions(walletIds: [$w]) } } }', { w: dave.btcWalletId }, oauth(await h.oauthToken(dave, ['read'])));
    const csv = Buffer.from(res.body.data?.me.defaultAccount.csvTransactions, 'base64').toString();
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'id,walletId,direction,amount,currency,createdAt,kind,memo,counterpartyWalletId,counterpartyUsername,paymentHash,journalId');
    assert.equal(lines.length, 3, 'the funding and the payment');
    assert.ok(lines[1]!.includes(`,${dave.btcWalletId},SEND,-21,BTC,`), lines[1]);
    assert.ok(lines[1]!.includes(`,"'=HYPERLINK(""http://x"", ""a,b"")",`), lines[1]);
    const others = await h.gql('query($w: WalletId!) { me { defaultAccount { csvTransactions(walletIds: [$w]) } } }', { w: bob.btcWalletId }, bearer(dave.session));
    assert.equal(others.body.errors?.[0]?.extensions?.code, 'INVALID_WALLET_ID');
    const none = await h.gql('{ me { defaultAccount { csvTransactions(walletIds: []) } } }', {}, bearer(dave.session));
    assert.equal(none.body.errors?.[0]?.extensions?.code, 'INVALID_INPUT');
  });

  test('the email address: added with a code sent to it, removed while a phone remains; the account holder\'s session only', async () => {
    const erin = await h.signUp();
    const session = bearer(erin.session);
    const run = async (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = session) => {
      const res = await h.gql(query, variables, headers);
      return (Object.values(res.body.data ?? {})[0] ?? { errors: res.body.errors?.map((e) => ({ code: e.extensions?.code })) }) as { errors: { code: string }[]; emailRegistrationId?: string; me?: { email: { address: string } | null } };
    };
    const DELETE = 'mutation { userEmailDelete { me { email { address } } errors { code message } } }';
    const INITIATE = 'mutation($e: EmailAddress!) { userEmailRegistrationInitiate(input: { email: $e }) { emailRegistrationId errors { code } } }';
    const VALIDATE = 'mutation($id: EmailRegistrationId!, $c: OneTimeAuthCode!) { userEmailRegistrationValidate(input: { emailRegistrationId: $id, code: $c }) { me { email { address verified } } errors { code } } }';
    assert.equal((await run(DELETE)).errors[0]?.code, 'EMAIL_ONLY_ADDRESS', 'the only way to sign in stays');
    assert.equal((await run(INITIATE, { e: 'second@example.com' })).errors[0]?.code, 'EMAIL_ALREADY_SET');
    assert.equal((await run(DELETE, {}, oauth(await h.oauthToken(erin, ['read', 'write'])))).errors[0]?.code, 'FIRST_PARTY_ONLY');

    await h.stack.database.db.query("UPDATE users SET phone = '+50370001234' WHERE id = $1", [erin.userId]);
    const deleted = await run(DELETE);
    assert.deepEqual(deleted, { me: { email: null }, errors: [] });
    assert.equal((await run(DELETE)).errors[0]?.code, 'EMAIL_NOT_SET');

    const started = await run(INITIATE, { e: ' Erin.New@Example.com ' });
    assert.deepEqual(started.errors, []);
    const code = h.lastCode('erin.new@example.com');
    assert.match(code ?? '', /^\d{6}$/);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    assert.equal((await run(VALIDATE, { id: started.emailRegistrationId, c: wrong })).errors[0]?.code, 'CODE_INVALID');
    // Another person's session cannot use it; nor can the code sign anyone in.
    assert.equal((await run(VALIDATE, { id: started.emailRegistrationId, c: code }, bearer(bob.session))).errors[0]?.code, 'CODE_EXPIRED');
    assert.equal((await h.identity.loginWithEmail({ emailLoginId: started.emailRegistrationId, code })).ok, false);
    assert.deepEqual(await run(VALIDATE, { id: started.emailRegistrationId, c: code }), { me: { email: { address: 'erin.new@example.com', verified: true } }, errors: [] });
    assert.equal((await run(VALIDATE, { id: started.emailRegistrationId, c: code })).errors[0]?.code, 'CODE_EXPIRED', 'once');

    // An address another account signs in with: proving it does not move it.
    await h.stack.database.db.query('UPDATE users SET email = NULL WHERE id = $1', [erin.userId]);
    const taken = await run(INITIATE, { e: alice.email });
    assert.equal((await run(VALIDATE, { id: taken.emailRegistrationId, c: h.lastCode(alice.email) })).errors[0]?.code, 'EMAIL_TAKEN');
    assert.equal((await run(INITIATE, { e: 'not-an-email' })).errors[0]?.code, 'INVALID_EMAIL');
  });

  test('registration codes to one address are capped per address and per user; the owner still gets sign-in codes', async () => {
    const victim = 'victim-of-a-flood@example.com';
    const INITIATE = 'mutation($e: EmailAddress!) { userEmailRegistrationInitiate(input: { email: $e }) { errors { code } } }';
    const strangers = [await h.signUp(), await h.signUp()];
    for (const s of strangers) await h.stack.database.db.query('UPDATE users SET phone = $2, email = NULL WHERE id = $1', [s.userId, `+5037${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`]);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await h.gql(INITIATE, { e: victim }, bearer(strangers[0]!.session))).body.data?.userEmailRegistrationInitiate.errors[0]?.code ?? 'ok');
    codes.push((await h.gql(INITIATE, { e: 'elsewhere@example.com' }, bearer(strangers[0]!.session))).body.data?.userEmailRegistrationInitiate.errors[0]?.code);
    codes.push((await h.gql(INITIATE, { e: victim }, bearer(strangers[1]!.session))).body.data?.userEmailRegistrationInitiate.errors[0]?.code);
    assert.deepEqual(codes, ['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED'], '5 per user, and 5 per address whoever asks');
    assert.ok((await h.identity.requestEmailCode({ email: victim, ip: '192.0.2.7' })).ok, "the address's own sign-in codes are counted apart");
  });

  test('issue 17: the code to add an e-mail address goes out in the language of the request (Accept-Language), else English', async () => {
    const INITIATE = 'mutation($e: EmailAddress!) { userEmailRegistrationInitiate(input: { email: $e }) { errors { code } } }';
    const asker = await h.signUp();
    await h.stack.database.db.query('UPDATE users SET phone = $2, email = NULL WHERE id = $1', [asker.userId, `+5037${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`]);
    const ask = async (e: string, language?: string) => {
      const res = await h.gql(INITIATE, { e }, { ...bearer(asker.session), ...(language ? { 'accept-language': language } : {}) });
      assert.deepEqual(res.body.data?.userEmailRegistrationInitiate.errors, []);
      return h.lastMessage(e)!;
    };
    const es = await ask('nuevo@example.com', 'es-MX,es;q=0.9,en;q=0.5');
    assert.equal(es.subject, `Tu código de Lightgate para añadir este correo: ${es.code}`);
    assert.match(es.text, new RegExp(`^Tu código para añadir esta dirección de correo a tu cuenta de Lightgate es ${es.code}\\. Sirve una vez`));
    const en = await ask('new@example.com');
    assert.equal(en.subject, `Your Lightgate code to add this email: ${en.code}`);
    assert.equal((await ask('other@example.com', 'fr-FR')).subject.startsWith('Your Lightgate code'), true, 'an unsupported language is English');
  });

  test("the dashboard's fields: language, callbackPortalUrl, supportedCountries; no limits set is empty lists", async () => {
    const res = await h.gql('{ me { language defaultAccount { callbackPortalUrl limits { convert { totalLimit } internalSend { totalLimit } withdrawal { totalLimit } } } } }', {}, oauth(await h.oauthToken(alice, ['read'])));
    assert.deepEqual(res.body.data?.me, {
      language: '',
      defaultAccount: { callbackPortalUrl: `${h.stack.config.urls.portal}/callbacks`, limits: { convert: [], internalSend: [], withdrawal: [] } },
    });
    const globals = await h.gql('{ globals { supportedCountries { id supportedAuthChannels } } }');
    const countries = globals.body.data?.globals.supportedCountries as { id: string; supportedAuthChannels: string[] }[];
    assert.equal(countries.length, 249, 'every ISO 3166-1 country (phone sign-in takes any E.164 number)');
    assert.deepEqual(countries.find((c) => c.id === 'SV'), { id: 'SV', supportedAuthChannels: ['SMS', 'WHATSAPP'] });
  });
});
