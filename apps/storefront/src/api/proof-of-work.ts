/**
 * Solves an ALTCHA proof-of-work challenge with altcha-lib's own solver and returns the payload the server
 * verifies (base64 JSON, as the ALTCHA widget sends it). Both challenge formats altcha-lib creates are understood:
 * v2 (`{ parameters: { algorithm, nonce, salt, cost, keyPrefix, ... }, signature }`) and v1
 * (`{ algorithm, challenge, salt, maxnumber, signature }`). The browser builds of the key derivations (Web Crypto) are
 * used, not the Node ones. This module is loaded only when a queue asks for it.
 */
import { solveChallenge as solveV2 } from 'altcha-lib';
import { deriveKey as deriveSha } from 'altcha-lib/algorithms/web/sha';
import { deriveKey as derivePbkdf2 } from 'altcha-lib/algorithms/web/pbkdf2';
import type { Challenge as ChallengeV2 } from 'altcha-lib/types';
import { solveChallenge as solveV1 } from 'altcha-lib/v1';

interface ChallengeV1 {
  readonly algorithm: string;
  readonly challenge: string;
  readonly salt: string;
  readonly maxnumber?: number;
  readonly maxNumber?: number;
  readonly signature: string;
}

const SOLVE_TIMEOUT_MS = 60_000;

const base64Json = (value: unknown): string => btoa(JSON.stringify(value));

const isV2 = (challenge: unknown): challenge is ChallengeV2 =>
  typeof challenge === 'object' && challenge !== null && typeof (challenge as { parameters?: unknown }).parameters === 'object';

const isV1 = (challenge: unknown): challenge is ChallengeV1 =>
  typeof challenge === 'object' && challenge !== null && typeof (challenge as { challenge?: unknown }).challenge === 'string';

/** The `altcha` payload for `challenge`; throws when the challenge cannot be read or solved in time. */
export async function solveAltcha(challenge: unknown, signal?: AbortSignal): Promise<string> {
  const started = performance.now();
  if (isV2(challenge)) {
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort());
    const deriveKey = challenge.parameters.algorithm.startsWith('PBKDF2') ? derivePbkdf2 : deriveSha;
    const solution = await solveV2({ challenge, deriveKey, controller, timeout: SOLVE_TIMEOUT_MS });
    if (!solution) throw new Error('The browser check could not be completed. Please try again.');
    const { codeChallenge: _image, ...signed } = challenge;
    return base64Json({ challenge: signed, solution });
  }
  if (isV1(challenge)) {
    const { promise, controller } = solveV1(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber ?? challenge.maxNumber);
    signal?.addEventListener('abort', () => controller.abort());
    const solution = await promise;
    if (!solution) throw new Error('The browser check could not be completed. Please try again.');
    return base64Json({
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      number: solution.number,
      salt: challenge.salt,
      signature: challenge.signature,
      took: Math.round(performance.now() - started),
    });
  }
  throw new Error('The server sent a browser check this page does not understand.');
}
