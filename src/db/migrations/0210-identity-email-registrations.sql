-- Issue 13: adding an email address to a signed-in user (Blink's userEmailRegistrationInitiate/Validate). A code
-- sent to the new address proves it; kept apart from login_codes so that a registration code never signs anyone in.
CREATE TABLE email_registrations (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email text NOT NULL CHECK (email = lower(email)),
  -- HMAC of (id, code) with SECRETS_SYSTEM, as login_codes.code_hash.
  code_hash text NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX email_registrations_user ON email_registrations (user_id, created_at DESC);
CREATE INDEX email_registrations_expires ON email_registrations (expires_at);
