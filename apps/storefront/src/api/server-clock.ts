/**
 * The server's clock as seen from this tab. Drops open and holds end on the server's time; a phone whose clock is
 * a minute off must still count down to the right second, so every countdown and every on-sale or hold decision
 * reads `serverNow()` instead of `Date.now()`.
 *
 * Each API answer bounds the offset (server time − local time): the server stamped it somewhere between the
 * moment the request left and the moment the answer arrived. The `X-Server-Time` header (milliseconds since the
 * epoch) or a `serverTime` field in the body gives that stamp to the millisecond; the HTTP `Date` header, which
 * every server sends, gives it to the second (truncated). Bounds from every answer are
 * intersected, so the estimate narrows as answers arrive; when they stop overlapping (the device's clock was
 * changed) the newest answer starts over.
 */

interface Bounds {
  readonly low: number;
  readonly high: number;
}

let bounds: Bounds | null = null;
const listeners = new Set<() => void>();

const observe = (sample: Bounds): void => {
  const low = Math.max(bounds?.low ?? Number.NEGATIVE_INFINITY, sample.low);
  const high = Math.min(bounds?.high ?? Number.POSITIVE_INFINITY, sample.high);
  bounds = low <= high ? { low, high } : sample;
  for (const listener of listeners) listener();
};

/** `stampedAt`: the server's instant for the answer, exact to `resolutionMs`; `sentAt`/`receivedAt`: local times. */
export function observeServerTime(stampedAt: number, resolutionMs: number, sentAt: number, receivedAt: number): void {
  if (!Number.isFinite(stampedAt) || receivedAt < sentAt) return;
  observe({ low: stampedAt - receivedAt, high: stampedAt + resolutionMs - sentAt });
}

/** Reads the clock evidence of one API answer: its `Date` and `X-Server-Time` headers and a body's `serverTime`. */
export function observeResponse(response: Response, body: unknown, sentAt: number, receivedAt: number): void {
  const header = response.headers.get('date');
  if (header) observeServerTime(Date.parse(header), 1_000, sentAt, receivedAt);
  const millis = response.headers.get('x-server-time');
  if (millis && /^\d+$/.test(millis)) observeServerTime(Number(millis), 1, sentAt, receivedAt);
  const serverTime = typeof body === 'object' && body !== null ? (body as { serverTime?: unknown }).serverTime : undefined;
  if (typeof serverTime === 'string') observeServerTime(Date.parse(serverTime), 1, sentAt, receivedAt);
}

/** Milliseconds to add to the local clock to get the server's (0 until an answer arrived). */
export const serverOffset = (): number => (bounds ? Math.round((bounds.low + bounds.high) / 2) : 0);

/** How far the true offset may be from `serverOffset()`, in milliseconds (Infinity before any answer). */
export const serverOffsetUncertainty = (): number => (bounds ? Math.ceil((bounds.high - bounds.low) / 2) : Number.POSITIVE_INFINITY);

/** The server's current time, estimated. */
export const serverNow = (): number => Date.now() + serverOffset();

/** Called whenever the estimate changes. */
export function onServerClockChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
