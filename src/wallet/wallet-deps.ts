// Builds the wallet's ports from Config: the node key (derived from SECRETS_SYSTEM, so every process
// signs invoices with the same key), the fixed development price, and no Lightning backend.
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { WalletDeps } from './app/deps.ts';
import { deriveNodeKey, type LightningNetwork } from './services/bolt11.ts';
import { noLightningBackend } from './services/lightning.ts';
import { fixedPriceProvider } from './services/price.ts';

export function buildWalletDeps(config: Pick<Config, 'secrets' | 'priceBtcUsdCents'>, db: Database, network: LightningNetwork = 'regtest'): WalletDeps {
  const key = deriveNodeKey(config.secrets.system[0]!);
  return {
    db,
    price: fixedPriceProvider(config.priceBtcUsdCents),
    lightning: noLightningBackend,
    node: { secretKey: key.secretKey, publicKeyHex: key.publicKeyHex, network },
  };
}
