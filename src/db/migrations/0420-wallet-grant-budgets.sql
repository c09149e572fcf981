-- Spending budgets of grants (issue 15): one row per grant (user × OAuth client), owned by the wallet.
-- A send made with an OAuth token charges its grant's row in the payment's transaction with ONE
-- conditional UPDATE (row lock, period roll-over, check, add): no scan of history. amount NULL is an
-- unlimited budget (spend is still counted, in sats, for the chart). Periods roll on UTC calendar
-- boundaries (period_start is the boundary the spend belongs to; NULL for a lifetime budget).
-- notified: the highest threshold (80, 100) already told for this period; crossed: the one this last
-- charge crossed (0 if none), so the charge's RETURNING says which event to write without a second read.
CREATE TABLE grant_budgets (
  user_id uuid NOT NULL,
  client_id text NOT NULL,
  currency text NOT NULL DEFAULT 'BTC' CHECK (currency IN ('BTC', 'USD')),
  amount bigint CHECK (amount >= 0),
  period text CHECK (period IN ('P1D', 'P1W', 'P1M')),
  per_payment_max bigint CHECK (per_payment_max >= 1),
  -- The most the user may raise it to (JSON wallet_spend detail), NULL: no raise above the budget.
  ceiling jsonb,
  paused boolean NOT NULL DEFAULT false,
  ended boolean NOT NULL DEFAULT false,
  period_start timestamptz,
  spent bigint NOT NULL DEFAULT 0,
  notified integer NOT NULL DEFAULT 0,
  crossed integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, client_id)
);

-- What each grant spent per UTC day (the portal's 30-day chart), added to by the charge's own statement: one
-- row per grant and day, updated in place (no index entry per payment: a row per payment with its index cost
-- a budgeted payment ~6 % of its rate in bench/budgets-http.ts). The ledger keeps each payment.
CREATE TABLE grant_budget_days (
  user_id uuid NOT NULL,
  client_id text NOT NULL,
  day date NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL,
  payments integer NOT NULL,
  PRIMARY KEY (user_id, client_id, day, currency)
);
