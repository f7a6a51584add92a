import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of every delivery (lower-case, as Node and fetch report them). */
export const WEBHOOK_HEADERS = {
  /** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
  signature: 'limitedcart-signature',
  /** Stable per (endpoint, event): the same on every attempt and every redelivery. Receivers dedupe on it. */
  deliveryId: 'limitedcart-delivery-id',
  eventId: 'limitedcart-event-id',
  eventType: 'limitedcart-event-type',
  /** 1 for the first try. */
  attempt: 'limitedcart-attempt',
} as const;

const hmac = (secret: string, timestampSeconds: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');

/** The signature header value for `body` sent at `timestampSeconds`. The timestamp is signed with the body. */
export const signPayload = (secret: string, body: string, timestampSeconds: number): string =>
  `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, body)}`;

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'MISSING' | 'MALFORMED' | 'STALE' | 'MISMATCH' };

/**
 * What a receiver runs on the raw request body (before parsing it): the HMAC must match and the timestamp
 * must be within `toleranceSeconds` of now, so a captured request cannot be replayed later.
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  { now = new Date(), toleranceSeconds = 300 }: { readonly now?: Date; readonly toleranceSeconds?: number } = {},
): SignatureCheck {
  if (!header) return { ok: false, reason: 'MISSING' };
  const fields = new Map(
    header.split(',').map((part) => {
      const [key = '', ...value] = part.trim().split('=');
      return [key, value.join('=')] as const;
    }),
  );
  const timestamp = Number(fields.get('t'));
  const signature = fields.get('v1') ?? '';
  if (!Number.isSafeInteger(timestamp) || !/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'MALFORMED' };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return { ok: false, reason: 'STALE' };
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? { ok: true } : { ok: false, reason: 'MISMATCH' };
}
