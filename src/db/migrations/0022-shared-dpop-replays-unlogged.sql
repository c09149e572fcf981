-- The DPoP jti table (0020) needs no durability: UNLOGGED skips the WAL, so accepting a proof costs no disk
-- flush (every DPoP-bound API request inserts one). A server crash empties it: a proof captured in the
-- last minute before the crash could then be replayed until its iat is older than 60 s (or its nonce expires).
ALTER TABLE dpop_replays SET UNLOGGED;
