// Issue 13, "What Blink's own two OAuth apps send": every operation of Blink POS (apps/pay) and the API dashboard
// (apps/dashboard), kept in fixtures/blink-apps-operations.ts, validates against the schema Lightgate serves
// (introspected over HTTP) and runs with the credential it is meant for, without an error: the apps' OAuth
// tokens (with their clients' scopes), no credential for the POS's public pages, and the account holder's
// session for what Lightgate keeps first-party. Pay's three subscriptions run over WebSocket (graphql-ws), as
// the POS opens them: no credential.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildClientSchema, getIntrospectionQuery, parse, validate, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { Secret, TOTP } from 'otpauth';
import type { AddressInfo } from 'node:net';
import { collect, subscriber } from '../support/subscriptions.ts';
import { BLINK_APP_OPERATIONS, type BlinkAppOperation } from './fixtures/blink-apps-operations.ts';
import { bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

/** What one operation's variables need from the ones before it (keys created, registrations started…). */
interface State {
  apiKeyId?: string;
  callbackId?: string;
  totp?: { id: string; secret: string };
  emailRegistrationId?: string;
  paymentHash?: string;
}

const NEW_EMAIL = 'dashboard-user-new@example.com';

describe("issue 13: the operations of Blink's POS and API dashboard", () => {
  let h: Harness;
  let schema: GraphQLSchema;
  let merchant: TestUser;
  let developer: TestUser;
  before(async () => {
    h = await startHarness();
    merchant = await h.signUp();
    developer = await h.signUp();
    await h.stack.database.db.query("UPDATE wallet_accounts SET username = 'pos_merchant' WHERE user_id = $1", [merchant.userId]);
    // The dashboard removes an email only while a phone number remains to sign in with.
    await h.stack.database.db.query("UPDATE users SET phone = '+50370009999' WHERE id = $1", [developer.userId]);
    await h.fund(developer.btcWalletId, 50_000);
    await h.fund(developer.usdWalletId, 5_000);
    const introspected = await h.gql(getIntrospectionQuery());
    schema = buildClientSchema(introspected.body.data as unknown as IntrospectionQuery);
  });
  after(async () => h.close());

  const variables = (op: BlinkAppOperation, s: State): Record<string, unknown> => {
    switch (`${op.app}:${op.name}`) {
      case 'dashboard:ApiKeyCreate':
        return { input: { name: 'dashboard key', scopes: ['READ'] } };
      case 'dashboard:ApiKeyRevoke':
        return { input: { id: s.apiKeyId } };
      case 'dashboard:CallbackEndpointAdd':
        return { input: { url: 'http://127.0.0.1:9/blink-dashboard' } };
      case 'dashboard:CallbackEndpointDelete':
        return { input: { id: s.callbackId } };
      case 'dashboard:UserEmailRegistrationInitiate':
        return { input: { email: NEW_EMAIL } };
      case 'dashboard:UserEmailRegistrationValidate':
        return { input: { emailRegistrationId: s.emailRegistrationId, code: h.lastCode(NEW_EMAIL) } };
      case 'dashboard:IntraLedgerBtcPaymentSend':
        return { input: { walletId: developer.btcWalletId, recipientWalletId: merchant.btcWalletId, amount: 1_000 } };
      case 'dashboard:intraLedgerUsdPaymentSend':
        return { input: { walletId: developer.usdWalletId, recipientWalletId: merchant.usdWalletId, amount: 100 } };
      case 'dashboard:UserTotpRegistrationValidate':
        return { input: { totpRegistrationId: s.totp?.id, totpCode: new TOTP({ secret: Secret.fromBase32(s.totp!.secret) }).generate() } };
      case 'dashboard:GetPaginatedTransactions':
      case 'pay:GetPaginatedTransactions':
      case 'dashboard:GetFirstTransactions':
        return { first: 10 };
      case 'dashboard:GetDefaultWalletByUsername':
      case 'pay:accountDefaultWallets':
        return { username: 'pos_merchant' };
      case 'pay:accountDefaultWallet':
        return { username: 'pos_merchant', walletCurrency: 'BTC' };
      case 'dashboard:RealtimePrice':
      case 'pay:realtimePriceInitial':
        return { currency: 'USD' };
      case 'pay:lnInvoiceCreateOnBehalfOfRecipient':
        return { walletId: merchant.btcWalletId, amount: 2_100, descriptionHash: 'ab'.repeat(32), memo: 'lnurlp' };
      case 'pay:lnUsdInvoiceCreateOnBehalfOfRecipient':
        return { input: { recipientWalletId: merchant.usdWalletId, amount: 250, memo: 'coffee' } };
      case 'pay:lnInvoiceCreateOnBehalfOfRecipients':
        return { input: { recipientWalletId: merchant.btcWalletId, amount: 2_500, memo: 'coffee' } };
      case 'pay:LnInvoicePaymentStatusByHash':
      case 'pay:LnurlpInvoicePaymentStatusByHash':
        return { input: { paymentHash: s.paymentHash } };
      default:
        return {};
    }
  };

  /** Keeps what later operations need from an answer. */
  function remember(op: BlinkAppOperation, data: Record<string, any>, s: State): void { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (op.name === 'ApiKeyCreate') s.apiKeyId = data.apiKeyCreate.apiKey.id;
    if (op.name === 'CallbackEndpointAdd') s.callbackId = data.callbackEndpointAdd.id;
    if (op.name === 'UserTotpRegistrationInitiate') s.totp = { id: data.userTotpRegistrationInitiate.totpRegistrationId, secret: data.userTotpRegistrationInitiate.totpSecret };
    if (op.name === 'UserEmailRegistrationInitiate') s.emailRegistrationId = data.userEmailRegistrationInitiate.emailRegistrationId;
    if (op.name === 'lnInvoiceCreateOnBehalfOfRecipients') s.paymentHash = data.lnInvoiceCreateOnBehalfOfRecipient.invoice.paymentHash;
  }

  test('the list holds the 33 operations of the two apps, each named once per app', () => {
    assert.equal(BLINK_APP_OPERATIONS.filter((o) => o.app === 'dashboard').length, 19);
    assert.equal(BLINK_APP_OPERATIONS.filter((o) => o.app === 'pay').length, 14);
    assert.equal(new Set(BLINK_APP_OPERATIONS.map((o) => `${o.app}:${o.name}`)).size, 33);
  });

  test('every operation validates against the served schema', () => {
    const invalid = BLINK_APP_OPERATIONS.flatMap((op) => validate(schema, parse(op.document)).map((e) => `${op.app} ${op.name}: ${e.message}`));
    assert.deepEqual(invalid, []);
  });

  for (const app of ['dashboard', 'pay'] as const) {
    test(`every ${app} operation runs with the credential it is meant for, without an error`, async () => {
      const user = app === 'dashboard' ? developer : merchant;
      // The apps' OAuth clients: the dashboard asks for read and write, the POS for read.
      const credentials = {
        anonymous: {},
        oauth: oauth(await h.oauthToken(user, app === 'dashboard' ? ['read', 'write'] : ['read'])),
        session: bearer(user.session),
      };
      const state: State = {};
      if (app === 'pay') {
        // The POS's invoice-status pages read an invoice the POS created before.
        const made = await h.gql(BLINK_APP_OPERATIONS.find((o) => o.name === 'lnInvoiceCreateOnBehalfOfRecipients')!.document, variables({ app, name: 'lnInvoiceCreateOnBehalfOfRecipients', document: '', credential: 'anonymous' }, state));
        remember({ app, name: 'lnInvoiceCreateOnBehalfOfRecipients', document: '', credential: 'anonymous' }, made.body.data, state);
      }
      let ran = 0;
      for (const op of BLINK_APP_OPERATIONS.filter((o) => o.app === app && o.credential !== 'subscription')) {
        const res = await h.gql(op.document, variables(op, state), credentials[op.credential as keyof typeof credentials]);
        const where = `${app} ${op.name} (${op.credential}): ${JSON.stringify(res.body).slice(0, 400)}`;
        assert.equal(res.status, 200, where);
        assert.equal(res.body.errors, undefined, where);
        for (const payload of Object.values(res.body.data ?? {}) as ({ errors?: unknown[] } | null)[]) {
          assert.ok(payload !== null, where);
          if (typeof payload === 'object' && 'errors' in payload) assert.deepEqual(payload.errors, [], where);
        }
        remember(op, res.body.data, state);
        ran++;
      }
      assert.equal(ran, app === 'dashboard' ? 19 : 11);
    });
  }

  test("Pay's subscriptions run over WebSocket without a credential and answer without an error", async () => {
    const made = await h.gql(BLINK_APP_OPERATIONS.find((o) => o.name === 'lnInvoiceCreateOnBehalfOfRecipients')!.document, { input: { recipientWalletId: merchant.btcWalletId, amount: 1_200, memo: 'ws' } });
    const paymentRequest = made.body.data?.lnInvoiceCreateOnBehalfOfRecipient.invoice.paymentRequest as string;
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    const ws = subscriber(`http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`);
    try {
      const vars: Record<string, Record<string, unknown>> = {
        lnInvoicePaymentStatus: { input: { paymentRequest } },
        realtimePriceWs: { currency: 'USD' },
        price: { amount: 1_000, amountCurrencyUnit: 'BTCSAT', priceCurrencyUnit: 'USDCENT' },
      };
      const ops = BLINK_APP_OPERATIONS.filter((o) => o.credential === 'subscription');
      assert.deepEqual(ops.map((o) => o.name).sort(), Object.keys(vars).sort());
      for (const op of ops) {
        const sub = collect(ws.client, op.document, vars[op.name]);
        const first = await sub.nth(1);
        const where = `${op.name}: ${JSON.stringify(first).slice(0, 400)}`;
        assert.equal(first.errors, undefined, where);
        const payload = Object.values(first.data ?? {})[0] as { errors?: unknown[] } | undefined;
        assert.ok(payload, where);
        assert.deepEqual(payload.errors, [], where);
        sub.stop();
      }
    } finally {
      await ws.dispose();
    }
  });

  test('what the dashboard shows after its operations: language, the portal page, the new email, payments', async () => {
    const me = await h.gql(BLINK_APP_OPERATIONS.find((o) => o.app === 'dashboard' && o.name === 'me')!.document, {}, oauth(await h.oauthToken(developer, ['read'])));
    const m = me.body.data?.me;
    assert.equal(m.language, '');
    assert.equal(m.defaultAccount.callbackPortalUrl, `${h.stack.config.urls.portal}/callbacks`);
    assert.deepEqual(m.email, { address: NEW_EMAIL, verified: true });
    assert.equal(m.totpEnabled, false, 'enrolled, then removed by UserTotpDelete');
    assert.deepEqual(m.defaultAccount.wallets.map((w: { balance: number }) => w.balance), [50_000 - 1_000, 5_000 - 100]);
  });
});
