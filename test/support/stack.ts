// A whole Lightgate stack for tests: fresh database (PGlite in memory or a new PostgreSQL database),
// free ports, real HTTP. `env` overrides any configuration variable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { startStack, type Stack } from '../../src/main/stack.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.ts';
import { freePort } from './ports.ts';

export { freePort };

/**
 * The environment of a whole stack on free loopback ports (auth public and admin, UI, portal, API), with the
 * URLs the services give each other. Every test starter (in process or `lightgate start` children) uses it.
 */
export async function loopbackEnv(dataDir: string): Promise<Record<string, string>> {
  const [pub, admin, ui, portal, api] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  return {
    LIGHTGATE_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    SERVE_PUBLIC_HOST: '127.0.0.1',
    SERVE_PUBLIC_PORT: String(pub),
    SERVE_ADMIN_PORT: String(admin),
    UI_HOST: '127.0.0.1',
    UI_PORT: String(ui),
    PORTAL_HOST: '127.0.0.1',
    PORTAL_PORT: String(portal),
    API_HOST: '127.0.0.1',
    API_PORT: String(api),
    URLS_SELF_ISSUER: `http://127.0.0.1:${pub}`,
    URLS_UI: `http://127.0.0.1:${ui}`,
    URLS_PORTAL: `http://127.0.0.1:${portal}`,
    URLS_API: `http://127.0.0.1:${api}`,
  };
}

export interface TestStack {
  stack: Stack;
  config: Config;
  database: TestDatabase;
  dataDir: string;
  urls: { issuer: string; admin: string; ui: string; portal: string; api: string };
  close(): Promise<void>;
}

export async function startTestStack(options: { kind?: DatabaseKind; env?: Record<string, string> } = {}): Promise<TestStack> {
  const database = await createTestDatabase(options.kind ?? 'pglite');
  const dataDir = mkdtempSync(join(tmpdir(), 'lightgate-test-'));
  let config: Config;
  let stack: Stack;
  // A port found free can still be taken before the server listens (another test process): new ports, twice more.
  for (let attempt = 1; ; attempt++) {
    config = loadConfig({
      ...(await loopbackEnv(dataDir)),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      ...options.env,
    });
    try {
      stack = await startStack(config, { db: database.db, logger: createLogger(config.logLevel) });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 3) {
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  return {
    stack,
    config,
    database,
    dataDir,
    urls: { issuer: config.urls.issuer, admin: config.urls.admin, ui: config.urls.ui, portal: config.urls.portal, api: config.urls.api },
    async close() {
      await stack.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
