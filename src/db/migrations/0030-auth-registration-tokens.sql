-- Issue 16, RFC 7592: the registration access token of a dynamically registered client (POST /oauth2/register),
-- kept only as a hash; it goes with its client.
CREATE TABLE oauth2_client_registration_tokens (
  client_id text PRIMARY KEY REFERENCES oauth2_clients (client_id) ON DELETE CASCADE,
  token_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
