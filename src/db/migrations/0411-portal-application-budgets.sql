-- Issue 15: the spending budgets a developer registers for their app (a wallet_spend detail as JSON each, RFC
-- 9396; NULL: none), carried to its client as spend_budget_default and spend_budget_max.
ALTER TABLE portal_applications ADD COLUMN spend_budget_default jsonb;
ALTER TABLE portal_applications ADD COLUMN spend_budget_max jsonb;
