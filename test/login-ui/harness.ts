// A real Lightgate authorization server (test stack, auth service only), the login & consent app
// built on the HydraAdmin port (in-process or HTTP to the admin API), a relying party using
// openid-client, and a callback server that records where the browser landed.
import type * as oidc from 'openid-client';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { createHttpHydraAdmin } from '../../src/hydra-port/http-adapter.ts';
import type { HydraAdmin } from '../../src/hydra-port/port.ts';
import type { OAuth2Client } from '../../src/hydra-port/types.ts';
import { createIdentityService, type IdentityService } from '../../src/identity/identity-service.ts';
import { buildLoginUiServer } from '../../src/login-ui/server.ts';
import { launchBrowser, screenshots, startCallbackServer } from '../support/browser.ts';
import { relyingParty } from '../support/clients.ts';
import type { DatabaseKind } from '../support/databases.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { authorizationUrl } from '../support/tokens.ts';
import { lastCode } from '../support/users.ts';

export type AdapterKind = 'in-process' | 'http';

export interface Harness {
  stack: TestStack;
  hydra: HydraAdmin;
  identity: IdentityService;
  ui: FastifyInstance;
  uiUrl: string;
  callbackUrl: string;
  /** Every URL the callback server was asked for. */
  callbacks: URL[];
  browser: Browser;
  createClient(over?: Partial<OAuth2Client>): Promise<OAuth2Client & { client_secret: string }>;
  relyingParty(client: OAuth2Client & { client_secret: string }): Promise<oidc.Configuration>;
  authorize(rp: oidc.Configuration, scope: string): Promise<{ url: URL; state: string; verifier: string; nonce: string }>;
  code(to: string): string;
  close(): Promise<void>;
}

export async function startHarness(adapter: AdapterKind, kind: DatabaseKind = 'pglite'): Promise<Harness> {
  const stack = await startTestStack({ kind, env: { LIGHTGATE_SERVICES: 'auth' } });
  const inProcess = stack.stack.hydra;
  if (!inProcess) throw new Error('the test stack has no authorization server');
  const hydra: HydraAdmin = adapter === 'http' ? createHttpHydraAdmin(stack.stack.listening.admin ?? stack.urls.admin) : inProcess;
  // The resend throttle is tested on its own; here one person signs in several times in a row.
  const identity = createIdentityService({ db: stack.database.db, config: stack.config, onUserCreated: async () => {}, throttle: { resendLimit: 50 } });
  const ui = buildLoginUiServer({ config: stack.config, hydra, identity, price: async () => stack.config.priceBtcUsdCents });
  await ui.listen({ host: '127.0.0.1', port: stack.config.listen.ui.port });

  const callbackServer = await startCallbackServer();
  const callbackUrl = callbackServer.url;
  const browser = await launchBrowser();

  return {
    stack,
    hydra,
    identity,
    ui,
    uiUrl: stack.urls.ui,
    callbackUrl,
    callbacks: callbackServer.calls,
    browser,
    async createClient(over = {}) {
      const created = await inProcess.createClient({
        client_name: 'Satoshi Savings',
        redirect_uris: [callbackUrl],
        post_logout_redirect_uris: [`${callbackUrl.replace('/callback', '/bye')}`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid offline_access read receive write',
        token_endpoint_auth_method: 'client_secret_basic',
        client_uri: 'https://savings.example',
        policy_uri: 'https://savings.example/privacy',
        tos_uri: 'https://savings.example/terms',
        ...over,
      });
      if (!created.ok || !created.value.client_secret) throw new Error(`client not created: ${JSON.stringify(created)}`);
      return created.value as OAuth2Client & { client_secret: string };
    },
    relyingParty: (client) => relyingParty({ publicUrl: stack.urls.issuer }, client),
    async authorize(rp, scope) {
      const a = await authorizationUrl(rp, scope, { redirect_uri: callbackUrl });
      return { url: a.url, state: a.state, verifier: a.codeVerifier, nonce: a.nonce };
    },
    code: (to) => lastCode(stack.dataDir, to),
    async close() {
      await browser.close();
      await callbackServer.close();
      await ui.close();
      await stack.close();
    },
  };
}

/** Screenshot into test-artifacts/login-ui/<name>.png. */
export const shot = screenshots('login-ui');
