-- Issue 19 #7: a portal session remembers the auth server's session id (sid) and the ID token of its
-- sign-in (sealed with SECRETS_SYSTEM), for RP-initiated logout (id_token_hint) and back-channel logout
-- (a logout token names the sid, or the subject, whose portal sessions end).
ALTER TABLE portal_sessions ADD COLUMN sid text;
ALTER TABLE portal_sessions ADD COLUMN id_token_sealed text;
CREATE INDEX portal_sessions_sid ON portal_sessions (sid);
CREATE INDEX portal_sessions_user ON portal_sessions (user_id);
