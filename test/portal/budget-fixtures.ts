// Setup for the connected apps' budgets tests (issue 15): a person with a funded wallet, an app (OAuth client with
// `write`) that asked for a budget (RFC 9396 authorization_details) and was granted one through the real code flow
// and consent (the auth server records it with the wallet), and sends made through the wallet API with its token.
import assert from 'node:assert/strict';
import { fundWallet } from '../../src/wallet/wallet-service.ts';
import type { GrantBudgets } from '../../src/shared/wallet-spend/grant-budgets.ts';
import type { WalletSpendDetail } from '../../src/shared/wallet-spend/spend-detail.ts';
import { adminApi, createClient, relyingParty, type TestClient } from '../support/clients.ts';
import type { AuthTarget } from '../support/auth-target.ts';
import { graphql } from '../support/graphql.ts';
import { authorizationUrl, createBrowser, leave, oidc, param } from '../support/tokens.ts';
import { walletIdsOf } from '../support/users.ts';
import type { PortalHarness } from './harness.ts';

export const perDay = (amount: number, perPayment: number | null = null): WalletSpendDetail => ({ type: 'wallet_spend', limit: { amount, currency: 'BTC' }, period: 'P1D', per_payment_max: perPayment });

export interface GrantedApp {
  userId: string;
  client: TestClient;
  token: string;
  btcWalletId: string;
}

/** The wallet's face the stack gives its portal. */
export const budgetsOf = (h: PortalHarness): GrantBudgets => h.t.stack.budgets;

/** `email` signs in, gets 100,000 sats, grants a new app `read write` with `budget` (raisable up to `ceiling`). */
export async function grantedApp(h: PortalHarness, email: string, name: string, budget: WalletSpendDetail, ceiling: WalletSpendDetail | null): Promise<GrantedApp> {
  return grantedAppOf(h, await h.user(email), name, budget, ceiling);
}

/** The same for a person already signed up (`userId`), e.g. one who signs in by phone. */
export async function grantedAppOf(h: PortalHarness, userId: string, name: string, budget: WalletSpendDetail, ceiling: WalletSpendDetail | null): Promise<GrantedApp> {
  const { btcWalletId } = await walletIdsOf(h.t.stack.db, userId);
  const funded = await fundWallet(h.t.stack.db, { walletId: btcWalletId, amount: 100_000 });
  assert.ok(funded.ok);
  const { login, consent, logout } = h.t.config.urls;
  const target: AuthTarget = { kind: 'lightgate', name: 'Lightgate', loginUrl: login, consentUrl: consent, logoutUrl: logout, publicUrl: h.t.urls.issuer, adminUrl: h.t.stack.listening.admin!, stop: async () => {} };
  const admin = adminApi(target);
  const client = await createClient(admin, { client_name: name, scope: 'openid offline_access read write' });
  const token = await grantThroughConsent(target, admin, client, userId, ceiling ?? budget, budget);
  return { userId, client, token, btcWalletId };
}

/**
 * The app asks for `asked` (RFC 9396 authorization_details) with `read write`; the login & consent app's part is
 * played on the admin API (Hydra's accept calls) and grants `granted`, which the auth server records as the grant's
 * budget (its ceiling: what the app asked). The access token of the code flow.
 */
async function grantThroughConsent(target: AuthTarget, admin: ReturnType<typeof adminApi>, client: TestClient, userId: string, asked: WalletSpendDetail, granted: WalletSpendDetail): Promise<string> {
  const rp = await relyingParty(target, client);
  const auth = await authorizationUrl(rp, 'openid read write', { authorization_details: JSON.stringify([asked]) });
  const browser = createBrowser();
  const atLogin = await leave(browser, target, auth.url);
  const login = await admin.acceptOAuth2LoginRequest({ loginChallenge: param(atLogin, 'login_challenge'), acceptOAuth2LoginRequest: { subject: userId } });
  const atConsent = await leave(browser, target, login.data.redirect_to);
  const accept = { grant_scope: ['openid', 'read', 'write'], grant_authorization_details: [granted] };
  const consent = await admin.acceptOAuth2ConsentRequest({ consentChallenge: param(atConsent, 'consent_challenge'), acceptOAuth2ConsentRequest: accept as never });
  const callback = await leave(browser, target, consent.data.redirect_to);
  const tokens = await oidc.authorizationCodeGrant(rp, callback, { pkceCodeVerifier: auth.codeVerifier, expectedState: auth.state, expectedNonce: auth.nonce });
  return tokens.access_token;
}

/** An intraledger send with the app's token; the payload's status and first error code. */
export async function send(h: PortalHarness, app: GrantedApp, to: string, amount: number): Promise<{ status: string; code: string | undefined }> {
  const answer = await graphql(
    h.t.urls.api,
    { 'oauth2-token': app.token },
    'mutation($w: WalletId!, $r: WalletId!, $a: SatAmount!) { intraLedgerPaymentSend(input: { walletId: $w, recipientWalletId: $r, amount: $a }) { status errors { code } } }',
    { w: app.btcWalletId, r: to, a: amount },
  );
  const payload = answer.body.data?.intraLedgerPaymentSend;
  assert.ok(payload, JSON.stringify(answer.body));
  return { status: payload.status, code: payload.errors?.[0]?.code };
}

/** The identity module lets one code per address and requester each 30 s: move that window back. */
export const letTimePassForResend = (h: PortalHarness) => h.t.stack.db.query("UPDATE rate_limits SET window_start = window_start - interval '1 minute' WHERE key LIKE 'identity:code-resend:%'");
