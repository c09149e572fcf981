-- Issue 16, DPoP (RFC 9449 section 11.1): the jti of every accepted proof, hashed, until the proof could no
-- longer be accepted anyway. One unique insert per proof refuses a replay in every process (the token
-- endpoint and the wallet API share the table; the key names where the proof was used).
CREATE TABLE dpop_replays (
  jti_hash text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX dpop_replays_expires ON dpop_replays (expires_at);
