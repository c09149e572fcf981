-- Numbered after 0300 (which creates portal_applications), outside issue 16's range 0020-0029 for that reason.
-- Issue 16: a developer can ask that every access token of their app be DPoP-bound (RFC 9449
-- dpop_bound_access_tokens on the client the application becomes).
ALTER TABLE portal_applications ADD COLUMN dpop_bound boolean NOT NULL DEFAULT false;
