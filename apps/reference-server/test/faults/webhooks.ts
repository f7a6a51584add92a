import { randomUUID } from 'node:crypto';
import { SIGNATURE_HEADER, signWebhook } from '@limitedcart/plugin-payment-mock';
import pg from 'pg';

type WebhookType = 'payment.succeeded' | 'payment.declined';

/** Payment id → (order id, status) of the given orders, read from the row's schema. */
export async function paymentsOf(url: string, schema: string, orderIds: readonly string[]) {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; order_id: string; status: string; amount: string; currency: string }>(
      `SELECT id, order_id, status, amount::text, currency FROM "${schema}".payments WHERE order_id = ANY($1)`,
      [orderIds],
    );
    return rows;
  } finally {
    await client.end();
  }
}

/**
 * Delivers a webhook the way the gateway does (signed over the exact bytes, fresh timestamp), for a payment the
 * gateway may or may not have sent it for: redelivered, late, or out of order. Returns the HTTP status.
 */
export async function deliverWebhook(
  baseUrl: string,
  secret: string,
  payment: { id: string; amount: string; currency: string },
  type: WebhookType,
): Promise<number> {
  const body = JSON.stringify({
    id: `evt_${randomUUID()}`,
    type,
    paymentId: payment.id,
    reference: type === 'payment.succeeded' ? `ch_${randomUUID()}` : null,
    reason: type === 'payment.declined' ? 'card declined' : null,
    amount: { amount: Number(payment.amount), currency: payment.currency },
    createdAt: new Date().toISOString(),
  });
  const response = await fetch(`${baseUrl}/api/payments/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(Date.now() / 1000)) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}
