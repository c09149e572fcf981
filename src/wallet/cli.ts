// What `lightgate wallet fund` calls: fund by wallet id, or by the user's e-mail and a currency.
import { userInfo } from 'node:os';
import type { Database } from '../db/database.ts';
import { err, type Result } from '../shared/result.ts';
import { findWallet, type WalletTarget } from './app/find-wallet.ts';
import { fundWallet, type Funded } from './app/fund-wallet.ts';
import type { WalletError } from './domain/errors.ts';

export async function fundFromCli(db: Database, target: WalletTarget, amount: number, memo?: string): Promise<Result<Funded, WalletError>> {
  const wallet = await findWallet(db, target);
  if (!wallet.ok) return err(wallet.error);
  // Audited as the operating-system user who ran the command (issue 11 #5).
  return fundWallet(db, { walletId: wallet.value, amount, memo: memo ?? 'Funding (CLI)', by: { actor: `cli:${operatorName()}` } });
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
