-- Up Migration
-- The audit log: who changed roles, products, prices and stock, and when. `seq` orders it (newest first is
-- `ORDER BY seq DESC`); `id` makes appends idempotent (a retried operation is recorded once).
--
-- Append-only: a statement trigger refuses UPDATE, DELETE and TRUNCATE, so no code path and no stray statement run
-- through the application's role can rewrite history. Dropping the schema (or the trigger) still works for someone
-- with DDL rights, which is outside what the application does.

CREATE TABLE audit_log (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  kind text NOT NULL,
  actor_id text,
  subject text NOT NULL,
  details jsonb NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX audit_log_kind_seq_idx ON audit_log (kind, seq);
CREATE INDEX audit_log_subject_seq_idx ON audit_log (subject, seq);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
