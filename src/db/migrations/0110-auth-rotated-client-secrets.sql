-- Issue 17 #5: a rotated client secret keeps working for a grace period (CLIENT_SECRET_ROTATION_GRACE),
-- as Hydra's rotateOAuth2ClientSecret keeps it, so an app can roll the new secret out without downtime.
-- Only hashes; at most five per client (Hydra's limit); a new secret set by PUT/PATCH clears them.
CREATE TABLE oauth2_client_rotated_secrets (
  client_id text NOT NULL REFERENCES oauth2_clients (client_id) ON DELETE CASCADE,
  secret_hash text NOT NULL,
  rotated_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, secret_hash)
);
