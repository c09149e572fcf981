-- Issue 19 #5: tokens, codes and session cookie values are stored under an HMAC of the value, keyed from
-- SECRETS_SYSTEM (src/auth/oidc/token-ids.ts), never in the clear. SQL does not know the secret, so rows
-- stored before this change leave the live table here, and the auth server hashes them back in at its
-- next start (src/auth/oidc/legacy-token-ids.ts); until then they are not usable, and afterwards this
-- table stays empty. Grants, interactions (challenges) and logout requests keep their ids.
CREATE TABLE oidc_payloads_unhashed (LIKE oidc_payloads INCLUDING DEFAULTS);
INSERT INTO oidc_payloads_unhashed
  SELECT * FROM oidc_payloads
   WHERE model IN ('Session', 'AccessToken', 'AuthorizationCode', 'RefreshToken', 'ClientCredentials', 'DeviceCode',
                   'BackchannelAuthenticationRequest', 'PushedAuthorizationRequest', 'ReplayDetection',
                   'RegistrationAccessToken', 'InitialAccessToken');
DELETE FROM oidc_payloads
 WHERE model IN ('Session', 'AccessToken', 'AuthorizationCode', 'RefreshToken', 'ClientCredentials', 'DeviceCode',
                 'BackchannelAuthenticationRequest', 'PushedAuthorizationRequest', 'ReplayDetection',
                 'RegistrationAccessToken', 'InitialAccessToken');
-- oidc-provider keeps a copy of the session cookie in an interaction and never reads it back.
UPDATE oidc_payloads SET payload = payload #- '{session,cookie}' WHERE model = 'Interaction' AND payload->'session' ? 'cookie';
