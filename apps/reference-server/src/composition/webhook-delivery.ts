import type { WebhookDelivery } from '@limitedcart/plugin-payment-mock';

/**
 * Delivers the mock gateway's signed webhooks over real HTTP, to this server's own webhook route (or the
 * public URL when this process serves no API), exactly as an external gateway would. A non-2xx answer asks
 * the gateway to retry.
 */
export const httpWebhookDelivery = (target: () => string, timeoutMs = 5_000): WebhookDelivery => ({
  async deliver(body, headers) {
    const response = await fetch(`${target()}/api/payments/webhook`, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok;
  },
});
