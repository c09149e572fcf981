-- Issue 19 #2: a code remembers which network address asked for it (a hash of the address's bucket), so a
-- new request replaces only that requester's earlier codes, and a phone sign-in checks the code that
-- was sent for the same requester first. Nobody else's requests can cancel a victim's code.
ALTER TABLE login_codes ADD COLUMN requester text;
