// What an account moved in the last 24 hours, per limit kind, from the ledger (Account.limits and the send checks).
import type { Queryable } from '../../db/database.ts';
import type { AccountId } from '../../shared/brand.ts';
import { LIMIT_INTERVAL_SECONDS } from '../domain/limits.ts';

export interface SpentToday {
  internalSend: { sats: number; cents: number };
  convert: { sats: number; cents: number };
}

/**
 * The account's debits of the last 24 hours on sends to others and to its own wallets (conversions), in each
 * currency. Payments leaving through Lightning are not in the ledger yet (no backend posts them): none.
 */
export async function spentToday(q: Queryable, accountId: AccountId): Promise<SpentToday> {
  const rows = await q.query<{ own: boolean; currency: 'BTC' | 'USD'; spent: string }>(
    `SELECT (rw.account_id = w.account_id) AS own, e.currency, sum(-e.amount)::text AS spent
     FROM wallets w
     JOIN ledger_entries e ON e.wallet_id = w.id AND e.amount < 0 AND e.created_at > now() - make_interval(secs => $2)
     JOIN ledger_journals j ON j.id = e.journal_id AND j.sender_wallet_id = w.id AND j.kind IN ('intraledger', 'ln_internal')
     JOIN wallets rw ON rw.id = j.recipient_wallet_id
     WHERE w.account_id = $1 AND w.kind = 'user'
     GROUP BY 1, 2`,
    [accountId, LIMIT_INTERVAL_SECONDS],
  );
  const out: SpentToday = { internalSend: { sats: 0, cents: 0 }, convert: { sats: 0, cents: 0 } };
  for (const r of rows) out[r.own ? 'convert' : 'internalSend'][r.currency === 'BTC' ? 'sats' : 'cents'] += Number(r.spent);
  return out;
}

/** Serialises the limited sends of one account (taken before any wallet lock, so it cannot deadlock with them). */
export async function lockAccountForLimits(tx: Queryable, accountId: AccountId): Promise<void> {
  await tx.query('SELECT id FROM wallet_accounts WHERE id = $1 FOR UPDATE', [accountId]);
}
