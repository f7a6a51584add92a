export const ROLES = ['USER', 'WAREHOUSE', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export interface Customer {
  readonly id: string;
  /** Stored lower-cased: emails compare case-insensitively. */
  readonly email: string;
  readonly passwordHash: string;
  readonly roles: readonly Role[];
  readonly createdAt: Date;
}

export type NewCustomer = Pick<Customer, 'email' | 'passwordHash' | 'roles'> & { readonly id?: string };

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
