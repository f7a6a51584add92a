import type { Engine, Logger } from '@limitedcart/core';
import type { AuthService } from '@limitedcart/plugin-auth-jwt';

/** Creates the ADMIN_EMAIL account on first start, or gives an existing one the ADMIN role. */
export async function bootstrapAdmin(engine: Engine, auth: AuthService, email: string, password: string, logger: Logger): Promise<void> {
  const { customer } = await auth.accounts.ensureAccount({ email, password, roles: ['ADMIN'] });
  if (!customer.roles.includes('ADMIN')) {
    await engine.useCases.setCustomerRoles({ customerId: customer.id, roles: [...customer.roles, 'ADMIN'] });
  }
  logger.info('bootstrap admin ready', { email: customer.email });
}
