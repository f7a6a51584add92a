/**
 * `@limitedcart/plugin-payment-mock`: a sandbox payment gateway with payment links, test cards, HMAC-signed
 * webhooks and refunds. `mockPayments({...})` is the plugin; `receiveWebhook` serves a host's webhook route.
 */
export { type CardProblem, cardProblem, luhnValid, normalizeCardNumber, TEST_CARDS } from './cards.js';
export { createMockPaymentGateway, type MockGatewayOptions, type MockPaymentGateway, type PaymentWebhookBody, type WebhookDelivery } from './gateway.js';
export { MOCK_PAYMENTS, type MockPaymentsOptions, mockPayments, receiveWebhook, type WebhookReceipt } from './plugin.js';
export { SIGNATURE_HEADER, type SignatureCheck, signWebhook, verifyWebhookSignature } from './webhook-signature.js';
