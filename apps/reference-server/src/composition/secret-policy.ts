/**
 * Which secrets the server refuses to run with. A secret that was ever committed (the development values once in
 * deploy/docker-compose.yml, the k8s placeholders) or that a person typed (one character repeated, a short word)
 * lets anyone who reads the repository forge ADMIN tokens and payment webhooks, so the server stops with an error
 * naming the variable instead of starting with it.
 */

/**
 * Values published in this repository, now or in its history, and the usual placeholders. Compared after trimming
 * and lower-casing; a value containing one of the markers below is refused as well.
 */
const PUBLISHED = new Set([
  'dev-only-jwt-secret-at-least-32-bytes-long',
  'dev-only-webhook-secret',
  'replace-me',
  'postgres',
  'password',
  'secret',
  'changeme',
]);

/** Substrings that mark a value as a placeholder or a development value, never a real secret. */
const PLACEHOLDER_MARKERS = ['replace-me', 'replace_me', 'changeme', 'change-me', 'dev-only', 'example', 'placeholder'];

/** Shortest secret accepted: 32 characters (HS256 needs at least 32 bytes of key anyway). */
export const MIN_SECRET_LENGTH = 32;

/**
 * Least estimated entropy, in bits. The estimate (length × Shannon entropy of the character frequencies) is crude,
 * but secrets are machine-generated: 32 random hex characters score ≈ 110 bits, 32 random bytes in base64url
 * ≈ 210; what it is meant to catch (a repeated character, `abab…`, a short word padded out) scores far below 96.
 */
export const MIN_SECRET_BITS = 96;

/** Estimated entropy of `value` in bits: its length times the Shannon entropy of its character frequencies. */
export function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  const characters = [...value];
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let perCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    perCharacter -= p * Math.log2(p);
  }
  return perCharacter * characters.length;
}

/** Why `value` is not acceptable as a secret, or null when it is. */
export function secretProblem(value: string): string | null {
  const normalised = value.trim().toLowerCase();
  if (PUBLISHED.has(normalised)) return 'it is a published or well-known value';
  const marker = PLACEHOLDER_MARKERS.find((candidate) => normalised.includes(candidate));
  if (marker !== undefined) return `it looks like a placeholder or development value (contains "${marker}")`;
  if (value.length < MIN_SECRET_LENGTH) return `it is shorter than ${MIN_SECRET_LENGTH} characters`;
  const bits = estimatedBits(value);
  if (bits < MIN_SECRET_BITS) return `it has too little entropy (≈ ${Math.floor(bits)} bits, at least ${MIN_SECRET_BITS} needed)`;
  return null;
}

/** Why the password of a Postgres URL is not acceptable, or null (no password in the URL is fine: peer auth, PGPASSWORD). */
export function databaseUrlProblem(url: string): string | null {
  let password: string;
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return null;
  }
  if (password === '') return null;
  const normalised = password.toLowerCase();
  if (PUBLISHED.has(normalised) || PLACEHOLDER_MARKERS.some((marker) => normalised.includes(marker))) {
    return 'its password is a published or placeholder value';
  }
  return null;
}

/** Settings the policy checks, by variable name (values unset are skipped). */
export interface SecretSettings {
  readonly JWT_KEY?: string | undefined;
  readonly JWT_ALGORITHM: 'HS256' | 'EdDSA';
  readonly PAYMENT_WEBHOOK_SECRET?: string | undefined;
  readonly ADMISSION_TOKEN_KEY?: string | undefined;
  readonly METRICS_TOKEN?: string | undefined;
  readonly DATABASE_URL?: string | undefined;
}

/**
 * Throws one error listing every refused secret. An EdDSA `JWT_KEY` is a PEM whose entropy lives in the key
 * material, so only the published-value check applies to it.
 */
export function assertAcceptableSecrets(settings: SecretSettings): void {
  const problems: string[] = [];
  const check = (name: string, value: string | undefined, problemOf: (value: string) => string | null) => {
    if (value === undefined) return;
    const problem = problemOf(value);
    if (problem !== null) problems.push(`  ${name}: ${problem}`);
  };
  check('JWT_KEY', settings.JWT_KEY, settings.JWT_ALGORITHM === 'EdDSA' ? publishedOnly : secretProblem);
  check('PAYMENT_WEBHOOK_SECRET', settings.PAYMENT_WEBHOOK_SECRET, secretProblem);
  check('ADMISSION_TOKEN_KEY', settings.ADMISSION_TOKEN_KEY, secretProblem);
  check('METRICS_TOKEN', settings.METRICS_TOKEN, secretProblem);
  check('DATABASE_URL', settings.DATABASE_URL, databaseUrlProblem);
  if (problems.length > 0) {
    throw new Error(
      `refusing to start with unsafe secrets:\n${problems.join('\n')}\n` +
        'Generate real ones, e.g. `openssl rand -base64 48`, or `pnpm --filter @limitedcart/deploy manager secrets`.',
    );
  }
}

const publishedOnly = (value: string): string | null => {
  const normalised = value.trim().toLowerCase();
  return PUBLISHED.has(normalised) || PLACEHOLDER_MARKERS.some((marker) => normalised.includes(marker))
    ? 'it is a published or placeholder value'
    : null;
};
