-- Authorization server storage. oidc-provider's models (sessions, interactions, codes, tokens, grants)
-- live in oidc_payloads through the adapter contract; clients, keys and consents have their own tables.

CREATE TABLE oauth2_clients (
  client_id text PRIMARY KEY,
  secret_hash text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('pending', 'active', 'suspended')),
  owner text NOT NULL DEFAULT '',
  client_name text NOT NULL DEFAULT '',
  metadata jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth2_clients_owner ON oauth2_clients (owner);

CREATE TABLE oidc_payloads (
  id text NOT NULL,
  model text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  uid text,
  user_code text,
  subject text,
  client_id text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_payloads_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_payloads_uid ON oidc_payloads (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_payloads_subject ON oidc_payloads (model, subject) WHERE subject IS NOT NULL;
CREATE INDEX oidc_payloads_client ON oidc_payloads (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX oidc_payloads_expires ON oidc_payloads (expires_at);

-- Signing keys, private JWKs encrypted with SECRETS_SYSTEM. The newest active key signs; all active ones verify.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  encrypted_jwk text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz
);

-- Handled login/consent/logout challenges (Hydra answers 410 with redirect_to when one is reused).
CREATE TABLE handled_challenges (
  challenge text PRIMARY KEY,
  kind text NOT NULL,
  redirect_to text NOT NULL,
  expires_at timestamptz NOT NULL
);

-- Consent sessions in Hydra's sense: one per grant, with what was granted and whether it is remembered.
CREATE TABLE consent_sessions (
  grant_id text PRIMARY KEY,
  subject text NOT NULL,
  client_id text NOT NULL,
  granted_scope text[] NOT NULL,
  granted_audience text[] NOT NULL DEFAULT '{}',
  remember boolean NOT NULL DEFAULT false,
  remember_until timestamptz,
  session_claims jsonb NOT NULL DEFAULT '{}',
  consent_request jsonb NOT NULL,
  handled_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX consent_sessions_subject ON consent_sessions (subject, client_id);

-- Throttling that holds across processes (client authentication failures, login codes, …).
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL
);
