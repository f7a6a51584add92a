export const ROLES = ['USER', 'WAREHOUSE', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface Customer {
  readonly id: string;
  /** Stored lower-cased: emails compare case-insensitively. */
  readonly email: string;
  readonly passwordHash: string;
  readonly roles: readonly Role[];
  /** A disabled (locked) account cannot sign in, and its sessions and tokens are refused. */
  readonly disabled: boolean;
  /**
   * Raised by every change that must end the account's access tokens (roles, disabled): a token carries the
   * version it was issued at and is refused once the account moved past it.
   */
  readonly sessionVersion: number;
  readonly createdAt: Date;
}

export type NewCustomer = Pick<Customer, 'email' | 'passwordHash' | 'roles'> & { readonly id?: string };

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
