// The app faces the resolvers call, bound once per server: the wallet (its ports from Config unless
// overridden), API keys, identity, and the per-recipient limit on public invoices (issue 19 #1).
import { createApiKey, listApiKeys, revokeApiKey } from '../api-keys/api-keys-service.ts';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { IdentityService } from '../identity/identity-service.ts';
import { createLimit } from '../shared/limits/limit.ts';
import type { Logger } from '../shared/logger.ts';
import { buildWalletDeps, createAppBudgets, createGrantBudgets, createWalletService, walletError, type CreateInvoiceInput, type WalletDeps } from '../wallet/wallet-service.ts';
import { createWebhooksService, type WebhooksService } from '../webhooks/webhooks-service.ts';
import type { ApiServices } from './graphql/context.ts';
import { createWalletEventHub } from './subscriptions/wallet-event-hub.ts';

export interface ApiServicesDeps {
  config: Config;
  db: Database;
  identity: IdentityService;
  logger?: Logger | undefined;
  /** Overrides of the wallet's ports (price provider, Lightning backend). */
  wallet?: Partial<WalletDeps> | undefined;
  /** The process's webhooks face (issue 14); else one without a delivery worker. */
  webhooks?: WebhooksService | undefined;
}

/**
 * The public …OnBehalfOfRecipient mutations need no credential, so anyone can ask for invoices to any
 * wallet: they are counted per recipient wallet in the database, only for wallets that exist.
 */
function recipientInvoiceLimit(db: Database, { perWindow, windowSeconds }: Config['recipientInvoiceLimit']): CreateInvoiceInput['admit'] {
  if (perWindow === 0) return undefined;
  const limit = createLimit(db, { prefix: 'invoice-recipient', limit: perWindow, windowSeconds });
  return async (wallet) => {
    const { allowed, retryAfter } = await limit.hit(wallet.id);
    return allowed ? undefined : walletError('TOO_MANY_REQUESTS', `Too many invoices for this wallet; retry in ${retryAfter} s`);
  };
}

export function buildApiServices(deps: ApiServicesDeps): ApiServices {
  const { config, db, identity } = deps;
  const walletDeps = { ...buildWalletDeps(config, db), ...deps.wallet };
  const wallet = createWalletService(
    walletDeps,
    { userExists: async (userId) => (await identity.getUser(userId).catch(() => undefined)) !== undefined },
  );
  return {
    config,
    wallet,
    identity,
    apiKeys: {
      list: (userId) => listApiKeys(db, userId),
      create: (input) => createApiKey(db, input),
      revoke: (userId, id) => revokeApiKey(db, userId, id),
    },
    admitRecipientInvoice: recipientInvoiceLimit(db, config.recipientInvoiceLimit),
    budgets: createAppBudgets(createGrantBudgets(db), walletDeps.budgets?.writeDefault ?? null),
    webhooks:
      deps.webhooks ??
      createWebhooksService({ db, secrets: config.secrets.system, settings: config.webhooks, appAuthorized: async () => false, runWorker: false, logger: deps.logger }),
    events: createWalletEventHub({
      db,
      priceCents: () => wallet.priceCents(),
      priceIntervalSeconds: config.subscriptions.priceIntervalSeconds,
      onError: (error) => deps.logger?.warn({ err: error }, 'wallet events: a listener or the price poll failed'),
    }),
    logger: deps.logger,
  };
}
