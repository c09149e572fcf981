// The `lightgate` command: start, migrate, keys rotate|retire, and the operator subcommands of each module.
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { openDatabase, prepareDatabaseAhead } from '../db/open-database.ts';
import { migrate } from '../db/migrate.ts';
import type { WalletTarget } from './commands/wallet.ts';

// The operator commands load only when run: `start` does not pay for their modules (issue 18).
const commands = {
  clients: () => import('./commands/clients.ts'),
  wallet: () => import('./commands/wallet.ts'),
  admin: () => import('./commands/admin.ts'),
  keys: () => import('./commands/keys.ts'),
};

const USAGE = `Usage: lightgate <command>

Commands:
  start                 run the services in LIGHTGATE_SERVICES (default: all)
  migrate               apply database migrations and exit
  keys rotate           add a new signing key; older keys stay published
  keys retire           retire all keys but the signing one; each is unpublished once its tokens expired
  clients plan|apply    clients as code against the admin API (see \`lightgate clients help\`)
  admin grant|revoke|list|audit
                        the developer portal's admin role and audit log
  wallet fund (--wallet <id> | --email <address> --currency BTC|USD) --amount <n> [--memo <text>]
                        credit a wallet from the platform's funding account (sats or cents)
`;

async function withDb<T>(config: Config, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(config, { migrate: false });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** `--name value` pairs; anything else is ignored (the command's usage says what it needs). */
function parseFlags(args: string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--') && args[i + 1] !== undefined) flags[arg.slice(2)] = args[++i]!;
  }
  return flags;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  switch (command) {
    case 'start': {
      // Signals are handled from the moment start-up begins, not once it is done: opening the database takes
      // ~0.5 s and the servers answer before the demo user is seeded, and a supervisor's SIGTERM meanwhile must
      // let the start finish and then drain and close the database, not kill the process mid-write.
      // The servers' modules load now, not before main(): a fresh data directory's copy runs meanwhile (issue 18).
      prepareDatabaseAhead(config);
      const starting = import('../main/stack.ts').then(({ startStack }) => startStack(config));
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        const force = setTimeout(() => process.exit(1), 10_000).unref();
        const stack = await starting.catch(() => undefined);
        if (!stack) return; // the start failed: main() reports it
        stack.logger.info({ signal }, 'draining and stopping');
        await stack.close();
        clearTimeout(force);
        process.exit(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
      await starting;
      return new Promise<number>(() => {});
    }
    case 'migrate':
      return withDb(config, async (db) => {
        const applied = await migrate(db);
        process.stdout.write(applied.length ? `applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join('')}` : 'database is up to date\n');
        return 0;
      });
    case 'keys': {
      const { runKeysCommand } = await commands.keys();
      return withDb(config, async (db) => {
        await migrate(db);
        return runKeysCommand(rest, { db, config, stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
      });
    }
    case 'clients': {
      const { CLIENTS_USAGE, runClientsCli } = await commands.clients();
      if (!rest.length || rest[0] === 'help') {
        process.stdout.write(`${[CLIENTS_USAGE].flat().join('\n')}\n`);
        return rest.length ? 0 : 2;
      }
      return runClientsCli(rest, config.urls.admin, undefined, config.adminApi.outgoingAuthorization);
    }
    case 'admin': {
      const { runAdminCommand } = await commands.admin();
      return withDb(config, async (db) => {
        await migrate(db);
        return runAdminCommand(rest, { db, config, stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
      });
    }
    case 'wallet': {
      if (rest[0] !== 'fund') break;
      const { FUND_USAGE, fundFromCli } = await commands.wallet();
      const flags = parseFlags(rest.slice(1));
      const amount = Number(flags.amount);
      const currency = flags.currency === 'BTC' || flags.currency === 'USD' ? flags.currency : undefined;
      const target: WalletTarget | undefined = flags.wallet ? { walletId: flags.wallet } : flags.email && currency ? { email: flags.email, currency } : undefined;
      if (!target || !Number.isSafeInteger(amount)) {
        process.stderr.write(`${FUND_USAGE}\n`);
        return 2;
      }
      return withDb(config, async (db) => {
        await migrate(db);
        const funded = await fundFromCli(db, target, amount, flags.memo);
        if (!funded.ok) {
          process.stderr.write(`error: ${funded.error.message}\n`);
          return 1;
        }
        process.stdout.write(`credited ${funded.value.amount} to ${funded.value.walletId}; balance ${funded.value.balance} (${funded.value.currency})\n`);
        return 0;
      });
    }
  }
  process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

// Every file this process creates (PGlite's database, secrets, the outbox) is private (issue 19 #4).
process.umask(0o077);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
