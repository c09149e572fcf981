// A real auth server (LIGHTGATE_SERVICES=auth, the login and consent UI unreachable) on a fresh test
// database whose Database port the caller wraps: issue 18's round-trip tests count the statements there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import type { Database } from '../../src/db/database.ts';
import { startStack, type Stack } from '../../src/main/stack.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { UNREACHABLE_UI, type AuthTarget } from './auth-target.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';
import { loopbackEnv } from './stack.ts';

export interface WrappedAuthStack {
  database: TestDatabase;
  stack: Stack;
  target: AuthTarget;
  close(): Promise<void>;
}

export async function startWrappedAuthStack(kind: DatabaseKind, wrap: (db: Database) => Database): Promise<WrappedAuthStack> {
  const database = await createTestDatabase(kind);
  const dataDir = mkdtempSync(join(tmpdir(), 'lightgate-test-'));
  const config = loadConfig({
    ...(await loopbackEnv(dataDir)),
    LOG_LEVEL: 'silent',
    LIGHTGATE_SERVICES: 'auth',
    URLS_LOGIN: UNREACHABLE_UI.loginUrl,
    URLS_CONSENT: UNREACHABLE_UI.consentUrl,
    URLS_LOGOUT: UNREACHABLE_UI.logoutUrl,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
  });
  const stack = await startStack(config, { db: wrap(database.db), logger: createLogger('silent') });
  const target: AuthTarget = { kind: 'lightgate', name: 'Lightgate', ...UNREACHABLE_UI, publicUrl: config.urls.issuer, adminUrl: stack.listening.admin!, stop: async () => {} };
  return {
    database,
    stack,
    target,
    async close() {
      await stack.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
