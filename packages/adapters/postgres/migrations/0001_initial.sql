-- Up Migration
-- Every object is created unqualified: the migration runner sets search_path to the target schema, so one
-- database can hold several isolated LimitedCart schemas (one per test file, one per tenant).

CREATE TABLE products (
  id text PRIMARY KEY,
  sku text NOT NULL,
  name text NOT NULL,
  description text NOT NULL,
  price_amount bigint NOT NULL CHECK (price_amount >= 0),
  currency text NOT NULL,
  max_quantity_per_customer integer NOT NULL CHECK (max_quantity_per_customer >= 0),
  active boolean NOT NULL,
  archived boolean NOT NULL DEFAULT false,
  sale_starts_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  seq bigserial NOT NULL
);
CREATE INDEX products_sku_idx ON products (sku);
CREATE INDEX products_seq_idx ON products (seq);

CREATE TABLE customers (
  id text PRIMARY KEY,
  email text NOT NULL,
  password_hash text NOT NULL,
  roles text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  seq bigserial NOT NULL
);
-- Emails compare case-insensitively: the index, not the application, makes registration race-free.
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));
CREATE INDEX customers_seq_idx ON customers (seq);

CREATE TABLE orders (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  product_id text NOT NULL,
  sku text NOT NULL,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price_amount bigint NOT NULL CHECK (unit_price_amount >= 0),
  total_amount bigint NOT NULL CHECK (total_amount >= 0),
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING', 'PAYMENT_PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED', 'FAILED')),
  status_reason text,
  hold_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  seq bigserial NOT NULL
);
CREATE INDEX orders_customer_idx ON orders (customer_id, seq);
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_product_idx ON orders (product_id);
CREATE INDEX orders_seq_idx ON orders (seq);

CREATE TABLE payments (
  id text PRIMARY KEY,
  order_id text NOT NULL,
  customer_id text NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('INITIATED', 'SUCCEEDED', 'DECLINED', 'ERROR', 'REFUNDED')),
  token text NOT NULL UNIQUE,
  gateway_reference text,
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  seq bigserial NOT NULL
);
CREATE INDEX payments_order_idx ON payments (order_id, seq);

CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  response_status integer,
  response_body jsonb,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (scope, key)
);

-- The outbox is the durable event log. `position` orders it; appenders serialise on a transaction-level
-- advisory lock, so positions become visible in commit order and a reader never skips a row that commits late.
CREATE TABLE outbox (
  position bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  topic text NOT NULL,
  type text NOT NULL,
  aggregate_id text NOT NULL,
  payload jsonb NOT NULL,
  occurred_at text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  shipped_at timestamptz,
  lease_until timestamptz
);
CREATE INDEX outbox_topic_position_idx ON outbox (topic, position);
CREATE INDEX outbox_unshipped_idx ON outbox (position) WHERE shipped_at IS NULL;

CREATE TABLE processed_events (
  group_name text NOT NULL,
  event_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (group_name, event_id)
);

-- One row per (consumer group, topic): the last outbox position the group handled, and which member holds it.
CREATE TABLE consumer_offsets (
  group_name text NOT NULL,
  topic text NOT NULL,
  position bigint NOT NULL CHECK (position >= 0),
  lease_owner text,
  lease_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (group_name, topic)
);

-- The stock ledger. The CHECKs make the invariant a database fact: no code path can oversell or lose a unit.
CREATE TABLE stock (
  sku text PRIMARY KEY,
  available integer NOT NULL CHECK (available >= 0),
  held integer NOT NULL CHECK (held >= 0),
  sold integer NOT NULL CHECK (sold >= 0),
  restocked_total integer NOT NULL CHECK (restocked_total >= 0),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK (restocked_total = available + held + sold)
);

CREATE TABLE stock_holds (
  order_id text PRIMARY KEY,
  sku text NOT NULL,
  customer_id text NOT NULL,
  qty integer NOT NULL CHECK (qty > 0),
  state text NOT NULL CHECK (state IN ('HELD', 'COMMITTED', 'RELEASED')),
  hold_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX stock_holds_expiry_idx ON stock_holds (hold_until) WHERE state = 'HELD';

-- Units a customer holds or bought per SKU. Locking this row serialises one customer's concurrent reservations
-- of one SKU, which is what makes the per-customer limit exact.
CREATE TABLE customer_sku_counts (
  sku text NOT NULL,
  customer_id text NOT NULL,
  units integer NOT NULL CHECK (units >= 0),
  PRIMARY KEY (sku, customer_id)
);

CREATE TABLE restock_ops (
  op_id text PRIMARY KEY,
  sku text NOT NULL,
  qty integer NOT NULL CHECK (qty > 0),
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Gate operations run as one server-side function each, so a reservation costs one statement and the hot
-- stock row stays locked only for the end of that statement and its commit. Lock order everywhere:
-- customer counter → stock row → hold row for reservations, hold row → customer counter → stock row for
-- release; neither waits for a lock the other takes first, so concurrent gate calls cannot deadlock.
-- A rejected call writes nothing (at most an empty counter row), so callers commit whatever the outcome.
CREATE FUNCTION gate_reserve(
  p_sku text, p_qty integer, p_order_id text, p_customer_id text, p_limit integer, p_hold_until timestamptz
) RETURNS text LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_units integer;
BEGIN
  PERFORM 1 FROM stock WHERE sku = p_sku;
  IF NOT FOUND THEN
    RETURN 'NOT_ON_SALE';
  END IF;
  PERFORM 1 FROM stock_holds WHERE order_id = p_order_id;
  IF FOUND THEN
    RETURN 'DUPLICATE';
  END IF;
  -- Locking the customer's counter serialises one customer's reservations of this SKU: the limit check below
  -- sees every earlier reservation of theirs, committed.
  INSERT INTO customer_sku_counts (sku, customer_id, units) VALUES (p_sku, p_customer_id, 0)
  ON CONFLICT (sku, customer_id) DO NOTHING;
  SELECT units INTO v_units FROM customer_sku_counts WHERE sku = p_sku AND customer_id = p_customer_id FOR UPDATE;
  -- A duplicate of this order by the same customer committed while we waited for the counter.
  PERFORM 1 FROM stock_holds WHERE order_id = p_order_id;
  IF FOUND THEN
    RETURN 'DUPLICATE';
  END IF;
  IF p_limit > 0 AND v_units + p_qty > p_limit THEN
    RETURN 'LIMIT_EXCEEDED';
  END IF;
  UPDATE stock SET available = available - p_qty, held = held + p_qty, updated_at = clock_timestamp()
  WHERE sku = p_sku AND available >= p_qty;
  IF NOT FOUND THEN
    RETURN 'SOLD_OUT';
  END IF;
  -- The primary key is the last word on idempotency: a concurrent duplicate under another customer id waits
  -- here for the first attempt, then finds its row and gives the units back.
  INSERT INTO stock_holds (order_id, sku, customer_id, qty, state, hold_until)
  VALUES (p_order_id, p_sku, p_customer_id, p_qty, 'HELD', p_hold_until)
  ON CONFLICT (order_id) DO NOTHING;
  IF NOT FOUND THEN
    UPDATE stock SET available = available + p_qty, held = held - p_qty WHERE sku = p_sku;
    RETURN 'DUPLICATE';
  END IF;
  UPDATE customer_sku_counts SET units = units + p_qty WHERE sku = p_sku AND customer_id = p_customer_id;
  RETURN 'OK';
END;
$$;

CREATE FUNCTION gate_commit(p_order_id text) RETURNS text LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_hold stock_holds%ROWTYPE;
BEGIN
  SELECT * INTO v_hold FROM stock_holds WHERE order_id = p_order_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'UNKNOWN';
  ELSIF v_hold.state = 'COMMITTED' THEN
    RETURN 'UNCHANGED';
  ELSIF v_hold.state = 'RELEASED' THEN
    RETURN 'RELEASED';
  END IF;
  UPDATE stock_holds SET state = 'COMMITTED', updated_at = clock_timestamp() WHERE order_id = p_order_id;
  UPDATE stock SET held = held - v_hold.qty, sold = sold + v_hold.qty, updated_at = clock_timestamp()
  WHERE sku = v_hold.sku;
  RETURN 'CHANGED';
END;
$$;

-- p_due_at, when given, releases the hold only if it lapsed by then (the expiry sweep must not release a hold
-- whose state changed between listing and releasing it).
CREATE FUNCTION gate_release(p_order_id text, p_due_at timestamptz) RETURNS text
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_hold stock_holds%ROWTYPE;
BEGIN
  SELECT * INTO v_hold FROM stock_holds WHERE order_id = p_order_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'UNKNOWN';
  ELSIF v_hold.state = 'RELEASED' THEN
    RETURN 'UNCHANGED';
  ELSIF v_hold.state = 'COMMITTED' THEN
    RETURN 'COMMITTED';
  ELSIF p_due_at IS NOT NULL AND v_hold.hold_until > p_due_at THEN
    RETURN 'NOT_DUE';
  END IF;
  UPDATE stock_holds SET state = 'RELEASED', updated_at = clock_timestamp() WHERE order_id = p_order_id;
  UPDATE customer_sku_counts SET units = units - v_hold.qty
  WHERE sku = v_hold.sku AND customer_id = v_hold.customer_id;
  UPDATE stock SET available = available + v_hold.qty, held = held - v_hold.qty, updated_at = clock_timestamp()
  WHERE sku = v_hold.sku;
  RETURN 'CHANGED';
END;
$$;

-- A replayed op id changes nothing, whatever SKU or quantity it names now (the caller's retry of an old request).
CREATE FUNCTION gate_restock(p_sku text, p_qty integer, p_op_id text) RETURNS text
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO restock_ops (op_id, sku, qty) VALUES (p_op_id, p_sku, p_qty) ON CONFLICT (op_id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN 'DUPLICATE';
  END IF;
  INSERT INTO stock AS s (sku, available, held, sold, restocked_total) VALUES (p_sku, p_qty, 0, 0, p_qty)
  ON CONFLICT (sku) DO UPDATE
  SET available = s.available + EXCLUDED.available,
      restocked_total = s.restocked_total + EXCLUDED.restocked_total,
      updated_at = clock_timestamp();
  RETURN 'APPLIED';
END;
$$;
