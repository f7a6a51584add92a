-- Up Migration
-- The outbox is read in the order of the appending transactions' ids instead of the order of positions. Appenders
-- used to take turns on one advisory lock until commit so that positions became visible in order; under a drop
-- that lock was the queue every accepted order and every saga step waited in. Now appenders run concurrently and
-- readers only read rows of transactions older than every transaction still running (`pg_snapshot_xmin`): a
-- transaction id assigned later is always larger, so nothing can appear behind a reader's cursor.
--
-- Rows written before this migration all carry its transaction id and keep their position order; offsets are
-- moved to that id so every group resumes exactly where it was.

ALTER TABLE outbox ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX outbox_topic_xid_position_idx ON outbox (topic, xid, position);
DROP INDEX outbox_topic_position_idx;

ALTER TABLE consumer_offsets ADD COLUMN xid xid8 NOT NULL DEFAULT '0';
UPDATE consumer_offsets SET xid = pg_current_xact_id();
