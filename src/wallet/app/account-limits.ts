// Account.limits and the check every send makes against them: the operator's daily limits (in US cents) on
// payments to other accounts, conversions between one's own wallets and payments leaving through Lightning.
// Amounts in sats count at the current price, rounded up. With no limit set nothing is read or locked.
import type { Queryable } from '../../db/database.ts';
import type { AccountId } from '../../shared/brand.ts';
import { walletError, type WalletError } from '../domain/errors.ts';
import { accountLimits, type AccountLimit, type LimitKind, type LimitTotals } from '../domain/limits.ts';
import { centsForSats } from '../domain/money.ts';
import { lockAccountForLimits, spentToday } from '../services/limits.ts';
import type { WalletDeps } from './deps.ts';

export type { AccountLimit };

async function spentCents(q: Queryable, accountId: AccountId, price: number): Promise<LimitTotals> {
  const s = await spentToday(q, accountId);
  return {
    internalSend: s.internalSend.cents + centsForSats(s.internalSend.sats, price),
    convert: s.convert.cents + centsForSats(s.convert.sats, price),
    withdrawal: 0,
  };
}

export async function limitsOfAccount(deps: Pick<WalletDeps, 'db' | 'price' | 'limits'>, accountId: AccountId): Promise<AccountLimit[]> {
  const totals = deps.limits;
  if (!Object.values(totals).some((t) => t > 0)) return [];
  return accountLimits(totals, await spentCents(deps.db, accountId, await deps.price.btcUsdCents()));
}

/**
 * Inside the send's transaction, before its wallets are locked: refuses a send that would pass the account's
 * limit of this kind. The account row is locked first, so two sends of one account cannot both pass.
 */
export async function checkSendLimit(
  tx: Queryable,
  deps: Pick<WalletDeps, 'limits'>,
  send: { accountId: AccountId; kind: LimitKind; amount: number; currency: 'BTC' | 'USD'; priceCents: number },
): Promise<WalletError | undefined> {
  const total = deps.limits[send.kind];
  if (total <= 0) return undefined;
  // Payments leaving through Lightning post nothing yet (no backend): nothing to serialise them against.
  if (send.kind !== 'withdrawal') await lockAccountForLimits(tx, send.accountId);
  const cents = send.currency === 'USD' ? send.amount : centsForSats(send.amount, send.priceCents);
  const spent = (await spentCents(tx, send.accountId, send.priceCents))[send.kind];
  if (spent + cents <= total) return undefined;
  return walletError('LIMIT_EXCEEDED', `This payment passes the account's daily ${send.kind === 'convert' ? 'conversion' : send.kind === 'withdrawal' ? 'withdrawal' : 'send'} limit (${Math.max(0, total - spent)} of ${total} US cents left)`);
}
