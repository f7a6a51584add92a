import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';

/** Claims checked by `verifyHs256`; every check jose would make for these options, nothing looser. */
export interface Hs256Expectations {
  readonly issuer: string;
  readonly audience: string;
  /** Seconds since the epoch. */
  readonly now: number;
}

export type Hs256Result =
  | { readonly ok: true; readonly payload: Record<string, unknown> }
  | { readonly ok: false; readonly reason: 'MALFORMED' | 'ALGORITHM' | 'SIGNATURE' | 'CLAIMS' | 'EXPIRED' };

const decodeJson = (segment: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * HS256 verification with node:crypto's HMAC: the hot path of every authenticated request during a drop,
 * where jose's WebCrypto verify costs several times more than the HMAC itself. The algorithm is pinned (the
 * header must say HS256, so `none` and every other algorithm fail), the signature is compared in constant
 * time before any claim is trusted, `crit` headers are refused, and `exp`, `iat`, `sub`, `iss` and `aud` are
 * required exactly as the jose path requires them.
 */
export function verifyHs256(token: string, secret: Uint8Array | KeyObject, expect: Hs256Expectations): Hs256Result {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'MALFORMED' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (!BASE64URL.test(headerPart) || !BASE64URL.test(payloadPart) || !BASE64URL.test(signaturePart)) {
    return { ok: false, reason: 'MALFORMED' };
  }
  const header = decodeJson(headerPart);
  if (!header) return { ok: false, reason: 'MALFORMED' };
  if (header.alg !== 'HS256' || 'crit' in header) return { ok: false, reason: 'ALGORITHM' };

  const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
  const actual = Buffer.from(signaturePart, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: 'SIGNATURE' };

  const payload = decodeJson(payloadPart);
  if (!payload) return { ok: false, reason: 'MALFORMED' };
  const { exp, iat, nbf, iss, aud, sub } = payload;
  if (typeof exp !== 'number' || typeof iat !== 'number' || typeof sub !== 'string') return { ok: false, reason: 'CLAIMS' };
  if (iss !== expect.issuer) return { ok: false, reason: 'CLAIMS' };
  if (!(aud === expect.audience || (Array.isArray(aud) && aud.includes(expect.audience)))) return { ok: false, reason: 'CLAIMS' };
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > expect.now)) return { ok: false, reason: 'CLAIMS' };
  if (exp <= expect.now) return { ok: false, reason: 'EXPIRED' };
  return { ok: true, payload };
}
