// Durable, at least once, one attempt at a time (issue 14), with real `lightgate start` processes on one
// PostgreSQL database (a cluster of the test's own, so that it can be stopped): the delivering process
// killed with SIGKILL in the middle of a burst and started again delivers every event (none lost); two
// processes delivering together never have one message in flight twice; the database going down in the
// middle of a burst and coming back loses no event either. Payments are made in this process on the same
// database (the outbox is written in their transaction); receivers verify every request with `standardwebhooks`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { fundWallet } from '../../src/wallet/app/fund-wallet.ts';
import { sendIntraLedger } from '../../src/wallet/app/send-intraledger.ts';
import { createWebhooksService, type WebhooksService } from '../../src/webhooks/webhooks-service.ts';
import pg from 'pg';
import { createPgCluster, type PgCluster } from '../production/support/pg-cluster.ts';
import { SHARED_SECRETS, startLightgate, type LightgateProcess } from '../production/support/lightgate-process.ts';
import { newAccount, walletDeps, type TestAccount } from '../wallet/helpers.ts';
import { loadConfig } from '../../src/config/config.ts';
import { startReceiver, type Receiver } from './receiver.ts';

describe('webhook delivery across processes on PostgreSQL', { timeout: 150_000 }, () => {
  let cluster: PgCluster;
  let database: { url: string };
  let db: Database;
  let receiver: Receiver;
  let face: WebhooksService;
  const processes: LightgateProcess[] = [];
  let payer: TestAccount;
  let payee: TestAccount;
  const env = () => ({
    DATABASE_URL: database.url,
    LIGHTGATE_SERVICES: 'api',
    LOG_LEVEL: 'warn',
    WEBHOOK_RETRY_BASE: '100ms',
    WEBHOOK_POLL_INTERVAL: '100ms',
    WEBHOOK_TIMEOUT: '1s',
    WEBHOOK_CONCURRENCY: '4',
  });
  const start = async () => {
    const p = await startLightgate({ env: env() });
    processes.push(p);
    return p;
  };

  before(async () => {
    cluster = await createPgCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE lightgate');
    await admin.end();
    database = { url: cluster.url.replace(/\/postgres$/, '/lightgate') };
    db = await openPostgres(database.url, 4);
    await migrate(db);
    receiver = await startReceiver();
    // Endpoints registered through the webhooks face on the same database (no worker here), with the
    // deployment's SECRETS_SYSTEM so that the processes can open the signing secrets.
    const config = loadConfig({ NODE_ENV: 'test', ...SHARED_SECRETS, DATABASE_URL: database.url });
    face = createWebhooksService({ db, secrets: config.secrets.system, settings: { ...config.webhooks, concurrency: 0 }, appAuthorized: async () => true, runWorker: false });
    payer = await newAccount(db);
    payee = await newAccount(db);
    for (const [who, path] of [[payer, '/payer'], [payee, '/payee']] as const) {
      const added = await face.add({ accountId: who.accountId, clientId: null }, receiver.url(path));
      assert.ok(added.ok);
      receiver.secret(path, added.value.secret);
    }
    assert.ok((await fundWallet(db, { walletId: payer.btc, amount: 1_000_000 })).ok);
  });
  after(async () => {
    await Promise.allSettled(processes.map((p) => p.stop()));
    await face?.close();
    await receiver?.close();
    await db?.close();
    cluster?.destroy();
  });

  async function burst(n: number): Promise<void> {
    const deps = walletDeps(db);
    for (let i = 0; i < n; i++) {
      const sent = await sendIntraLedger(deps, { accountId: payer.accountId, walletId: payer.btc, recipientWalletId: payee.btc, amount: 1 + i, currency: 'BTC' });
      assert.ok(sent.ok);
    }
  }
  const eventIds = async () => new Set((await db.query<{ id: string }>('SELECT id FROM wallet_events')).map((r) => r.id));
  const delivered = () => new Set([...receiver.unique('/payer').keys(), ...receiver.unique('/payee').keys()]);

  test('kill -9 of the delivering process in the middle of a burst, then a restart (and a second process): every event arrives, none is lost', async () => {
    receiver.respond = (_req, res) => void setTimeout(() => res.writeHead(204).end(), 40);
    const a = await start();
    await burst(40);
    await receiver.waitFor(() => delivered().size >= 10, 30_000);
    a.kill('SIGKILL');
    await a.exited;
    const before = delivered().size;
    const expected = await eventIds();
    assert.equal(expected.size, 81, 'the funding and 40 payments × 2 events');
    assert.ok(before < expected.size, `killed mid-burst (${before} of ${expected.size} delivered)`);
    // Restarted, with a second process beside it (both deliver from here on).
    await start();
    await start();
    await receiver.waitFor(() => delivered().size === expected.size, 60_000);
    assert.deepEqual([...delivered()].sort(), [...expected].sort());
    assert.ok(receiver.received.every((r) => r.verified));
    const states = await db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM webhook_deliveries GROUP BY status');
    assert.ok(states.every((s) => s.status !== 'failed'), JSON.stringify(states));
  });

  test('two processes on one PostgreSQL deliver together and never have one message in flight twice', async () => {
    const inFlight = new Set<string>();
    let overlaps = 0;
    const before = receiver.received.length;
    receiver.respond = (_req, res, r) => {
      if (inFlight.has(r.id)) overlaps++;
      inFlight.add(r.id);
      setTimeout(() => {
        inFlight.delete(r.id);
        res.writeHead(204).end();
      }, 30);
    };
    await burst(40);
    const expected = await eventIds();
    await receiver.waitFor(() => delivered().size === expected.size, 60_000);
    assert.equal(overlaps, 0, 'no message was being delivered twice at once');
    // (A message may still arrive twice, one after the other, if a lease expires before its result is written
    // on a very slow database: that is "at least once"; receivers dedupe by webhook-id.)
    assert.ok(receiver.received.slice(before).every((r) => r.verified));
    const metrics = await Promise.all(processes.slice(-2).map(async (p) => (await (await fetch(`${p.urls.admin}/metrics`)).text()).match(/lightgate_webhook_deliveries_total\{outcome="success"\} (\d+)/)?.[1]));
    assert.ok(metrics.every((m) => Number(m) > 0), `both processes delivered: ${metrics.join(', ')}`);
  });

  test('the database going down in the middle of a burst and coming back loses no event', async () => {
    const known = delivered().size;
    receiver.respond = (_req, res) => void setTimeout(() => res.writeHead(204).end(), 150);
    await burst(30);
    const expected = await eventIds();
    await receiver.waitFor(() => delivered().size >= known + 4, 30_000);
    cluster.stop();
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(delivered().size < expected.size, `the outage came mid-burst (${delivered().size} of ${expected.size})`);
    cluster.start();
    await receiver.waitFor(() => [...expected].every((id) => delivered().has(id)), 60_000).catch(async (error: unknown) => {
      const missing = [...expected].filter((id) => !delivered().has(id));
      const rows = await db.query('SELECT status, attempts, last_error, lease_until FROM webhook_deliveries WHERE event_id = ANY($1::uuid[])', [missing]).catch((e: Error) => e.message);
      const events = await db.query('SELECT id, dispatched_at FROM wallet_events WHERE id = ANY($1::uuid[])', [missing]).catch((e: Error) => e.message);
      throw new Error(`${String(error)}: ${missing.length} missing; deliveries ${JSON.stringify(rows)}; events ${JSON.stringify(events)}; logs ${processes.map((p) => p.logs.slice(-5).join('\n')).join('\n---\n')}`);
    });
    assert.ok(receiver.received.every((r) => r.verified));
  });
});
