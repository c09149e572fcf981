// Grant budgets through the GraphQL API (issue 15): sends with OAuth tokens of one grant (several tokens,
// and a refreshed one) share its budget; a refused send answers BUDGET_EXCEEDED / SENDING_PAUSED in the
// payload and moves nothing; `authorization { budget }` and `Account.limits { appBudget }` tell the app
// its own grant's budget; API keys and first-party sessions are not budgeted and see null.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createGrantBudgets } from '../../src/wallet/wallet-service.ts';
import type { WalletSpendDetail } from '../../src/shared/wallet-spend/spend-detail.ts';
import { adminApi, createClient, relyingParty, type TestClient } from '../support/clients.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import { authorizationUrl, createBrowser, exchange, leave, oidc, param, runFlow, tokenRequest } from '../support/tokens.ts';
import { apiKey, bearer, oauth, startHarness, type Harness, type TestUser } from './harness.ts';

const SEND = 'mutation($i: IntraLedgerPaymentSendInput!) { intraLedgerPaymentSend(input: $i) { status errors { code message } } }';
const BUDGET_FIELDS = 'clientId currency limit spent remaining period perPaymentMax paused resetsAt';
const AUTHZ = `{ authorization { scopes budget { ${BUDGET_FIELDS} } } }`;
const LIMITS = `{ me { defaultAccount { limits { internalSend { totalLimit } appBudget { ${BUDGET_FIELDS} } } } } }`;
const daily = (amount: number, max: number | null = null): WalletSpendDetail => ({ type: 'wallet_spend', limit: { amount, currency: 'BTC' }, period: 'P1D', per_payment_max: max });

describe('grant budgets through the API', () => {
  let h: Harness;
  let payer: TestUser;
  let payee: TestUser;
  let target: AuthTarget;
  let client: TestClient;
  const tokens: string[] = [];
  let refreshToken: string;

  /** A token of the grant (payer × client) through the whole code flow, with a refresh token. */
  async function grantToken(): Promise<{ access: string; refresh: string }> {
    const rp = await relyingParty(target, client);
    const scope = 'openid offline_access read write';
    const flow = await runFlow(createBrowser(), target, adminApi(target), rp, { subject: payer.userId, scope });
    const t = await exchange(rp, flow);
    return { access: t.access_token, refresh: t.refresh_token! };
  }

  before(async () => {
    h = await startHarness();
    target = { kind: 'lightgate', name: 'Lightgate', ...UNREACHABLE_UI, publicUrl: h.stack.urls.issuer, adminUrl: h.stack.stack.listening.admin!, stop: async () => {} };
    client = await createClient(adminApi(target), { scope: 'openid offline_access read receive write' });
    payer = await h.signUp();
    payee = await h.signUp();
    await h.fund(payer.btcWalletId, 100_000);
    const first = await grantToken();
    const second = await grantToken();
    tokens.push(first.access, second.access);
    refreshToken = first.refresh;
    // What the consent recorded (the auth server calls the same face): 1,000 sats a day, at most 600 a payment.
    await createGrantBudgets(h.stack.database.db).recordGranted({ userId: payer.userId, clientId: client.client_id, budget: daily(1000, 600), ceiling: daily(2000, 600), remembered: false });
  });
  after(() => h?.close());

  const send = (headers: Record<string, string>, amount: number) => h.gql(SEND, { i: { walletId: payer.btcWalletId, recipientWalletId: payee.btcWalletId, amount } }, headers);
  const balance = async () => {
    const { body } = await h.gql('{ me { defaultAccount { wallets { id balance } } } }', {}, bearer(payer.session));
    const data = body.data as { me: { defaultAccount: { wallets: { id: string; balance: number }[] } } };
    return data.me.defaultAccount.wallets.find((w) => w.id === payer.btcWalletId)!.balance;
  };

  test('two tokens and a refreshed one share the grant budget; refusals are payload errors and move nothing', async () => {
    const a = await send(oauth(tokens[0]!), 600);
    assert.deepEqual(a.body.data, { intraLedgerPaymentSend: { status: 'SUCCESS', errors: [] } });
    const before = await balance();
    const overMax = await send(oauth(tokens[1]!), 601);
    const payload = (overMax.body.data as { intraLedgerPaymentSend: { status: string; errors: { code: string }[] } }).intraLedgerPaymentSend;
    assert.equal(payload.status, 'FAILURE');
    assert.equal(payload.errors[0]!.code, 'BUDGET_EXCEEDED');
    const overBudget = await send(oauth(tokens[1]!), 401);
    assert.equal((overBudget.body.data as { intraLedgerPaymentSend: { errors: { code: string }[] } }).intraLedgerPaymentSend.errors[0]!.code, 'BUDGET_EXCEEDED');
    assert.equal(await balance(), before, 'nothing moved');
    // A refreshed token is the same grant: it spends what is left, not a new budget.
    const refreshed = await tokenRequest(target, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const r = await send(oauth(refreshed.body.access_token!), 400);
    assert.deepEqual(r.body.data, { intraLedgerPaymentSend: { status: 'SUCCESS', errors: [] } });
    const none = await send(oauth(refreshed.body.access_token!), 1);
    assert.equal((none.body.data as { intraLedgerPaymentSend: { errors: { code: string }[] } }).intraLedgerPaymentSend.errors[0]!.code, 'BUDGET_EXCEEDED');
  });

  test('authorization { budget } and Account.limits { appBudget } tell the app its grant budget', async () => {
    const authz = await h.gql(AUTHZ, {}, oauth(tokens[1]!));
    const budget = (authz.body.data as { authorization: { scopes: string[]; budget: Record<string, unknown> } }).authorization.budget;
    const resets = new Date();
    resets.setUTCHours(24, 0, 0, 0);
    assert.deepEqual(budget, { clientId: client.client_id, currency: 'BTC', limit: 1000, spent: 1000, remaining: 0, period: 'P1D', perPaymentMax: 600, paused: false, resetsAt: resets.getTime() / 1000 });
    const limits = await h.gql(LIMITS, {}, oauth(tokens[0]!));
    const account = (limits.body.data as { me: { defaultAccount: { limits: { appBudget: Record<string, unknown> } } } }).me.defaultAccount;
    assert.equal(account.limits.appBudget.spent, 1000);
    assert.equal(account.limits.appBudget.remaining, 0);
  });

  test('paused: SENDING_PAUSED; an API key and a session are not budgeted and see no budget', async () => {
    const budgets = createGrantBudgets(h.stack.database.db);
    assert.ok((await budgets.changeBudget(payer.userId, client.client_id, { amount: 2000, paused: true })).ok);
    const paused = await send(oauth(tokens[0]!), 1);
    assert.equal((paused.body.data as { intraLedgerPaymentSend: { errors: { code: string }[] } }).intraLedgerPaymentSend.errors[0]!.code, 'SENDING_PAUSED');
    assert.equal(((await h.gql(AUTHZ, {}, oauth(tokens[0]!))).body.data as { authorization: { budget: { paused: boolean } } }).authorization.budget.paused, true);
    const created = await h.gql('mutation($i: ApiKeyCreateInput!) { apiKeyCreate(input: $i) { apiKey { id } apiKeySecret } }', { i: { name: 'budget-test', scopes: ['READ', 'WRITE'] } }, bearer(payer.session));
    const secret = (created.body.data as { apiKeyCreate: { apiKeySecret: string } }).apiKeyCreate.apiKeySecret;
    const byKey = await send(apiKey(secret), 5000);
    assert.deepEqual(byKey.body.data, { intraLedgerPaymentSend: { status: 'SUCCESS', errors: [] } });
    const bySession = await send(bearer(payer.session), 5000);
    assert.deepEqual(bySession.body.data, { intraLedgerPaymentSend: { status: 'SUCCESS', errors: [] } });
    for (const headers of [apiKey(secret), bearer(payer.session)]) {
      const authz = await h.gql(AUTHZ, {}, headers);
      assert.equal((authz.body.data as { authorization: { budget: unknown } }).authorization.budget, null);
      const limits = await h.gql(LIMITS, {}, headers);
      assert.equal((limits.body.data as { me: { defaultAccount: { limits: { appBudget: unknown } } } }).me.defaultAccount.limits.appBudget, null);
    }
    assert.equal((await budgets.budgetOf(payer.userId, client.client_id))?.spent, 1000, 'their sends were not charged to the app');
  });

  test('through the real consent: the app asks 2,000 a day, the person lowers it to 300, the ledger enforces 300', async () => {
    const app = await createClient(adminApi(target), { scope: 'openid offline_access read write' });
    const rp = await relyingParty(target, app);
    const auth = await authorizationUrl(rp, 'openid read write', { authorization_details: JSON.stringify([daily(2000, 500)]) });
    const browser = createBrowser();
    const atLogin = await leave(browser, target, auth.url);
    const login = await adminApi(target).acceptOAuth2LoginRequest({ loginChallenge: param(atLogin, 'login_challenge'), acceptOAuth2LoginRequest: { subject: payer.userId } });
    const atConsent = await leave(browser, target, login.data.redirect_to);
    const accept = { grant_scope: ['openid', 'read', 'write'], grant_authorization_details: [daily(300, 200)] };
    const consent = await adminApi(target).acceptOAuth2ConsentRequest({ consentChallenge: param(atConsent, 'consent_challenge'), acceptOAuth2ConsentRequest: accept as never });
    const callback = await leave(browser, target, consent.data.redirect_to);
    const token = (await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: auth.codeVerifier, expectedState: auth.state, expectedNonce: auth.nonce })).access_token;
    const authz = await h.gql(AUTHZ, {}, oauth(token));
    const budget = (authz.body.data as { authorization: { budget: Record<string, unknown> } }).authorization.budget;
    assert.deepEqual([budget.limit, budget.perPaymentMax, budget.spent, budget.clientId], [300, 200, 0, app.client_id]);
    const code = async (amount: number) => ((await send(oauth(token), amount)).body.data as { intraLedgerPaymentSend: { status: string; errors: { code: string }[] } }).intraLedgerPaymentSend;
    assert.equal((await code(201)).errors[0]?.code, 'BUDGET_EXCEEDED', 'above the lowered per-payment maximum');
    assert.equal((await code(200)).status, 'SUCCESS');
    assert.equal((await code(100)).status, 'SUCCESS');
    assert.equal((await code(1)).errors[0]?.code, 'BUDGET_EXCEEDED', 'the lowered budget is spent');
  });

  test('another app of the same user has its own grant: the first app cannot see or spend it', async () => {
    const budgets = createGrantBudgets(h.stack.database.db);
    await budgets.changeBudget(payer.userId, client.client_id, { paused: false });
    const other = await h.oauthToken(payer, ['read', 'write']);
    await budgets.recordGranted({ userId: payer.userId, clientId: h.oauthClientId(), budget: daily(50), ceiling: daily(50), remembered: false });
    const authz = await h.gql(AUTHZ, {}, oauth(other));
    assert.equal((authz.body.data as { authorization: { budget: { clientId: string; limit: number } } }).authorization.budget.clientId, h.oauthClientId());
    assert.equal((await send(oauth(other), 50)).body.data && true, true);
    const after = await send(oauth(other), 1);
    assert.equal((after.body.data as { intraLedgerPaymentSend: { errors: { code: string }[] } }).intraLedgerPaymentSend.errors[0]!.code, 'BUDGET_EXCEEDED');
    assert.equal((await budgets.budgetOf(payer.userId, client.client_id))?.spent, 1000, "the first app's spend is its own");
  });
});
