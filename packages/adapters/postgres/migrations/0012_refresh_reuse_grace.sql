-- Up Migration
-- The refresh token a session's current one replaced, and until when it may rotate again: a client that reloads
-- or loses the connection while its refresh is in flight presents that token once more, and inside this window
-- the retry rotates instead of ending the session as a replay.

ALTER TABLE sessions ADD COLUMN previous_token_hash text UNIQUE;
ALTER TABLE sessions ADD COLUMN previous_valid_until timestamptz;
