import { createHmac } from 'node:crypto';
import { type Challenge, createChallenge, randomInt, type Solution, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';

/** ALTCHA proof of work on joining a queue (altcha-lib's v2 challenges, SHA-256, signed with a key of the server). */
export interface ProofOfWork {
  /** A challenge for one drop, valid for `CHALLENGE_TTL_SECONDS`; solving it takes about `difficulty / 2` hashes. */
  challenge(productId: string, difficulty: number): Promise<Challenge>;
  /** Checks a payload (base64 of `{ challenge, solution }`, as the ALTCHA widget submits it) for the drop. */
  verify(payload: string, productId: string): Promise<{ readonly valid: true; readonly id: string } | { readonly valid: false }>;
}

export const CHALLENGE_TTL_SECONDS = 600;

/**
 * The HMAC key is derived from the admission token key (`ADMISSION_TOKEN_KEY`), never configured or committed on its
 * own: every replica derives the same one. The drop's id is signed into the challenge (`data.productId`), so a
 * cheap challenge of one drop is no proof for another.
 */
export function createProofOfWork(secret: string): ProofOfWork {
  const key = createHmac('sha256', secret).update('limitedcart:altcha').digest('base64url');
  return {
    challenge: (productId, difficulty) =>
      createChallenge({
        algorithm: 'SHA-256',
        cost: 1,
        // Deterministic mode: the solver looks for this counter among 0..difficulty-1.
        counter: randomInt(difficulty),
        deriveKey,
        data: { productId },
        expiresAt: Math.floor(Date.now() / 1000) + CHALLENGE_TTL_SECONDS,
        hmacSignatureSecret: key,
      }),
    async verify(payload, productId) {
      const decoded = decode(payload);
      if (decoded === null || decoded.challenge.parameters?.data?.productId !== productId) return { valid: false };
      try {
        const result = await verifySolution({ challenge: decoded.challenge, solution: decoded.solution, deriveKey, hmacSignatureSecret: key });
        return result.verified ? { valid: true, id: decoded.challenge.signature! } : { valid: false };
      } catch {
        return { valid: false };
      }
    },
  };
}

function decode(payload: string): { challenge: Challenge; solution: Solution } | null {
  try {
    const text = payload.trimStart().startsWith('{') ? payload : Buffer.from(payload, 'base64').toString('utf8');
    const value = JSON.parse(text) as { challenge?: unknown; solution?: unknown };
    const challenge = value.challenge as Challenge | undefined;
    const solution = value.solution as Solution | undefined;
    if (typeof challenge !== 'object' || challenge === null || typeof challenge.parameters !== 'object' || challenge.parameters === null) return null;
    if (typeof solution !== 'object' || solution === null) return null;
    return { challenge, solution };
  } catch {
    return null;
  }
}
