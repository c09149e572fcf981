-- Developer portal: OAuth2 app applications, portal sessions, one-time reveals of secrets, the admin
-- role granted by the CLI, the audit log of admin actions, and the portal's own settings.

CREATE TABLE portal_applications (
  id uuid PRIMARY KEY,
  owner_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'suspended')),
  name text NOT NULL,
  purpose text NOT NULL,
  website text NOT NULL,
  logo_uri text NOT NULL DEFAULT '',
  policy_uri text NOT NULL DEFAULT '',
  tos_uri text NOT NULL DEFAULT '',
  scopes text[] NOT NULL,
  redirect_uris text[] NOT NULL,
  auth_method text NOT NULL CHECK (auth_method IN ('client_secret_basic', 'client_secret_post', 'none')),
  -- Set when an admin approves; the client lives in the authorization server.
  client_id text UNIQUE,
  -- Scopes of the live client while a request for more scopes waits for review.
  approved_scopes text[],
  rejection_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portal_applications_owner ON portal_applications (owner_id, created_at);
CREATE INDEX portal_applications_status ON portal_applications (status, updated_at);

-- Portal sign-in sessions: the cookie holds a random token, the table its SHA-256.
CREATE TABLE portal_sessions (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX portal_sessions_expires ON portal_sessions (expires_at);

-- A secret to show its owner exactly once (client secret, API key), sealed with SECRETS_SYSTEM and
-- deleted in the same statement that reads it.
CREATE TABLE portal_reveals (
  id uuid PRIMARY KEY,
  user_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('client_secret', 'api_key')),
  ref text NOT NULL,
  sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portal_reveals_owner ON portal_reveals (user_id, kind, ref);

-- Admins granted with `lightgate admin grant <email>` (ADMIN_EMAILS adds more, from config).
CREATE TABLE portal_admins (
  email text PRIMARY KEY CHECK (email = lower(email)),
  granted_by text NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now()
);

-- Every admin action: who, what, when.
CREATE TABLE portal_audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id text,
  actor_email text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX portal_audit_log_at ON portal_audit_log (at DESC);

-- The portal's own settings, e.g. its OAuth client secret (sealed).
CREATE TABLE portal_settings (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
