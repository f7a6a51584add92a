import type { Engine, Logger } from '@limitedcart/core';
import { type AuthService, verifyPassword } from '@limitedcart/plugin-auth-jwt';
import type { ServerConfig } from '../config.js';

/** Why the server refused to start: the bootstrap admin settings would hand ADMIN to an account nobody vouched for. */
export class BootstrapAdminError extends Error {
  override readonly name = 'BootstrapAdminError';
}

type AdminSettings = Pick<ServerConfig, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD' | 'ADMIN_TAKEOVER'>;

/**
 * Makes sure ADMIN_EMAIL is an administrator whose password the operator knows. The rule (docs/security.md):
 *
 * - ADMIN_EMAIL and ADMIN_PASSWORD are set together or not at all; one alone stops the start.
 * - No account has the email: it is created with ADMIN and ADMIN_PASSWORD.
 * - An account without ADMIN has it: the start is refused. Registration is open, so that account may be anyone's who
 *   guessed the operator's address; granting it ADMIN would hand the shop over. ADMIN_TAKEOVER=true takes it over:
 *   ADMIN is added and the password reset to ADMIN_PASSWORD, so only the operator can sign in to it.
 * - An ADMIN account has it: it keeps working. ADMIN_PASSWORD is checked against it: with ADMIN_TAKEOVER=true it is
 *   reset to ADMIN_PASSWORD, otherwise a mismatch is logged as a warning at every start (the account keeps its own
 *   password; the variable is never silently ignored).
 */
export async function bootstrapAdmin(engine: Engine, auth: AuthService, config: AdminSettings, logger: Logger): Promise<void> {
  const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = config;
  if (email === undefined && password === undefined) return;
  if (email === undefined || password === undefined) {
    throw new BootstrapAdminError('ADMIN_EMAIL and ADMIN_PASSWORD must be set together (or neither)');
  }
  const takeover = config.ADMIN_TAKEOVER === 'true';
  const { customer, created } = await auth.accounts.ensureAccount({ email, password, roles: ['ADMIN'] });
  if (created) {
    logger.info('bootstrap admin created', { email: customer.email });
    return;
  }
  if (!customer.roles.includes('ADMIN')) {
    if (!takeover) {
      throw new BootstrapAdminError(
        `ADMIN_EMAIL ${customer.email} belongs to an existing account without the ADMIN role (registered ${customer.createdAt.toISOString()}). ` +
          'Refusing to make it an administrator: whoever registered it would own the shop. Use another ADMIN_EMAIL, or set ' +
          'ADMIN_TAKEOVER=true to take this account over (ADMIN is granted and its password reset to ADMIN_PASSWORD).',
      );
    }
    await auth.accounts.resetPassword(customer.id, password);
    const granted = await engine.useCases.setCustomerRoles({
      customerId: customer.id,
      roles: [...customer.roles, 'ADMIN'],
      reason: 'ADMIN_TAKEOVER: bootstrap admin took an existing account over and reset its password',
    });
    if (!granted.ok) throw new BootstrapAdminError(`could not grant ADMIN to ${customer.email}: ${granted.reason}`);
    logger.warn('bootstrap admin took an existing account over: ADMIN granted, password reset; unset ADMIN_TAKEOVER', {
      email: customer.email,
    });
    return;
  }
  if (takeover) {
    await auth.accounts.resetPassword(customer.id, password);
    logger.warn('bootstrap admin password reset to ADMIN_PASSWORD (ADMIN_TAKEOVER=true); unset ADMIN_TAKEOVER', { email: customer.email });
  } else if (!(await verifyPassword(password, customer.passwordHash))) {
    logger.warn('ADMIN_PASSWORD does not match the bootstrap admin account, which keeps its own password; correct or unset it, or set ADMIN_TAKEOVER=true to reset it', {
      email: customer.email,
    });
  } else {
    logger.info('bootstrap admin ready', { email: customer.email });
  }
}
