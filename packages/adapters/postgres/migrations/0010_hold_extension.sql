-- Up Migration
-- A payment that starts near the end of a hold extends it once by a grace period (`StockGate.extendHold`).
-- `extended` records that the hold used its one extension; the decision reads the database's clock, as the expiry
-- sweep does, so the sweep and the extension never disagree about whether a hold is still live.

ALTER TABLE stock_holds ADD COLUMN extended boolean NOT NULL DEFAULT false;

CREATE FUNCTION gate_extend_hold(p_order_id text, p_grace_ms integer) RETURNS text
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_hold stock_holds%ROWTYPE;
  v_now timestamptz := clock_timestamp();
  v_until timestamptz := clock_timestamp() + make_interval(secs => p_grace_ms / 1000.0);
BEGIN
  SELECT * INTO v_hold FROM stock_holds WHERE order_id = p_order_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'UNKNOWN';
  ELSIF v_hold.state <> 'HELD' THEN
    RETURN v_hold.state;
  ELSIF v_hold.hold_until <= v_now THEN
    RETURN 'LAPSED';
  ELSIF v_hold.extended OR v_hold.hold_until >= v_until THEN
    RETURN 'KEPT';
  END IF;
  UPDATE stock_holds SET hold_until = v_until, extended = true, updated_at = v_now WHERE order_id = p_order_id;
  RETURN 'EXTENDED';
END;
$$;
