// onChainAddressCreate / onChainAddressCurrent: deterministic regtest-style receive addresses.
import type { AccountId } from '../../shared/brand.ts';
import { err, ok, type Result } from '../../shared/result.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { isUuid } from '../domain/ids.ts';
import { findUserWallet } from '../services/accounts.ts';
import { addNextAddress, currentAddress, deriveAddress } from '../services/onchain-address.ts';
import type { WalletDeps } from './deps.ts';

export async function onChainAddress(deps: WalletDeps, input: { accountId: AccountId; walletId: string; fresh: boolean }): Promise<Result<string, WalletError>> {
  if (!isUuid(input.walletId)) return err(walletError('INVALID_WALLET_ID', 'Unknown wallet id'));
  const wallet = await findUserWallet(deps.db, input.walletId);
  if (!wallet || wallet.accountId !== input.accountId) return err(walletError('INVALID_WALLET_ID', 'The wallet does not belong to this account'));
  if (!input.fresh) {
    const current = await currentAddress(deps.db, wallet.id);
    if (current) return ok(current);
  }
  return ok(await addNextAddress(deps.db, wallet.id, (index) => deriveAddress(deps.node.secretKey, wallet.id, index, deps.node.network)));
}
