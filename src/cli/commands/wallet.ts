// What `lightgate wallet fund` calls: fund by wallet id, or by the user's e-mail and a currency.
import { userInfo } from 'node:os';
import type { Database } from '../../db/database.ts';
import type { Result } from '../../shared/result.ts';
import { fundTarget, type Funded, type WalletError, type WalletTarget } from '../../wallet/wallet-service.ts';

export type { WalletTarget };

export async function fundFromCli(db: Database, target: WalletTarget, amount: number, memo?: string): Promise<Result<Funded, WalletError>> {
  // Audited as the operating-system user who ran the command (issue 11 #5).
  return fundTarget(db, target, { amount, memo: memo ?? 'Funding (CLI)', by: { actor: `cli:${operatorName()}` } });
}

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export const FUND_USAGE = `lightgate wallet fund (--wallet <walletId> | --email <address> --currency BTC|USD) --amount <n> [--memo <text>]
  Credits a wallet from the platform's funding account. The amount is in sats for BTC wallets and cents for USD wallets.`;
