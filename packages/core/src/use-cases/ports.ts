import type { Role } from '../domain/customer.js';

/** Who is acting, as the HTTP layer authenticated them. */
export interface Actor {
  readonly customerId: string;
  readonly roles: readonly Role[];
}

export const isAdmin = (actor: Actor): boolean => actor.roles.includes('ADMIN');
