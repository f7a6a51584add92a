import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * The ~49,000 most common passwords from leaked password lists (zxcvbn-ts's `passwords-common` dictionary),
 * shipped in the package: checked without any network call. Built on first use, not at import.
 */
let common: ReadonlySet<string> | undefined;
const commonPasswords = (): ReadonlySet<string> => {
  common ??= new Set(dictionary['passwords-common'].map((password) => password.toLowerCase()));
  return common;
};

/** Why a password is refused, or null when it is acceptable. `email` is the account's, which a password must not be. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    return `password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`;
  }
  const folded = password.trim().toLowerCase();
  // Length is easy to pad: ten spaces or one character repeated count as nothing.
  if (new Set(folded.replace(/\s+/g, '')).size < 4) return 'password needs at least 4 different characters besides spaces';
  if (commonPasswords().has(folded) || commonPasswords().has(folded.replace(/\s+/g, ''))) {
    return 'password is among the most common (breached) passwords; choose another';
  }
  if (email !== undefined) {
    const address = email.trim().toLowerCase();
    if (folded === address || folded === address.split('@')[0]) return 'password must not be the email address';
  }
  return null;
}
