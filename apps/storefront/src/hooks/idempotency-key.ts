/**
 * A fresh key for one user intent; retries of the same intent reuse it so the server applies it once.
 * `crypto.randomUUID` exists only in secure contexts, so plain-HTTP deployments fall back to random bytes.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
