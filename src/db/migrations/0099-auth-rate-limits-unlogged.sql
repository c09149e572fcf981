-- Request-rate and throttle counters need no durability: UNLOGGED skips the WAL, so counting a request
-- costs no disk flush (every API request counts one). A server crash empties the table, which only
-- restarts the current windows.
ALTER TABLE rate_limits SET UNLOGGED;
