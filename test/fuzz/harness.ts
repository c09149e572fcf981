// The servers under fuzz, built in-process on one fresh PGlite database and driven with inject():
// public (oidc-provider), admin, API (GraphQL and /auth/*) and the login & consent app. A registered
// client, a user with a session and an API key, and live challenges seed the generators.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApiServer } from '../../src/api/server.ts';
import { buildAdminServer } from '../../src/auth/http/admin-server.ts';
import { buildPublicServer } from '../../src/auth/http/public-server.ts';
import { createAuthServer, type AuthServer } from '../../src/auth/oidc/auth-server.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { Database } from '../../src/db/database.ts';
import { createIdentityService } from '../../src/identity/identity-service.ts';
import type { OutgoingMessage } from '../../src/identity/services/message-sender.ts';
import { buildLoginUiServer } from '../../src/login-ui/server.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createAccountForUser } from '../../src/wallet/app/create-account.ts';
import { createTestDatabase } from '../support/databases.ts';
import { csrfToken } from '../support/forms.ts';

export const CALLBACK = 'http://127.0.0.1:9/cb';
export const ISSUER = 'http://127.0.0.1:4444';

export interface FuzzTarget {
  db: Database;
  public: FastifyInstance;
  admin: FastifyInstance;
  api: FastifyInstance;
  ui: FastifyInstance;
  client: { client_id: string; client_secret: string };
  session: string;
  apiKey: string;
  walletIds: string[];
  /** A valid CSRF cookie and form token of the login app. */
  csrf: { cookie: string; token: string };
  /** Challenges, codes and tokens that were real at set-up (most are spent or stale by the time they are used). */
  live: string[];
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lightgate-fuzz-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LIGHTGATE_DATA_DIR: dataDir,
    URLS_SELF_ISSUER: ISSUER,
    URLS_UI: 'http://127.0.0.1:3000',
    SECRETS_SYSTEM: 'fuzz-system-secret-0123456789abcdefghijklmn',
    SECRETS_COOKIE: 'fuzz-cookie-secret-0123456789abcdefghijklmn',
    // Generated input may hit the limits too; here they would only turn every case into a 429.
    RATE_LIMIT_IP: '0',
    RATE_LIMIT_CLIENT: '0',
    CLIENT_AUTH_MAX_FAILURES: '1000000',
  });
  const database = await createTestDatabase('pglite');
  const db = database.db;
  const logger = createLogger('silent');
  const auth: AuthServer = await createAuthServer({ config, db, logger });
  const codes = new Map<string, string>();
  const identity = createIdentityService({
    db,
    config,
    logger,
    onUserCreated: createAccountForUser,
    sender: { send: async (m: OutgoingMessage) => void codes.set(m.to, m.code) },
    throttle: { resendLimit: 1_000_000 },
  });
  const publicApp = buildPublicServer({ auth, db, logger });
  const adminApp = buildAdminServer({ hydra: auth.hydra, db, logger });
  const api = await buildApiServer({ config, db, hydra: auth.hydra, identity, logger });
  const ui = buildLoginUiServer({ config, hydra: auth.hydra, identity, logger, db });
  await Promise.all([publicApp.ready(), adminApp.ready(), api.ready(), ui.ready()]);

  const created = await auth.hydra.createClient({
    client_name: 'fuzz app',
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    scope: 'openid offline_access read write',
    token_endpoint_auth_method: 'client_secret_basic',
  });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const client = { client_id: created.value.client_id!, client_secret: created.value.client_secret! };

  const sent = await identity.requestEmailCode({ email: 'fuzz@example.com' });
  if (!sent.ok) throw new Error(JSON.stringify(sent.error));
  const login = await identity.loginWithEmail({ emailLoginId: sent.value.emailLoginId, code: codes.get('fuzz@example.com')! });
  if (!login.ok) throw new Error(JSON.stringify(login.error));
  const session = login.value.authToken;
  const key = await api.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${session}` }, payload: { query: 'mutation { apiKeyCreate(input: { name: "fuzz", scopes: [READ, WRITE] }) { apiKeySecret } }' } });
  const apiKey = (key.json() as { data: { apiKeyCreate: { apiKeySecret: string } } }).data.apiKeyCreate.apiKeySecret;
  const wallets = await api.inject({ method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${session}` }, payload: { query: '{ me { defaultAccount { wallets { id } } } }' } });
  const walletIds = (wallets.json() as { data: { me: { defaultAccount: { wallets: { id: string }[] } } } }).data.me.defaultAccount.wallets.map((w) => w.id);

  // A few live login challenges, to reach the login app's and admin API's paths past "unknown challenge".
  const live: string[] = [sent.value.emailLoginId];
  for (let i = 0; i < 3; i++) {
    const r = await publicApp.inject({ method: 'GET', url: `/oauth2/auth?${new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: CALLBACK, scope: 'openid read', state: `s${i}xxxxxxxx`, nonce: `n${i}xxxxxxxx` })}` });
    const challenge = URL.parse(String(r.headers.location ?? ''), ISSUER)?.searchParams.get('login_challenge');
    if (challenge) live.push(challenge);
  }

  // A CSRF cookie and its form token from the login app, so that generated forms get past CSRF checks.
  const page = await ui.inject({ method: 'GET', url: `/login?login_challenge=${encodeURIComponent(live[1] ?? 'x')}` });
  const setCookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []);
  const csrfCookie = setCookie.map((c) => c.split(';')[0]!).filter((c) => c.includes('csrf')).join('; ');

  return {
    csrf: { cookie: csrfCookie, token: csrfToken(page.body) ?? '' },
    db,
    public: publicApp,
    admin: adminApp,
    api,
    ui,
    client,
    session,
    apiKey,
    walletIds,
    live,
    async close() {
      await Promise.allSettled([publicApp.close(), adminApp.close(), api.close(), ui.close()]);
      await auth.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export class HangError extends Error {
  override name = 'HangError';
}

/** Answers by status since the last reset: shows which paths the generated input reaches. */
export const statusCounts = new Map<number, number>();

/** inject() that fails instead of hanging. */
export async function send(app: FastifyInstance, options: InjectOptions, timeoutMs = 10_000): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const res = await Promise.race([
      app.inject(options),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HangError(`no answer within ${timeoutMs} ms: ${options.method} ${String(options.url).slice(0, 200)}`)), timeoutMs);
      }),
    ]);
    statusCounts.set(res.statusCode, (statusCounts.get(res.statusCode) ?? 0) + 1);
    return res;
  } finally {
    clearTimeout(timer);
  }
}
