-- The portal's spend chart (issue 15) reads the ledger instead of a table of its own: a journal posted under
-- an OAuth grant names the grant's client and what it charged the budget, in sats and in US cents (rounded up
-- at the payment's price, as the charge did). The payment already writes this row, so a budgeted payment writes
-- nothing more for the chart (the per-day upsert into grant_budget_days cost it ~4-6 % of its rate in
-- bench/budgets-http.ts). No index for the chart either (its upkeep cost ~4 % more): it reads the person's
-- entries through ledger_entries (wallet_id, id) (see dailySpends). grant_budget_days is dropped: the chart's history before this migration (at
-- most a few days, since 0420) is not carried over, the budgets' counters (grant_budgets.spent) are.
ALTER TABLE ledger_journals ADD COLUMN grant_client_id text, ADD COLUMN grant_sats bigint, ADD COLUMN grant_cents bigint;
DROP TABLE grant_budget_days;
