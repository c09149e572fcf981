-- Wallet events outbox (issues 13 and 14): one row per event (payment received/sent, invoice paid),
-- written in the payment's own transaction, so an event exists if and only if its payment committed.
-- The webhook dispatcher fans each row out to the account's endpoints once (dispatched_at), claiming
-- rows with FOR UPDATE SKIP LOCKED; subscriptions read rows by id after a NOTIFY on `wallet_events`.
CREATE TABLE wallet_events (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES wallet_accounts (id),
  wallet_id uuid NOT NULL REFERENCES wallets (id),
  type text NOT NULL,
  transaction_id text,
  payment_hash text,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX wallet_events_account ON wallet_events (account_id, created_at DESC);
CREATE INDEX wallet_events_undispatched ON wallet_events (created_at) WHERE dispatched_at IS NULL;
