import type { Database } from '../../db/database.ts';
import type { LimitTotals } from '../domain/limits.ts';
import type { LightningNetwork } from '../services/bolt11.ts';
import type { LightningBackend } from '../services/lightning.ts';
import type { PriceProvider } from '../services/price.ts';
import type { BudgetSettings } from './charge-budget.ts';

/** What the wallet use cases need; built once by the composition root (see buildWalletDeps). */
export interface WalletDeps {
  db: Database;
  price: PriceProvider;
  lightning: LightningBackend;
  node: { secretKey: Uint8Array; publicKeyHex: string; network: LightningNetwork };
  /** The operator's daily limits per account, in US cents (0: none). */
  limits: LimitTotals;
  /** The API's public URL and the Lightning address domain (its host): LNURL-pay callbacks and metadata. */
  lnurl: { apiUrl: string; domain: string };
  /** Grant budgets of OAuth sends (issue 15): WRITE_BUDGET_DEFAULT; absent: a legacy grant is unlimited. */
  budgets?: BudgetSettings | undefined;
}
