// The wallet API under test: the real auth server (in-process, from the test stack) for OAuth tokens,
// the real identity service for users and session tokens, and buildApiServer on the same database.
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server.ts';
import { createIdentityService, type IdentityService } from '../../src/identity/identity-service.ts';
import type { MessageSender, OutgoingMessage } from '../../src/identity/services/message-sender.ts';
import { createAccountForUser } from '../../src/wallet/app/create-account.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import type { WalletDeps } from '../../src/wallet/wallet-service.ts';
import { adminApi, createClient } from '../support/clients.ts';
import { clientCredentialsToken, userAccessToken } from '../support/tokens.ts';
import { UNREACHABLE_UI, type AuthTarget } from '../support/auth-target.ts';
import type { DatabaseKind } from '../support/databases.ts';
import type { GqlBody } from '../support/graphql.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { signUpWithWallets, uniqueEmail, type TestUser } from '../support/users.ts';

export type { TestUser };

export interface Harness {
  stack: TestStack;
  app: FastifyInstance;
  identity: IdentityService;
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: GqlBody }>;
  signUp(email?: string): Promise<TestUser>;
  /** The last one-time code the identity service sent to this address. */
  lastCode(to: string): string | undefined;
  /** The last message sent to this address (subject and text included). */
  lastMessage(to: string): OutgoingMessage | undefined;
  fund(walletId: string, amount: number): Promise<void>;
  /** A real access token from the auth server for this user, with exactly these granted scopes. */
  oauthToken(user: TestUser, scopes: string[]): Promise<string>;
  /** A client_credentials access token (sub = the client, no user). */
  clientCredentialsToken(scope: string): Promise<string>;
  /** The OAuth client that oauthToken() uses (created on first use). */
  oauthClientId(): string;
  close(): Promise<void>;
}

export async function startHarness(options: { kind?: DatabaseKind; env?: Record<string, string>; wallet?: Partial<WalletDeps> } = {}): Promise<Harness> {
  const stack = await startTestStack({
    kind: options.kind ?? 'pglite',
    env: { LIGHTGATE_SERVICES: 'auth', URLS_LOGIN: UNREACHABLE_UI.loginUrl, URLS_CONSENT: UNREACHABLE_UI.consentUrl, URLS_LOGOUT: UNREACHABLE_UI.logoutUrl, ...options.env },
  });
  const { config } = stack;
  const db = stack.database.db;
  const codes = new Map<string, string>();
  const messages = new Map<string, OutgoingMessage>();
  const sender: MessageSender = {
    async send(message: OutgoingMessage) {
      codes.set(message.to, message.code);
      messages.set(message.to, message);
    },
  };
  const identity = createIdentityService({ db, config, sender, onUserCreated: createAccountForUser });
  const app = await buildApiServer({ config, db, hydra: stack.stack.hydra!, identity, ...(options.wallet ? { wallet: options.wallet } : {}) });
  await app.ready();

  const target: AuthTarget = {
    kind: 'lightgate',
    name: 'Lightgate',
    ...UNREACHABLE_UI,
    publicUrl: stack.urls.issuer,
    adminUrl: stack.stack.listening.admin!,
    stop: async () => {},
  };
  const admin = adminApi(target);
  let client: Awaited<ReturnType<typeof createClient>> | undefined;

  const gql: Harness['gql'] = async (query, variables, headers = {}) => {
    const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables }, headers });
    return { status: res.statusCode, body: res.json() as GqlBody };
  };

  return {
    stack,
    app,
    identity,
    gql,
    signUp: (email = uniqueEmail()) => signUpWithWallets(identity, db, email, (to) => codes.get(to)),
    lastCode: (to) => codes.get(to),
    lastMessage: (to) => messages.get(to),
    async fund(walletId, amount) {
      const funded = await fundWallet(db, { walletId, amount });
      assert.ok(funded.ok, JSON.stringify(funded));
    },
    async oauthToken(user, scopes) {
      client ??= await createClient(admin, { scope: 'openid offline_access read receive write' });
      return userAccessToken(target, admin, client, user.userId, scopes);
    },
    clientCredentialsToken: (scope) => clientCredentialsToken(target, admin, scope),
    oauthClientId() {
      assert.ok(client, 'call oauthToken() first');
      return client.client_id;
    },
    async close() {
      await app.close();
      await stack.close();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const oauth = (token: string) => ({ 'oauth2-token': token });
export const apiKey = (key: string) => ({ 'x-api-key': key });
