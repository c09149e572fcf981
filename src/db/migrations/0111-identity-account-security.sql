-- Issue 17: the account area's security pieces in the identity module.

-- TOTP recovery codes (#7): shown once, stored as a keyed hash (HMAC with SECRETS_SYSTEM, bound to the user),
-- each usable once (used_at), replaced as a set, gone when TOTP is turned off.
CREATE TABLE recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- Passkeys (WebAuthn credentials). The public key is public; the credential id is unique across users.
CREATE TABLE passkeys (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  credential_id text NOT NULL UNIQUE,
  public_key text NOT NULL,
  counter bigint NOT NULL DEFAULT 0,
  transports jsonb NOT NULL DEFAULT '[]',
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- WebAuthn challenges: single use (used_at), short-lived, found by the SHA-256 of a handle that only the
-- browser that asked holds (a signed HttpOnly cookie), and tied to what they were for (the login challenge,
-- the pending session or the user registering).
CREATE TABLE webauthn_challenges (
  handle_hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('register', 'sign-in', 'second-factor')),
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  binding text NOT NULL,
  challenge text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX webauthn_challenges_expires ON webauthn_challenges (expires_at);

-- The account area's activity: sign-ins and security changes, newest first, kept 90 days.
CREATE TABLE account_activity (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL,
  detail text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL
);
CREATE INDEX account_activity_user ON account_activity (user_id, created_at DESC);
