// The SQL of grant budgets (issue 15, table grant_budgets, migration 0420). The charge is ONE statement:
// the UPDATE locks the grant's row, rolls its period over, checks the budget and adds the payment.
// Concurrent sends of one grant queue on the row lock; in READ COMMITTED the waiting UPDATE re-checks its
// WHERE against the committed row, so they can never together pass the budget. The chart reads the ledger:
// the payment's journal row names the grant and its charge (migration 0421), nothing more is written for it.
import type { Queryable } from '../../db/database.ts';
import type { LockGate } from './ledger.ts';
import type { SpendCurrency, SpendPeriod, WalletSpendDetail } from '../../shared/wallet-spend/spend-detail.ts';

export interface BudgetRow {
  user_id: string;
  client_id: string;
  currency: SpendCurrency;
  amount: string | number | null;
  period: SpendPeriod;
  per_payment_max: string | number | null;
  ceiling: WalletSpendDetail | string | null;
  paused: boolean;
  ended: boolean;
  period_start: Date | string | null;
  spent: string | number;
}

export const BUDGET_COLUMNS = 'user_id, client_id, currency, amount, period, per_payment_max, ceiling, paused, ended, period_start, spent';

export interface ChargeInput {
  userId: string;
  clientId: string;
  /** The payment in each budget currency (rounded up). */
  amounts: Record<SpendCurrency, number>;
  starts: { day: Date; week: Date; month: Date };
  /** The send's Idempotency-Key: looked up in the same statement, and a known key is not charged again. */
  idempotency?: { accountId: string; key: string } | undefined;
}

export interface Charged {
  currency: SpendCurrency;
  amount: number | null;
  period: SpendPeriod;
  periodStart: Date | null;
  spent: number;
  crossed: 0 | 80 | 100;
}

// $3 sats, $4 cents, $5..$7 the day, week and month starts, $8/$9 the Idempotency-Key (or null).
// A key already recorded (a repeat) is found in the same round trip and the grant is not charged: a send with
// a key costs no more round trips with a budget than without.
const AMOUNT = "(CASE currency WHEN 'USD' THEN $4::bigint ELSE $3::bigint END)";
const START = "(CASE period WHEN 'P1D' THEN $5::timestamptz WHEN 'P1W' THEN $6::timestamptz WHEN 'P1M' THEN $7::timestamptz END)";
const ROLLS = `(period_start IS DISTINCT FROM ${START})`;
const BEFORE = `(CASE WHEN ${ROLLS} THEN 0 ELSE spent END)`;
const AFTER = `(${BEFORE} + ${AMOUNT})`;
const TOLD = `(CASE WHEN ${ROLLS} THEN 0 ELSE notified END)`;
// 100 at or past the budget, 80 at or past four fifths of it (integers: no rounding), else 0.
const THRESHOLD = `(CASE WHEN amount IS NULL OR amount = 0 THEN 0 WHEN ${AFTER} >= amount THEN 100 WHEN ${AFTER} * 5 >= amount * 4 THEN 80 ELSE 0 END)`;

// The conditional UPDATE; `unless`: a further condition (the key's repeat, below). updated_at is when the
// budget itself was set or changed (consent, portal), not each charge: one column less per payment.
const chargeCtes = (unless: string) => `charged AS (
  UPDATE grant_budgets SET
    spent = ${AFTER},
    period_start = ${START},
    crossed = CASE WHEN ${THRESHOLD} > ${TOLD} THEN ${THRESHOLD} ELSE 0 END,
    notified = GREATEST(${TOLD}, ${THRESHOLD})
  WHERE user_id = $1 AND client_id = $2 AND NOT paused AND NOT ended
    AND (amount IS NULL OR (${AFTER} <= amount AND (per_payment_max IS NULL OR ${AMOUNT} <= per_payment_max)))${unless}
  RETURNING currency, amount, period, period_start, spent, crossed
)`;

const CHARGE_SQL = `
WITH earlier AS (
  SELECT journal_id, fingerprint FROM payment_idempotency WHERE $9::text IS NOT NULL AND account_id = $8::uuid AND key = $9::text
), ${chargeCtes('\n    AND NOT EXISTS (SELECT 1 FROM earlier)')}
SELECT c.currency, c.amount, c.period, c.period_start, c.spent, c.crossed, e.journal_id AS earlier_journal, e.fingerprint AS earlier_fingerprint
FROM (SELECT 1) AS one LEFT JOIN charged c ON true LEFT JOIN earlier e ON true`;

const chargeParams = (c: ChargeInput) => [c.userId, c.clientId, c.amounts.BTC, c.amounts.USD, c.starts.day.toISOString(), c.starts.week.toISOString(), c.starts.month.toISOString()];

/**
 * The charge as the first step of its posting's lock statement (postTransfer's LockGate): a send without an
 * Idempotency-Key in a transaction, or any send run as one statement (with its key's lookup). The wallets
 * are locked only when it charged, and after it, so every budgeted send locks the budget row before the
 * wallets, as chargeBudget before the posting does. Its row (`gate`) is null when the grant's row refused
 * the payment or does not exist (see readBudget), or the key is known.
 */
export function chargeGate(c: ChargeInput): LockGate {
  const idem = c.idempotency;
  if (idem) return { ctes: (first) => gateCtes('keyed', first), params: [...chargeParams(c), idem.accountId, idem.key], name: 'budget_key' };
  return { ctes: (first) => gateCtes('plain', first), params: chargeParams(c), name: 'budget_charge' };
}

// The gate's SQL with its parameters renumbered from `first`: built once per numbering (a payment's hot path).
// `keyed`: a send with an Idempotency-Key run as one statement (send-in-one-statement.ts): a known key ($8/$9)
// charges nothing and the gate refuses, as the charge's own statement finds the repeat (CHARGE_SQL).
const GATE = 'gate AS (SELECT currency, amount, period, period_start, spent, crossed FROM charged)';
const GATE_CTES = {
  plain: `${chargeCtes('')}, ${GATE}`,
  keyed: `earlier AS (SELECT 1 FROM payment_idempotency WHERE account_id = $8::uuid AND key = $9::text), ${chargeCtes('\n    AND NOT EXISTS (SELECT 1 FROM earlier)')}, ${GATE}`,
};
const gateTexts = new Map<string, string>();
function gateCtes(kind: keyof typeof GATE_CTES, first: number): string {
  let text = gateTexts.get(`${kind}${first}`);
  if (text === undefined) {
    text = GATE_CTES[kind].replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + first - 1}`);
    gateTexts.set(`${kind}${first}`, text);
  }
  return text;
}

/** The gate's row as chargeBudget's `charged` (undefined: refused, nothing charged). */
export function chargedOf(row: unknown): Charged | undefined {
  const r = row as ChargedRow | null | undefined;
  if (!r?.currency) return undefined;
  const crossed = Number(r.crossed);
  return { currency: r.currency, amount: num(r.amount), period: r.period, periodStart: date(r.period_start), spent: Number(r.spent), crossed: crossed === 100 ? 100 : crossed === 80 ? 80 : 0 };
}

interface ChargedRow {
  currency: SpendCurrency | null;
  amount: string | number | null;
  period: SpendPeriod;
  period_start: Date | string | null;
  spent: string | number | null;
  crossed: number | string | null;
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));
const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/**
 * Charges the grant: `charged` undefined when its row refused the payment or does not exist (see readBudget);
 * `earlier` the payment_idempotency row of a known key (then nothing was charged).
 */
export async function chargeBudget(tx: Queryable, c: ChargeInput): Promise<{ charged: Charged | undefined; earlier: { journal_id: string; fingerprint: string } | undefined }> {
  const [row] = await tx.query<ChargedRow & { earlier_journal: string | null; earlier_fingerprint: string | null }>(
    CHARGE_SQL,
    [...chargeParams(c), c.idempotency?.accountId ?? null, c.idempotency?.key ?? null],
    { name: 'lightgate_wallet_budget_charge' },
  );
  const earlier = row?.earlier_journal ? { journal_id: row.earlier_journal, fingerprint: row.earlier_fingerprint ?? '' } : undefined;
  return { charged: chargedOf(row), earlier };
}

export async function readBudget(q: Queryable, userId: string, clientId: string): Promise<BudgetRow | undefined> {
  const [row] = await q.query<BudgetRow>(`SELECT ${BUDGET_COLUMNS} FROM grant_budgets WHERE user_id = $1 AND client_id = $2`, [userId, clientId]);
  return row;
}

export async function readBudgets(q: Queryable, userId: string): Promise<BudgetRow[]> {
  return q.query<BudgetRow>(`SELECT ${BUDGET_COLUMNS} FROM grant_budgets WHERE user_id = $1 AND NOT ended ORDER BY created_at`, [userId]);
}

const detailColumns = (d: WalletSpendDetail | null) => [d?.limit.currency ?? 'BTC', d?.limit.amount ?? null, d?.period ?? null, d?.per_payment_max ?? null];

/** A legacy grant's first send: the operator's default budget, unless a row appeared meanwhile. */
export async function insertBudgetIfMissing(q: Queryable, userId: string, clientId: string, budget: WalletSpendDetail | null): Promise<void> {
  await q.query(
    `INSERT INTO grant_budgets (user_id, client_id, currency, amount, period, per_payment_max, ceiling) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
     ON CONFLICT (user_id, client_id) DO NOTHING`,
    [userId, clientId, ...detailColumns(budget), budget && JSON.stringify(budget)],
  );
}

/**
 * What the user granted at consent. A new consent sets the budget and re-activates an ended one; the spend of
 * the current period is kept (same currency and period) or starts again (changed).
 */
export async function upsertGranted(q: Queryable, g: { userId: string; clientId: string; budget: WalletSpendDetail | null; ceiling: WalletSpendDetail | null; remembered: boolean }): Promise<void> {
  const ceiling = g.ceiling && JSON.stringify(g.ceiling);
  // Remembered: a live budget stays as it is (the person may have lowered or paused it); an ended one (the app
  // was disconnected) starts again with what this consent grants, as a new consent would.
  const onConflict = `DO UPDATE SET amount = EXCLUDED.amount, per_payment_max = EXCLUDED.per_payment_max, ceiling = EXCLUDED.ceiling, ended = false, paused = false,
         spent = CASE WHEN grant_budgets.currency = EXCLUDED.currency AND grant_budgets.period IS NOT DISTINCT FROM EXCLUDED.period THEN grant_budgets.spent ELSE 0 END,
         notified = CASE WHEN grant_budgets.currency = EXCLUDED.currency AND grant_budgets.period IS NOT DISTINCT FROM EXCLUDED.period THEN grant_budgets.notified ELSE 0 END,
         currency = EXCLUDED.currency, period = EXCLUDED.period, updated_at = now()${g.remembered ? ' WHERE grant_budgets.ended' : ''}`;
  await q.query(
    `INSERT INTO grant_budgets (user_id, client_id, currency, amount, period, per_payment_max, ceiling) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
     ON CONFLICT (user_id, client_id) ${onConflict}`,
    [g.userId, g.clientId, ...detailColumns(g.budget), ceiling],
  );
}

/** The portal's change (already checked against the ceiling); undefined when there is no live budget. */
export async function updateBudget(q: Queryable, userId: string, clientId: string, c: { amount: number | null; perPaymentMax: number | null; paused: boolean }): Promise<BudgetRow | undefined> {
  const [row] = await q.query<BudgetRow>(
    `UPDATE grant_budgets SET amount = $3, per_payment_max = $4, paused = $5, updated_at = now() WHERE user_id = $1 AND client_id = $2 AND NOT ended RETURNING ${BUDGET_COLUMNS}`,
    [userId, clientId, c.amount, c.perPaymentMax, c.paused],
  );
  return row;
}

export async function endBudgetRow(q: Queryable, userId: string, clientId: string): Promise<void> {
  await q.query('UPDATE grant_budgets SET ended = true, updated_at = now() WHERE user_id = $1 AND client_id = $2', [userId, clientId]);
}

/**
 * Spend per UTC day since `since`, per client of the user, from the ledger: the journals the user's wallets
 * sent under a grant, each counted in its grant's budget currency. No index of its own (one would cost every
 * budgeted payment its upkeep, ~4 % of the rate in bench/budgets-http.ts): the user's entries are read through
 * ledger_entries' (wallet_id, id) index from the first entry id of the period on, found by a binary search
 * over the entries' ids (about 30 primary-key probes; ids grow with time, an hour's margin covers the order in
 * which concurrent payments took theirs).
 */
export async function dailySpends(q: Queryable, userId: string, since: Date, clientId?: string): Promise<{ client_id: string; day: string; amount: string }[]> {
  return q.query(
    `WITH RECURSIVE bound(lo, hi) AS (
       SELECT coalesce((SELECT min(id) FROM ledger_entries), 0), coalesce((SELECT max(id) FROM ledger_entries), 0) + 1
       UNION ALL
       SELECT CASE WHEN m.at < $2::timestamptz - interval '1 hour' THEN m.id + 1 ELSE b.lo END,
              CASE WHEN m.at < $2::timestamptz - interval '1 hour' THEN b.hi ELSE (b.lo + b.hi) / 2 END
       FROM bound b
       LEFT JOIN LATERAL (SELECT id, created_at AS at FROM ledger_entries WHERE id >= (b.lo + b.hi) / 2 ORDER BY id LIMIT 1) m ON true
       WHERE b.lo < b.hi
     )
     SELECT j.grant_client_id AS client_id, (j.created_at AT TIME ZONE 'UTC')::date::text AS day,
            sum(CASE b.currency WHEN 'USD' THEN j.grant_cents ELSE j.grant_sats END)::text AS amount
     FROM wallet_accounts a
     JOIN wallets w ON w.account_id = a.id
     JOIN ledger_entries e ON e.wallet_id = w.id AND e.id >= (SELECT max(lo) FROM bound) AND e.amount < 0
     JOIN ledger_journals j ON j.id = e.journal_id AND j.sender_wallet_id = w.id AND j.grant_client_id IS NOT NULL AND j.created_at >= $2::timestamptz
     JOIN grant_budgets b ON b.user_id = a.user_id AND b.client_id = j.grant_client_id
     WHERE a.user_id = $1 AND ($3::text IS NULL OR j.grant_client_id = $3)
     GROUP BY 1, 2 ORDER BY 2`,
    [userId, since.toISOString(), clientId ?? null],
  );
}
