-- Up Migration
-- gate_reserve_many decides many reservations in one statement and one commit. During a drop every accepted
-- order used to pay a round trip, a commit and a turn on the hot stock row of its own; reservations that arrive
-- together now share them. Each request gets exactly the outcome gate_reserve would give it, in request order.
--
-- Lock order: every customer counter a request may update is locked first, sorted by (sku, customer_id), and only
-- then the stock rows, in SKU order (requests are decided SKU by SKU, each SKU's in request order). A single gate_reserve and gate_release also take the counter before
-- the stock row, so batches and single calls never wait on each other in a cycle. Counters are only pre-locked
-- for SKUs that still have the units: a sold-out batch is answered from unlocked reads, as in 0002.

CREATE OR REPLACE FUNCTION gate_reserve_many(p_requests jsonb) RETURNS text[] LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  r record;
  v_outcomes text[] := array_fill(NULL::text, ARRAY[jsonb_array_length(p_requests)]);
BEGIN
  INSERT INTO customer_sku_counts (sku, customer_id, units)
  SELECT DISTINCT x.sku, x.customer_id, 0
  FROM jsonb_to_recordset(p_requests) AS x (sku text, qty integer, customer_id text)
  JOIN stock s ON s.sku = x.sku AND s.available >= x.qty
  ORDER BY 1, 2
  ON CONFLICT (sku, customer_id) DO NOTHING;

  PERFORM 1 FROM customer_sku_counts c
  WHERE (c.sku, c.customer_id) IN (
    SELECT x.sku, x.customer_id
    FROM jsonb_to_recordset(p_requests) AS x (sku text, qty integer, customer_id text)
    JOIN stock s ON s.sku = x.sku AND s.available >= x.qty)
  ORDER BY c.sku, c.customer_id
  FOR UPDATE OF c;

  FOR r IN
    SELECT x.* FROM ROWS FROM (jsonb_to_recordset(p_requests)
      AS (sku text, qty integer, order_id text, customer_id text, max_per_customer integer, hold_until timestamptz))
      WITH ORDINALITY AS x (sku, qty, order_id, customer_id, max_per_customer, hold_until, n)
    ORDER BY x.sku, x.n
  LOOP
    v_outcomes[r.n] := gate_reserve(r.sku, r.qty, r.order_id, r.customer_id, r.max_per_customer, r.hold_until);
  END LOOP;
  RETURN v_outcomes;
END;
$$;
