-- Identity: users, one-time login codes, session tokens (the Bearer authToken of /auth/*), TOTP.

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text UNIQUE CHECK (email = lower(email)),
  phone text UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  -- TOTP secret encrypted with SECRETS_SYSTEM (it must be readable to verify codes, so it cannot be hashed).
  totp_secret text,
  totp_enabled_at timestamptz,
  -- Last accepted TOTP time step: a code is accepted once (RFC 6238 section 5.2).
  totp_last_step bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- One row per code sent. The id is Blink's emailLoginId; code_hash is an HMAC of (id, code).
CREATE TABLE login_codes (
  id uuid PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('email', 'phone')),
  address text NOT NULL,
  code_hash text NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz,
  created_at timestamptz NOT NULL
);
CREATE INDEX login_codes_address ON login_codes (channel, address, created_at DESC);
CREATE INDEX login_codes_expires ON login_codes (expires_at);

-- Session tokens, stored as SHA-256. A session waiting for its TOTP code is not valid for the API.
CREATE TABLE identity_sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  totp_pending boolean NOT NULL DEFAULT false,
  totp_failed_attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX identity_sessions_user ON identity_sessions (user_id);

-- TOTP enrollments awaiting their first code (Blink's totpRegistrationId).
CREATE TABLE totp_registrations (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  secret text NOT NULL,
  expires_at timestamptz NOT NULL
);
