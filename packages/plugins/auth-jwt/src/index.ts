/**
 * `@limitedcart/plugin-auth-jwt`: accounts, scrypt password hashing and jose access tokens with roles. `jwtAuth({...})`
 * is the plugin; `authenticate` and `requireRole` are its Hono middleware.
 */
export {
  type AccountService,
  type AccountServiceDeps,
  type LoginResult,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PublicUser,
  type RegisterResult,
  toPublicUser,
  validateCredentials,
  validateRoles,
} from './accounts.js';
export { type AuthVariables, authenticate, hasRole, requireRole } from './middleware.js';
export { AUTH_DEFAULTS, type AuthOptions, type TokenAlgorithm } from './options.js';
export { hashPassword, verifyPassword } from './password.js';
export { AUTH, type AuthService, type JwtAuthOptions, jwtAuth } from './plugin.js';
export { createTokenService, type IssuedToken, type Principal, type TokenService } from './tokens.js';
