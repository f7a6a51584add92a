/**
 * `@limitedcart/plugin-auth-jwt`: accounts, scrypt password hashing, sessions with rotating refresh tokens and
 * short-lived jose access tokens. `jwtAuth({...})` is the plugin; `authenticate` and `requireRole` are its Hono
 * middleware.
 */
export {
  type AccountService,
  type AccountServiceDeps,
  type LoginResult,
  type PublicUser,
  type RegisterResult,
  toPublicUser,
  validateCredentials,
  validateRoles,
} from './accounts.js';
export { type AbuseLimits, createAbuseLimits, type Refusal } from './login-limits.js';
export { type AuthVariables, authenticate, hasRole, requireRole } from './middleware.js';
export { AUTH_DEFAULTS, type AuthOptions, type TokenAlgorithm } from './options.js';
export { hashPassword, verifyPassword } from './password.js';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy.js';
export { AUTH, type AuthService, type JwtAuthOptions, jwtAuth } from './plugin.js';
export { createSessionGuard, type SessionClaims, type SessionGuard, type SessionGuardOptions } from './session-guard.js';
export {
  createSessionService,
  hashRefreshToken,
  type LogoutInput,
  type RefreshResult,
  type SessionService,
  type SessionServiceDeps,
  type SessionTokens,
} from './sessions.js';
export { type AccessGrant, createTokenService, type IssuedToken, type Principal, type TokenService } from './tokens.js';
