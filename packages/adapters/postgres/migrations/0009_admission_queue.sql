-- Up Migration
-- The waiting room of drops (core's AdmissionQueue). One row per queued drop, one per customer in its line.
--
-- Order of the line: `ticket`. In `fifo` every join takes the drop's next ticket. In `raffle-then-fifo` joins before
-- the opening have no ticket; the first operation at or after `opens_at` (database clock) draws them: tickets 1..E in
-- a random order, and later joins continue from E + 1. Joins, the draw and admissions of one drop take turns on the
-- drop's row lock, so no join can slip past a draw and tickets are handed out in commit order.
-- A waiting shopper's position is 1 + the number of waiting entries with a smaller ticket.

CREATE TABLE queue_drops (
  drop_id text PRIMARY KEY,
  mode text NOT NULL CHECK (mode IN ('raffle-then-fifo', 'fifo')),
  opens_at timestamptz NOT NULL,
  drawn boolean NOT NULL,
  state text NOT NULL DEFAULT 'OPEN' CHECK (state IN ('OPEN', 'SOLD_OUT')),
  next_ticket bigint NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  closed_at timestamptz
);

-- A waiting entry of a closed drop is reported SOLD_OUT; an ADMITTED entry past admitted_until is reported EXPIRED
-- (and counted so) until expire() settles it.
CREATE TABLE queue_entries (
  drop_id text NOT NULL REFERENCES queue_drops (drop_id) ON DELETE CASCADE,
  customer_id text NOT NULL,
  state text NOT NULL CHECK (state IN ('WAITING', 'ADMITTED', 'USED', 'EXPIRED', 'LEFT')),
  ticket bigint,
  joined_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  admitted_until timestamptz,
  PRIMARY KEY (drop_id, customer_id),
  CHECK (state IN ('WAITING', 'LEFT') OR (ticket IS NOT NULL AND admitted_until IS NOT NULL))
);
CREATE INDEX queue_entries_waiting_idx ON queue_entries (drop_id, ticket) WHERE state = 'WAITING';
CREATE INDEX queue_entries_admitted_idx ON queue_entries (drop_id, admitted_until) WHERE state = 'ADMITTED';
CREATE INDEX queue_entries_state_idx ON queue_entries (drop_id, state);

-- Applied admit calls by opId: a repeated admit returns these customers and admits nobody more.
CREATE TABLE queue_admit_ops (
  drop_id text NOT NULL REFERENCES queue_drops (drop_id) ON DELETE CASCADE,
  op_id text NOT NULL,
  customer_ids text[] NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (drop_id, op_id)
);

-- Draws a raffle whose opening has come. The UPDATE takes the drop's row lock, so it waits for joins in flight, and
-- the entries statement after it sees every one of them. gen_random_uuid() draws from the server's strong random
-- source.
CREATE FUNCTION queue_settle(p_drop text) RETURNS void LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_early bigint;
BEGIN
  UPDATE queue_drops SET drawn = true WHERE drop_id = p_drop AND NOT drawn AND opens_at <= clock_timestamp();
  IF NOT FOUND THEN
    RETURN;
  END IF;
  WITH draw AS (
    SELECT customer_id, row_number() OVER (ORDER BY gen_random_uuid()) AS n
    FROM queue_entries WHERE drop_id = p_drop AND ticket IS NULL
  )
  UPDATE queue_entries e SET ticket = draw.n FROM draw WHERE e.drop_id = p_drop AND e.customer_id = draw.customer_id;
  GET DIAGNOSTICS v_early = ROW_COUNT;
  UPDATE queue_drops SET next_ticket = next_ticket + v_early WHERE drop_id = p_drop;
END;
$$;

-- One entry as the port reports it.
CREATE FUNCTION queue_entry_view(p_drop text, p_customer text)
RETURNS TABLE (state text, "position" bigint, joined_at timestamptz, admitted_until timestamptz)
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
  SELECT
    CASE
      WHEN e.state = 'WAITING' AND d.state = 'SOLD_OUT' THEN 'SOLD_OUT'
      WHEN e.state = 'ADMITTED' AND e.admitted_until <= clock_timestamp() THEN 'EXPIRED'
      ELSE e.state
    END,
    CASE
      WHEN e.state = 'WAITING' AND d.state = 'OPEN' AND e.ticket IS NOT NULL THEN
        1 + (SELECT count(*) FROM queue_entries w WHERE w.drop_id = p_drop AND w.state = 'WAITING' AND w.ticket < e.ticket)
    END,
    e.joined_at,
    e.admitted_until
  FROM queue_entries e JOIN queue_drops d ON d.drop_id = e.drop_id
  WHERE e.drop_id = p_drop AND e.customer_id = p_customer
$$;

-- position, complete and leave: the entry after settling the drop (and applying the change), one round trip each.
CREATE FUNCTION queue_position(p_drop text, p_customer text)
RETURNS TABLE (state text, "position" bigint, joined_at timestamptz, admitted_until timestamptz)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  PERFORM queue_settle(p_drop);
  RETURN QUERY SELECT * FROM queue_entry_view(p_drop, p_customer);
END;
$$;

CREATE FUNCTION queue_complete(p_drop text, p_customer text)
RETURNS TABLE (state text, "position" bigint, joined_at timestamptz, admitted_until timestamptz)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE queue_entries e SET state = 'USED'
  WHERE e.drop_id = p_drop AND e.customer_id = p_customer AND e.state = 'ADMITTED' AND e.admitted_until > clock_timestamp();
  RETURN QUERY SELECT * FROM queue_entry_view(p_drop, p_customer);
END;
$$;

CREATE FUNCTION queue_leave(p_drop text, p_customer text)
RETURNS TABLE (state text, "position" bigint, joined_at timestamptz, admitted_until timestamptz)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE queue_entries e SET state = 'LEFT'
  FROM queue_drops d
  WHERE e.drop_id = p_drop AND e.customer_id = p_customer AND d.drop_id = e.drop_id
    AND ((e.state = 'WAITING' AND d.state = 'OPEN') OR (e.state = 'ADMITTED' AND e.admitted_until > clock_timestamp()));
  RETURN QUERY SELECT * FROM queue_entry_view(p_drop, p_customer);
END;
$$;

-- outcome: JOINED | EXISTING (with the entry), NO_QUEUE | SOLD_OUT (without).
CREATE FUNCTION queue_join(p_drop text, p_customer text)
RETURNS TABLE (outcome text, state text, "position" bigint, joined_at timestamptz, admitted_until timestamptz)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_drop queue_drops;
  v_ticket bigint;
BEGIN
  PERFORM queue_settle(p_drop);
  -- A repeated join (a shopper's retry, a second tab) is answered without taking the drop's lock.
  IF EXISTS (SELECT 1 FROM queue_entries e WHERE e.drop_id = p_drop AND e.customer_id = p_customer) THEN
    RETURN QUERY SELECT 'EXISTING', v.* FROM queue_entry_view(p_drop, p_customer) v;
    RETURN;
  END IF;
  SELECT * INTO v_drop FROM queue_drops d WHERE d.drop_id = p_drop FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'NO_QUEUE', NULL::text, NULL::bigint, NULL::timestamptz, NULL::timestamptz;
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM queue_entries e WHERE e.drop_id = p_drop AND e.customer_id = p_customer) THEN
    RETURN QUERY SELECT 'EXISTING', v.* FROM queue_entry_view(p_drop, p_customer) v;
    RETURN;
  END IF;
  IF v_drop.state <> 'OPEN' THEN
    RETURN QUERY SELECT 'SOLD_OUT', NULL::text, NULL::bigint, NULL::timestamptz, NULL::timestamptz;
    RETURN;
  END IF;
  IF NOT v_drop.drawn AND v_drop.opens_at <= clock_timestamp() THEN
    -- The opening came while this join waited for the lock: draw first (this transaction holds the lock already).
    PERFORM queue_settle(p_drop);
    SELECT * INTO v_drop FROM queue_drops d WHERE d.drop_id = p_drop;
  END IF;
  IF v_drop.drawn THEN
    v_ticket := v_drop.next_ticket;
    UPDATE queue_drops d SET next_ticket = d.next_ticket + 1 WHERE d.drop_id = p_drop;
  END IF;
  INSERT INTO queue_entries (drop_id, customer_id, state, ticket) VALUES (p_drop, p_customer, 'WAITING', v_ticket);
  RETURN QUERY SELECT 'JOINED', v.* FROM queue_entry_view(p_drop, p_customer) v;
END;
$$;

-- Admits up to p_count waiting shoppers in ticket order, keeping running admissions at or below p_max_active (when
-- given). Admits nobody before the opening or once sold out. Idempotent per p_op.
-- Returns {"replayed": bool, "admitted": [[customer id, admitted_until in epoch ms], ...]} in queue order.
CREATE FUNCTION queue_admit(p_drop text, p_count integer, p_max_active integer, p_for_ms bigint, p_op text)
RETURNS jsonb LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_drop queue_drops;
  v_ids text[];
  v_room bigint := p_count;
  v_now timestamptz;
  v_until timestamptz;
BEGIN
  SELECT * INTO v_drop FROM queue_drops d WHERE d.drop_id = p_drop FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('replayed', false, 'admitted', '[]'::jsonb);
  END IF;
  SELECT o.customer_ids INTO v_ids FROM queue_admit_ops o WHERE o.drop_id = p_drop AND o.op_id = p_op;
  IF FOUND THEN
    RETURN jsonb_build_object('replayed', true, 'admitted', coalesce((
      SELECT jsonb_agg(jsonb_build_array(u.id, floor(extract(epoch FROM e.admitted_until) * 1000)::bigint) ORDER BY u.n)
      FROM unnest(v_ids) WITH ORDINALITY AS u (id, n)
      JOIN queue_entries e ON e.drop_id = p_drop AND e.customer_id = u.id
    ), '[]'::jsonb));
  END IF;
  PERFORM queue_settle(p_drop);
  SELECT * INTO v_drop FROM queue_drops d WHERE d.drop_id = p_drop;
  v_now := clock_timestamp();
  IF v_drop.state <> 'OPEN' OR NOT v_drop.drawn OR v_now < v_drop.opens_at THEN
    v_room := 0;
  ELSIF p_max_active IS NOT NULL THEN
    v_room := least(v_room, greatest(0, p_max_active - (
      SELECT count(*) FROM queue_entries e WHERE e.drop_id = p_drop AND e.state = 'ADMITTED' AND e.admitted_until > v_now
    )));
  END IF;
  v_until := v_now + p_for_ms * interval '1 millisecond';
  -- state = 'WAITING' is checked again by the UPDATE: a shopper who left meanwhile is not admitted.
  WITH picked AS (
    SELECT e.customer_id FROM queue_entries e
    WHERE e.drop_id = p_drop AND e.state = 'WAITING' AND e.ticket IS NOT NULL
    ORDER BY e.ticket LIMIT v_room
  ), admitted AS (
    UPDATE queue_entries e SET state = 'ADMITTED', admitted_until = v_until
    FROM picked WHERE e.drop_id = p_drop AND e.customer_id = picked.customer_id AND e.state = 'WAITING'
    RETURNING e.customer_id, e.ticket
  )
  SELECT coalesce(array_agg(a.customer_id ORDER BY a.ticket), '{}') INTO v_ids FROM admitted a;
  INSERT INTO queue_admit_ops (drop_id, op_id, customer_ids) VALUES (p_drop, p_op, v_ids);
  RETURN jsonb_build_object('replayed', false, 'admitted', coalesce((
    SELECT jsonb_agg(jsonb_build_array(u.id, floor(extract(epoch FROM v_until) * 1000)::bigint) ORDER BY u.n)
    FROM unnest(v_ids) WITH ORDINALITY AS u (id, n)
  ), '[]'::jsonb));
END;
$$;

-- The drop's settings and counts (no row for a drop without a queue).
CREATE FUNCTION queue_status(p_drop text)
RETURNS TABLE (
  mode text, opens_at timestamptz, state text, drawn boolean,
  lined bigint, admitted bigint, used bigint, abandoned bigint
)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_now timestamptz;
BEGIN
  PERFORM queue_settle(p_drop);
  v_now := clock_timestamp();
  RETURN QUERY
    SELECT d.mode, d.opens_at, d.state, d.drawn,
      count(*) FILTER (WHERE e.state = 'WAITING'),
      count(*) FILTER (WHERE e.state = 'ADMITTED' AND e.admitted_until > v_now),
      count(*) FILTER (WHERE e.state = 'USED'),
      count(*) FILTER (WHERE e.state IN ('LEFT', 'EXPIRED') OR (e.state = 'ADMITTED' AND e.admitted_until <= v_now))
    FROM queue_drops d LEFT JOIN queue_entries e ON e.drop_id = d.drop_id
    WHERE d.drop_id = p_drop
    GROUP BY d.drop_id;
END;
$$;
