// A whole Lightgate stack (auth, wallet API, login UI) on free ports for the SDK and example tests, with helpers
// to register clients, sign users up (email code from the outbox), fund wallets, and play the login & consent
// app through the Hydra port when a test is about the relying party rather than the pages.
import assert from 'node:assert/strict';
import type { OAuth2Client } from '../../src/hydra-port/types.ts';
import type { AccountId } from '../../src/shared/brand.ts';
import { updateUsername } from '../../src/wallet/app/update-username.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { graphql, type GqlAnswer } from '../support/graphql.ts';
import { createBrowser } from '../support/http-browser.ts';
import { leave, param } from '../support/tokens.ts';
import { lastCode, signUpWithWallets, uniqueEmail, type TestUser } from '../support/users.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

export type { TestUser };

export interface StackHarness {
  stack: TestStack;
  issuer: string;
  graphqlUrl: string;
  createClient(over?: Partial<OAuth2Client>): Promise<OAuth2Client>;
  signUp(email?: string): Promise<TestUser>;
  setUsername(user: TestUser, username: string): Promise<void>;
  /** A user who signed up through the pages: ids from the database. */
  accountOf(email: string): Promise<{ userId: string; accountId: string; btcWalletId: string; usdWalletId: string }>;
  /** userUpdateUsername as the wallet app would do it, for a user the test holds no session for. */
  setUsernameOf(account: { accountId: string }, username: string): Promise<void>;
  fund(walletId: string, amount: number): Promise<void>;
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlAnswer>;
  /**
   * Follows an authorization URL as a browser would and answers the login and consent requests through the
   * Hydra port (as the login & consent app does), signed in as `userId`. Returns the URL the browser is sent to.
   */
  approve(url: URL | string, userId: string, options?: { grantScope?: string[]; denyConsent?: boolean }): Promise<URL>;
  close(): Promise<void>;
}

export async function startStackHarness(options: { env?: Record<string, string> } = {}): Promise<StackHarness> {
  const stack = await startTestStack({ env: { LIGHTGATE_SERVICES: 'auth,api,ui', ...options.env } });
  const hydra = stack.stack.hydra!;
  const identity = stack.stack.identity!;
  const issuer = stack.urls.issuer;
  const graphqlUrl = `${stack.stack.listening.api}/graphql`;

  const gql: StackHarness['gql'] = (query, variables = {}, headers = {}) => graphql(stack.stack.listening.api!, headers, query, variables);

  return {
    stack,
    issuer,
    graphqlUrl,
    async createClient(over = {}) {
      const created = await hydra.createClient({
        client_name: 'SDK test app',
        redirect_uris: ['http://127.0.0.1:9/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid offline_access read receive write',
        token_endpoint_auth_method: 'client_secret_basic',
        ...over,
      });
      assert.ok(created.ok, `client created: ${JSON.stringify(created)}`);
      return created.value;
    },
    signUp: (email = uniqueEmail()) => signUpWithWallets(identity, stack.database.db, email, (to) => lastCode(stack.dataDir, to)),
    async setUsername(user, username) {
      const res = await gql('mutation($input: UserUpdateUsernameInput!) { userUpdateUsername(input: $input) { errors { message } user { username } } }', { input: { username } }, { authorization: `Bearer ${user.session}` });
      assert.equal(res.body.data?.userUpdateUsername?.user?.username, username, JSON.stringify(res.body));
    },
    async accountOf(email) {
      const rows = await stack.database.db.query<{ user_id: string; account_id: string; wallet_id: string; currency: string }>(
        `SELECT u.id AS user_id, a.id AS account_id, w.id AS wallet_id, w.currency
           FROM users u JOIN wallet_accounts a ON a.user_id = u.id JOIN wallets w ON w.account_id = a.id WHERE u.email = $1`,
        [email.toLowerCase()],
      );
      assert.ok(rows.length > 0, `no account for ${email}`);
      return {
        userId: rows[0]!.user_id,
        accountId: rows[0]!.account_id,
        btcWalletId: rows.find((r) => r.currency === 'BTC')!.wallet_id,
        usdWalletId: rows.find((r) => r.currency === 'USD')!.wallet_id,
      };
    },
    async setUsernameOf(account, username) {
      const updated = await updateUsername(stack.database.db, account.accountId as AccountId, username);
      assert.ok(updated.ok, JSON.stringify(updated));
    },
    async fund(walletId, amount) {
      const funded = await fundWallet(stack.database.db, { walletId, amount });
      assert.ok(funded.ok, JSON.stringify(funded));
    },
    gql,
    async approve(url, userId, { grantScope, denyConsent } = {}) {
      const browser = createBrowser();
      const away = (to: string | URL) => leave(browser, { publicUrl: issuer }, to);
      const atLogin = await away(url);
      if (!atLogin.searchParams.has('login_challenge')) return atLogin; // an error sent straight back to the client
      const login = await hydra.acceptLoginRequest(param(atLogin, 'login_challenge'), { subject: userId });
      assert.ok(login.ok, JSON.stringify(login));
      const atConsent = await away(login.value.redirect_to);
      const challenge = param(atConsent, 'consent_challenge');
      if (denyConsent) {
        const rejected = await hydra.rejectConsentRequest(challenge, { error: 'access_denied', error_description: 'The person declined' });
        assert.ok(rejected.ok, JSON.stringify(rejected));
        return away(rejected.value.redirect_to);
      }
      const request = await hydra.getConsentRequest(challenge);
      assert.ok(request.ok);
      const consent = await hydra.acceptConsentRequest(challenge, { grant_scope: grantScope ?? request.value.requested_scope });
      assert.ok(consent.ok, JSON.stringify(consent));
      return away(consent.value.redirect_to);
    },
    close: () => stack.close(),
  };
}
