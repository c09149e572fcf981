// bench/ab-trees.ts copies this into each exported tree (it uses only what older trees also have): a
// PostgreSQL database, 200 funded accounts with API keys, one `lightgate start` (api). Prints one JSON line
// {api, pid, db, accounts} and stays up until its stdin closes.
import { migrate } from '../src/db/migrate.ts';
import { openPostgres } from '../src/db/postgres.ts';
import type { UserId } from '../src/shared/brand.ts';
import { fundWallet } from '../src/wallet/app/fund-wallet.ts';
import { createApiKey } from '../src/api-keys/app/create-api-key.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';
import { startLightgate } from '../test/production/support/lightgate-process.ts';
import { newAccount } from '../test/wallet/helpers.ts';
const SCOPES = await import('../src/api/scopes.ts').catch(() => import('../src/api-keys/domain/scopes.ts' as string));
const database = await createPostgresDatabase();
const db = await openPostgres(database.url, 5);
await migrate(db);
const accounts = [];
for (let i = 0; i < 200; i++) {
  const a = await newAccount(db);
  const f = await fundWallet(db, { walletId: a.btc, amount: 100_000_000 });
  if (!f.ok) throw new Error('fund');
  const key = await createApiKey(db, { userId: a.userId as UserId, name: 'ab', scopes: ['read', 'write'], callerScopes: new Set(SCOPES.ALL_SCOPES) } as never);
  if (!key.ok) throw new Error('key');
  accounts.push({ btc: a.btc, apiKey: key.value.secret });
}
const env = { DATABASE_URL: database.url, LIGHTGATE_SERVICES: 'api', LOG_LEVEL: 'warn', RATE_LIMIT_IP: '100000000', RATE_LIMIT_CLIENT: '100000000', DATABASE_POOL_SIZE: '20' };
const p = await startLightgate({ env: process.env.AB_PROF ? { ...env, NODE_OPTIONS: '--cpu-prof --cpu-prof-dir=' + process.env.AB_PROF + '/' + process.cwd().split('/').pop() } : env });
console.log(JSON.stringify({ api: p.urls.api, pid: p.child.pid, db: database.url, accounts }));
process.stdin.resume();
process.stdin.on('end', async () => { await p.stop(); await db.close(); await database.drop(); process.exit(0); });
