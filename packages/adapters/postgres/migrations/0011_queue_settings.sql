-- Up Migration
-- The server-side policy of queued drops (core's QueueSettingsStore) and the entries counted per client address.
-- A policy row marks a drop the admitter serves; the counts feed the per-address cap and the admin view.

CREATE TABLE queue_settings (
  drop_id text PRIMARY KEY,
  policy jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The cap is checked and counted in one statement: an upsert whose update applies only below the cap, so concurrent
-- joins from one address take turns on its row and cannot pass the cap together.
CREATE TABLE queue_address_entries (
  drop_id text NOT NULL,
  address text NOT NULL,
  entries integer NOT NULL CHECK (entries >= 0),
  PRIMARY KEY (drop_id, address)
);
CREATE INDEX queue_address_entries_most_idx ON queue_address_entries (drop_id, entries DESC);
