-- Up Migration
-- Sessions: an account can be locked, and a per-account session version ends every access token issued before a
-- change of roles or of the lock. Refresh tokens are stored as hashes only; the hashes of rotated-away tokens are
-- kept so that a replayed token is recognised (and revokes its session) instead of looking unknown.

ALTER TABLE customers ADD COLUMN disabled boolean NOT NULL DEFAULT false;
ALTER TABLE customers ADD COLUMN session_version integer NOT NULL DEFAULT 1;

-- No foreign key to customers: sessions of a deleted account are refused because the account is gone, and the
-- session store stays usable on its own.
CREATE TABLE sessions (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  refresh_token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  refreshed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason text CHECK (revoked_reason IN ('LOGOUT', 'LOGOUT_ALL', 'REFRESH_REUSED', 'ACCOUNT_DISABLED')),
  CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX sessions_live_by_customer_idx ON sessions (customer_id) WHERE revoked_at IS NULL;

CREATE TABLE session_rotated_tokens (
  token_hash text PRIMARY KEY,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  rotated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX session_rotated_tokens_session_idx ON session_rotated_tokens (session_id);
