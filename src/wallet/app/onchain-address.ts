// onChainAddressCreate / onChainAddressCurrent: deterministic regtest-style receive addresses.
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { findUserWallet } from '../services/accounts.ts';
import { deriveAddress } from '../services/onchain-address.ts';
import type { WalletDeps } from './deps.ts';

export async function onChainAddress(deps: WalletDeps, input: { accountId: AccountId; walletId: string; fresh: boolean }): Promise<Result<string, WalletError>> {
  if (!isUuid(input.walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  const wallet = await findUserWallet(deps.db, input.walletId);
  if (!wallet || wallet.accountId !== input.accountId) return err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
  if (!input.fresh) {
    const [current] = await deps.db.query<{ address: string }>('SELECT address FROM onchain_addresses WHERE wallet_id = $1 ORDER BY idx DESC LIMIT 1', [wallet.id]);
    if (current) return ok(current.address);
  }
  for (;;) {
    const [{ next }] = (await deps.db.query<{ next: number }>('SELECT coalesce(max(idx) + 1, 0) AS next FROM onchain_addresses WHERE wallet_id = $1', [wallet.id])) as [{ next: number }];
    const address = deriveAddress(deps.node.secretKey, wallet.id, next, deps.node.network);
    const rows = await deps.db.query('INSERT INTO onchain_addresses (wallet_id, idx, address) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING address', [wallet.id, next, address]);
    if (rows.length === 1) return ok(address);
  }
}
