// Every funding (money the platform creates) is written to the operators' audit log in the same
// transaction as its journal (issue 11 #5). The log is the portal's portal_audit_log, which
// `lightgate admin audit` and the portal's Audit log page show.
import type { Queryable } from '../../db/database.ts';

export interface FundingActor {
  /** "admin-api:<credential name>", "local" (the loopback admin port without a credential), "cli:<os user>", "internal". */
  actor: string;
  requestId?: string | undefined;
  sourceAddress?: string | undefined;
}

export interface FundingRecord {
  walletId: string;
  currency: string;
  amount: number;
  memo: string;
}

export async function recordFunding(tx: Queryable, by: FundingActor, f: FundingRecord): Promise<void> {
  const details = { amount: f.amount, currency: f.currency, memo: f.memo, request_id: by.requestId ?? null, source_address: by.sourceAddress ?? null };
  await tx.query('INSERT INTO portal_audit_log (actor_id, actor_email, action, target, details) VALUES (NULL, $1, $2, $3, $4)', [by.actor, 'wallet.fund', f.walletId, JSON.stringify(details)]);
}
