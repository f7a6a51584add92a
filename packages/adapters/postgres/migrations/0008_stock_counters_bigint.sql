-- Up Migration
-- 64-bit stock counters. `available`, `held`, `sold` and `restocked_total` were int4: restocks adding up past
-- 2,147,483,647 units failed with "integer out of range" (and the database's text reached the caller). They are
-- bigint now, bounded by a CHECK at 2^53 − 1 so every value stays exact as a JavaScript number; a restock beyond it
-- is refused by the constraint like any other invalid value.

ALTER TABLE stock
  ALTER COLUMN available TYPE bigint,
  ALTER COLUMN held TYPE bigint,
  ALTER COLUMN sold TYPE bigint,
  ALTER COLUMN restocked_total TYPE bigint,
  ADD CONSTRAINT stock_restocked_total_exact CHECK (restocked_total <= 9007199254740991);

ALTER TABLE customer_sku_counts ALTER COLUMN units TYPE bigint;

-- gate_reserve read the counters into integer variables; same body as 0002 with bigint ones.
CREATE OR REPLACE FUNCTION gate_reserve(
  p_sku text, p_qty integer, p_order_id text, p_customer_id text, p_limit integer, p_hold_until timestamptz
) RETURNS text LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_units bigint;
  v_available bigint;
BEGIN
  SELECT available INTO v_available FROM stock WHERE sku = p_sku;
  IF NOT FOUND THEN
    RETURN 'NOT_ON_SALE';
  END IF;
  PERFORM 1 FROM stock_holds WHERE order_id = p_order_id;
  IF FOUND THEN
    RETURN 'DUPLICATE';
  END IF;
  IF v_available < p_qty THEN
    SELECT units INTO v_units FROM customer_sku_counts WHERE sku = p_sku AND customer_id = p_customer_id;
    IF p_limit > 0 AND COALESCE(v_units, 0) + p_qty > p_limit THEN
      RETURN 'LIMIT_EXCEEDED';
    END IF;
    RETURN 'SOLD_OUT';
  END IF;
  INSERT INTO customer_sku_counts (sku, customer_id, units) VALUES (p_sku, p_customer_id, 0)
  ON CONFLICT (sku, customer_id) DO NOTHING;
  SELECT units INTO v_units FROM customer_sku_counts WHERE sku = p_sku AND customer_id = p_customer_id FOR UPDATE;
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
