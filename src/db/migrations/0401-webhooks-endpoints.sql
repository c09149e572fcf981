-- Webhooks (issue 14): an account's callback endpoints and one delivery row per (event, endpoint).
-- The signing secret is sealed (AES-GCM under SECRETS_SYSTEM), never stored in the clear: it must be
-- read back to sign. client_id is the OAuth app that registered the endpoint (NULL: the account
-- holder, through a session or an API key); an app sees and deletes only its own.
CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES wallet_accounts (id),
  client_id text,
  url text NOT NULL,
  secret_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_success_at timestamptz,
  disabled_at timestamptz,
  disabled_reason text
);
CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, created_at);

-- status: pending (waiting for next_attempt_at) → succeeded | failed. A worker leases a due row
-- (lease_until, lease_token) with FOR UPDATE SKIP LOCKED; only the lease holder may record the result,
-- and an expired lease (a worker killed mid-attempt) makes the row claimable again.
CREATE TABLE webhook_deliveries (
  id uuid PRIMARY KEY,
  -- The webhook-id header: the event's id (the same for every attempt and replay: receivers dedupe by it).
  message_id text NOT NULL,
  event_id uuid,
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  type text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  first_attempt_at timestamptz,
  lease_until timestamptz,
  lease_token uuid,
  last_status integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);
CREATE UNIQUE INDEX webhook_deliveries_event_endpoint ON webhook_deliveries (event_id, endpoint_id) WHERE event_id IS NOT NULL;
