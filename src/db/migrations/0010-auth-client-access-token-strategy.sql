-- Clients stored before issue 13 carry access_token_strategy = "opaque" whatever they were created with.
-- Hydra returns the field only when the client set it, and Terraform's hydra provider does not treat it as
-- computed: a stored default made every `plan` show a change. Unset it; the server's default (opaque) applies.
UPDATE oauth2_clients SET metadata = metadata - 'access_token_strategy'
 WHERE metadata->>'access_token_strategy' = 'opaque';
