-- Up Migration
-- gate_reserve answers a sold-out SKU from one unlocked read, without creating the customer's counter row or
-- taking its lock: during a drop nearly every attempt after the last unit is such a rejection, and each used to
-- write (and lock) a row. The per-customer limit keeps precedence: a customer at their limit still hears
-- LIMIT_EXCEEDED. A SOLD_OUT read this way is a moment at which the SKU really had too few units, so answering it
-- is as exact as the locked path; anything that may succeed still takes the locked path below.

CREATE OR REPLACE FUNCTION gate_reserve(
  p_sku text, p_qty integer, p_order_id text, p_customer_id text, p_limit integer, p_hold_until timestamptz
) RETURNS text LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_units integer;
  v_available integer;
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
