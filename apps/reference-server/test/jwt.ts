import { createHmac } from 'node:crypto';

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Hand-rolled JWTs, so tests can build the malformed and hostile tokens a library refuses to make. */
export function forgeToken(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  sign: { key: string; algorithm: 'sha256' | 'sha512' } | 'none',
): string {
  const unsigned = `${b64(header)}.${b64(claims)}`;
  if (sign === 'none') return `${unsigned}.`;
  return `${unsigned}.${createHmac(sign.algorithm, sign.key).update(unsigned).digest('base64url')}`;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
