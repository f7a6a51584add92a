-- Up Migration
-- One open payment per order. Every payment link a shopper opened could be charged, all at once (the gateway bills
-- each capture, the late ones were refunded afterwards); initiatePayment now hands out the order's live payment, and
-- this index makes "at most one INITIATED or ERROR payment per order" a database fact, so two replicas opening a link
-- for the same order at the same moment cannot both succeed (the second insert is a unique violation → CONFLICT).
--
-- Orders may already have several open payments. The newest stays open; the older ones are closed as DECLINED
-- with a reason saying why, so the index can be built. None of them was charged (a charged payment is SUCCEEDED or
-- REFUNDED), so closing them changes no money, only which link still works.

UPDATE payments AS p
SET status = 'DECLINED', failure_reason = 'superseded: an order has one open payment', updated_at = clock_timestamp()
WHERE p.status IN ('INITIATED', 'ERROR')
  AND EXISTS (
    SELECT 1 FROM payments AS newer
    WHERE newer.order_id = p.order_id AND newer.status IN ('INITIATED', 'ERROR') AND newer.seq > p.seq
  );

CREATE UNIQUE INDEX payments_one_open_per_order ON payments (order_id) WHERE status IN ('INITIATED', 'ERROR');
