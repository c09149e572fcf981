-- Issue 15 (RFC 9396): the spending budget a consent granted (a JSON array of one wallet_spend detail, as in the
-- token response's authorization_details), kept with the consent session as Hydra keeps `session`. NULL: no
-- budget (the grant holds no `write`, or `write` without a budget). A client's spend_budget_default and
-- spend_budget_max live in its Hydra JSON (oauth2_clients.metadata) and need no column.
ALTER TABLE consent_sessions ADD COLUMN granted_authorization_details jsonb;
