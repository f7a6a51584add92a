import { createRoute, z } from '@hono/zod-openapi';
import { LimitedCartError, normalizeEmail } from '@limitedcart/core';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, toPublicUser } from '@limitedcart/plugin-auth-jwt';
import { authenticate } from '../http/auth.js';
import { clientIp } from '../http/client-ip.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { ApiProblem } from '../http/problem.js';
import { rateLimit } from '../http/rate-limit.js';
import { mount, router } from '../http/route.js';
import { AUTH_PROBLEMS, BEARER, jsonBody, jsonContent, problem, UserSchema } from './schemas.js';

const CredentialsBody = z
  .strictObject({
    email: z.email().max(320).openapi({ example: 'shopper@example.com' }),
    password: z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH).openapi({ example: 'correct horse battery' }),
  })
  .openapi('Credentials');

/** Login takes any strings: a short password is simply wrong, and the answer must not reveal the policy. */
const LoginBody = z
  .strictObject({ email: z.string().min(1).max(320), password: z.string().min(1).max(PASSWORD_MAX_LENGTH) })
  .openapi('Login');

const LoginResult = z
  .object({ accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int(), user: UserSchema })
  .openapi('LoginResult');

const MINUTE = 60_000;

export function authRoutes(deps: AppDeps) {
  const app = router();
  const { accounts, tokens, engine, limits } = deps;

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/register',
      tags: ['auth'],
      summary: 'Create a shopper account (role USER)',
      request: jsonBody(CredentialsBody),
      responses: {
        201: jsonContent(z.object({ user: UserSchema }), 'The account.'),
        400: problem('Invalid email or password (`VALIDATION`).'),
        409: problem('The email is taken, compared case-insensitively (`EMAIL_TAKEN`).'),
      },
    }),
    async (c) => {
      const result = await accounts.register(c.req.valid('json'));
      if (!result.ok) throw new ApiProblem(409, 'EMAIL_TAKEN', 'an account with this email exists');
      return c.json({ user: result.user }, 201);
    },
  );

  mount(
    app,
    createRoute({
      method: 'post',
      path: '/login',
      tags: ['auth'],
      summary: 'Exchange credentials for an access token',
      middleware: [
        rateLimit<AppEnv>(deps.rateLimiter, [
          { key: (c) => `login:ip:${clientIp(c, limits.trustProxy)}`, limit: limits.loginPerMinute, windowMs: MINUTE },
          {
            key: async (c) => {
              const body = (await c.req.json().catch(() => null)) as { email?: unknown } | null;
              return typeof body?.email === 'string' ? `login:email:${normalizeEmail(body.email)}` : null;
            },
            limit: limits.loginPerMinute,
            windowMs: MINUTE,
          },
        ]),
      ] as const,
      request: jsonBody(LoginBody),
      responses: {
        200: jsonContent(LoginResult, 'An access token and the user.'),
        400: problem('Malformed request (`VALIDATION`).'),
        401: problem('Unknown email or wrong password (`INVALID_CREDENTIALS`).'),
        429: problem('Too many attempts from this address or for this email (`RATE_LIMITED`).'),
      },
    }),
    async (c) => {
      const result = await accounts.login(c.req.valid('json'));
      if (!result.ok) throw new ApiProblem(401, 'INVALID_CREDENTIALS', 'email or password is wrong');
      const { accessToken, tokenType, expiresIn, user } = result;
      return c.json({ accessToken, tokenType, expiresIn, user }, 200);
    },
  );

  mount(
    app,
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['auth'],
      summary: 'The current user',
      security: BEARER,
      middleware: [authenticate(tokens)] as const,
      responses: { 200: jsonContent(z.object({ user: UserSchema }), 'The caller.'), ...AUTH_PROBLEMS },
    }),
    async (c) => {
      const customer = await engine.ports.customers.get(c.get('principal').customerId);
      if (customer === null) throw new LimitedCartError('UNAUTHENTICATED', 'the account no longer exists');
      return c.json({ user: toPublicUser(customer) }, 200);
    },
  );

  return app;
}
